import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildUser } from '../helpers/factories';
import { fileResponse } from '../helpers/filings';
import { useAppInBrowser, expectNoAxeViolations, signIn, tabTo, watchForPageProblems, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

/** Presses Enter on the focused control and waits for the page it leads to. */
async function enterAndWait(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

const h1 = (page: Page) => page.locator('h1').innerText();

describe('the record pages for legal staff', () => {
  it('when legal browses the trail with a filter, opens an event, verifies the chain, and places and releases a hold, then each page works by keyboard and has no axe violations', async () => {
    const filed = await fileResponse(t);
    const legal = await buildUser(t.deps, { role: 'legal' });
    const page = await browser.freshPage();
    const { problems } = watchForPageProblems(page);
    await signIn(page, t.url, legal);

    // The audit trail, from its link in the header.
    await page.goto(`${t.url}/account`);
    await tabTo(page, 'a[href="/record/audit"]', 60);
    await enterAndWait(page);
    expect(await h1(page)).toBe('Audit trail');
    await expectNoAxeViolations(page);

    // Filter by typing an action and the subject; Enter in a field sends the form.
    await tabTo(page, '#f-subject', 60);
    await page.keyboard.type(filed.id);
    await tabTo(page, '#f-actionOther');
    await page.keyboard.type('submission.submitted');
    await enterAndWait(page);
    const url = new URL(page.url());
    expect(url.searchParams.get('subject')).toBe(filed.id);
    expect(url.searchParams.get('actionOther')).toBe('submission.submitted');
    const rows = page.locator('table.vrp-audit tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('submission.submitted');
    await expectNoAxeViolations(page);

    // A refused filter: the error summary gets focus and the field is marked.
    await page.goto(`${t.url}/record/audit?from=2026-12-02&to=2026-12-01`);
    expect(await page.locator('.vrp-error-summary').innerText()).toContain('invalid_parameter');
    expect(await page.evaluate('document.activeElement && document.activeElement.classList.contains("vrp-error-summary")')).toBe(true);
    await expectNoAxeViolations(page);

    // One event, opened from the results by keyboard.
    await page.goto(`${t.url}/record/audit?subject=${filed.id}&action=submission.submitted`);
    const seq = await rows.first().locator('th a').getAttribute('href');
    await tabTo(page, `a[href="${seq}"]`, 80);
    await enterAndWait(page);
    expect(await h1(page)).toMatch(/^Audit event \d+$/);
    expect(await page.locator('.vrp-json').innerText()).toContain(filed.trackingNumber);
    await expectNoAxeViolations(page);

    // The verification, from the list page's link.
    await page.goto(`${t.url}/record/audit`);
    await tabTo(page, 'main a[href="/record/audit/verify"]', 60);
    await enterAndWait(page);
    expect(await h1(page)).toBe('Verify the audit trail');
    await expectNoAxeViolations(page);
    await tabTo(page, 'form[action="/record/audit/verify"] button', 60);
    await enterAndWait(page);
    expect(await page.locator('[role="status"]').innerText()).toContain('Intact');
    expect(await page.locator('#verify-result').innerText()).toBe('ok');
    expect(await page.locator('#verify-head').innerText()).toMatch(/^[0-9a-f]{64}$/);
    await expectNoAxeViolations(page);

    // Legal holds: the list, an unknown docket (error summary), then the proceeding's page.
    await tabTo(page, 'a[href="/record/holds"]', 60);
    await enterAndWait(page);
    expect(await h1(page)).toBe('Legal holds');
    await expectNoAxeViolations(page);
    await tabTo(page, '#docket', 60);
    await page.keyboard.type('NOPE-0000');
    await enterAndWait(page);
    expect(await page.locator('.vrp-error-summary').innerText()).toContain('No proceeding has the docket NOPE-0000');
    await expectNoAxeViolations(page);
    await tabTo(page, '#docket', 60);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(filed.docket);
    await enterAndWait(page);
    expect(await h1(page)).toBe(`Legal hold: ${filed.docket}`);
    await expectNoAxeViolations(page);

    // Place: reason, confirmation box (Space), then the button.
    await tabTo(page, '#reason', 60);
    await page.keyboard.type('Kaspersky Lab v. DHS: preserve the administrative record.');
    await tabTo(page, '#confirm');
    await page.keyboard.press('Space');
    await tabTo(page, 'form[method="post"] button[type="submit"]');
    await enterAndWait(page);
    expect(await page.locator('[role="status"]').innerText()).toContain('Legal hold placed.');
    expect(await page.locator('main').innerText()).toContain('Under a legal hold');
    await expectNoAxeViolations(page);

    // The notice page shows the hold to staff.
    await page.goto(`${t.url}/proceedings/${filed.docket}`);
    expect(await page.locator('#legal-hold-heading').count()).toBe(1);
    expect(await page.locator('main').innerText()).toContain('Kaspersky Lab v. DHS: preserve the administrative record.');
    await expectNoAxeViolations(page);

    // Release it the same way.
    await page.goto(`${t.url}/proceedings/${filed.docket}/legal-hold`);
    await tabTo(page, '#reason', 60);
    await page.keyboard.type('The litigation ended.');
    await tabTo(page, '#confirm');
    await page.keyboard.press('Space');
    await tabTo(page, 'form[method="post"] button[type="submit"]');
    await enterAndWait(page);
    expect(await page.locator('[role="status"]').innerText()).toContain('Legal hold released.');
    expect(await page.locator('table').innerText()).toContain('The litigation ended.');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });
});
