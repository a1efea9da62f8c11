import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildOrganization, buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { fileResponse } from '../helpers/filings';
import { expectNoAxeViolations, signIn, useAppInBrowser, watchForPageProblems, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

async function open(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.freshPage();
  return { page, ...watchForPageProblems(page) };
}

describe('the review queue page', () => {
  it('when a reviewer searches, then matches are marked, vendor markup stays text, counts show, and axe finds no violations', async () => {
    const proceeding = await buildProceeding(t.deps);
    const org = await buildOrganization(t.deps, { legalName: 'Turbine <b>Works</b> LLC' });
    const vendor = await buildUser(t.deps, { organizationId: org });
    const filed = await fileResponse(t, { proceeding, vendor: { user: vendor, token: await tokenFor(t.app, vendor) }, title: 'Response about <img src=x onerror=alert(1)> turbines' });
    await fileResponse(t, { proceeding, title: 'Unrelated response' });
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const { page, problems } = await open();
    await signIn(page, t.url, reviewer);
    await page.goto(`${t.url}/review?docket=${proceeding.docket}`);
    expect(await page.title()).toBe('Review queue | Vendor Response Portal');
    expect(await page.locator('.vrp-queue-counts').innerText()).toContain('Filed: 2');
    await expectNoAxeViolations(page);

    await page.fill('#f-q', 'turbine');
    await page.click('.vrp-queue-filters button[type=submit]');
    await page.waitForURL(/q=turbine/);
    const rows = page.locator('table.vrp-queue tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('code').innerText()).toBe(filed.trackingNumber);
    expect(await rows.first().locator('mark').allInnerTexts()).toEqual(expect.arrayContaining(['Turbine', 'turbines']));
    expect(await rows.first().innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('table.vrp-queue img, table.vrp-queue b').count()).toBe(0);
    expect(await page.locator('.vrp-queue-counts').innerText()).toContain('Filed: 1');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when a filter value is refused, then the page says why with the code, and axe finds no violations', async () => {
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const { page } = await open();
    await signIn(page, t.url, reviewer);
    const res = await page.goto(`${t.url}/review?kind=memo`);
    expect(res?.status()).toBe(400);
    expect(await page.locator('.vrp-error-summary').innerText()).toContain('invalid_kind');
    await expectNoAxeViolations(page);
  });
});
