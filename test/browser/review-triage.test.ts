import type { TestApp } from '../helpers/app';
import { buildUser } from '../helpers/factories';
import { fileResponse } from '../helpers/filings';
import { useAppInBrowser, expectNoAxeViolations, signIn, watchForPageProblems, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

/** A `datetime-local` value (read as UTC by the page) `days` from now. */
const localIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 16);

describe('the assign page', () => {
  it('when a supervisor assigns, sets tags wrongly then rightly and ends the assignment, then each state has no axe violations and errors show their codes', async () => {
    const filed = await fileResponse(t);
    const supervisor = await buildUser(t.deps, { role: 'supervisor' });
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const conflicted = await buildUser(t.deps, { role: 'reviewer' });
    await t.deps.db.insertInto('conflicts').values({ user_id: conflicted.id, organization_id: filed.organizationId, kind: 'competitor', statement: 'Rival firm.' }).execute();
    const page = await browser.freshPage();
    const watch = watchForPageProblems(page);
    await signIn(page, t.url, supervisor);

    await page.goto(`${t.url}/review/submissions/${filed.id}/assign`);
    expect(await page.locator('h1').innerText()).toContain(filed.trackingNumber);
    const blocked = page.locator(`#reviewerId option[value="${conflicted.id}"]`);
    expect(await blocked.isDisabled()).toBe(true);
    expect(await blocked.innerText()).toContain('conflict declared');
    await expectNoAxeViolations(page);

    await page.selectOption('#reviewerId', reviewer.id);
    await page.fill('#dueAt', localIn(5));
    await Promise.all([page.waitForURL(/done=assigned/), page.click('form[action$="/assign"] button[type="submit"]')]);
    expect(await page.locator('#page-status').innerText()).toContain('Reviewer assigned');
    expect(await page.locator('table').innerText()).toContain(reviewer.name);
    await expectNoAxeViolations(page);

    await page.fill('#tags', 'cloud, not allowed!');
    await page.click('form[action$="/triage"] button[type="submit"]');
    await page.waitForSelector('.vrp-error-summary');
    expect(await page.locator('.vrp-error-code').innerText()).toContain('invalid_tag');
    expect(await page.inputValue('#tags')).toBe('cloud, not allowed!');
    await expectNoAxeViolations(page);

    await page.selectOption('#priority', 'high');
    await page.fill('#tags', 'Cloud, fy_27');
    await Promise.all([page.waitForURL(/done=triaged/), page.click('form[action$="/triage"] button[type="submit"]')]);
    expect(await page.inputValue('#tags')).toBe('cloud, fy_27');
    expect(await page.inputValue('#priority')).toBe('high');

    await Promise.all([page.waitForURL(/done=ended/), page.click('form[action$="/end"] button[type="submit"]')]);
    expect(await page.locator('table').innerText()).toContain('Ended');
    await expectNoAxeViolations(page);
    expect(watch.problems).toEqual([]);
  });

  it('when a reviewer opens the assign page, then 403', async () => {
    const filed = await fileResponse(t);
    const page = await browser.freshPage();
    await signIn(page, t.url, await buildUser(t.deps, { role: 'reviewer' }));
    const res = await page.goto(`${t.url}/review/submissions/${filed.id}/assign`);
    expect(res?.status()).toBe(403);
  });
});
