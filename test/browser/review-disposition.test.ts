import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildUser } from '../helpers/factories';
import { fileResponse } from '../helpers/filings';
import { startReview } from '../helpers/dispositions';
import { useAppInBrowser, expectNoAxeViolations, signIn, watchForPageProblems, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

const DAY = 86_400_000;
const submitAndWait = (page: Page, selector: string) => Promise.all([page.waitForEvent('load'), page.click(selector)]);

describe('the disposition pages', () => {
  it('when one supervisor drafts and another approves and issues, then every page has no axe violations, the buttons follow the rules and the vendor reads the previewed words', async () => {
    const f = await fileResponse(t);
    await startReview(t, f.id);
    const [drafter, approver] = [await buildUser(t.deps, { role: 'supervisor' }), await buildUser(t.deps, { role: 'supervisor' })];
    const url = `${t.url}/review/submissions/${f.id}/disposition`;

    const page = await browser.freshPage();
    const watch = watchForPageProblems(page);
    await signIn(page, t.url, drafter);
    await page.goto(url);
    await expectNoAxeViolations(page);
    await page.selectOption('#outcome', 'partially_sustained');
    await page.fill('#rationale', 'Argument 1 holds; argument 2 does not.');
    await submitAndWait(page, 'form[action$="/disposition"] button[type="submit"]');
    expect(await page.locator('#page-status').innerText()).toContain('The draft was saved');
    expect(await page.locator('form[action$="/approve"]').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('two-person rule');
    const previewed = await page.locator('[aria-label="The vendor\'s page"]').innerText();
    expect(previewed).toContain('Partially sustained');
    await expectNoAxeViolations(page);

    const second = await browser.freshPage();
    await signIn(second, t.url, approver);
    await second.goto(url);
    await expectNoAxeViolations(second);
    await submitAndWait(second, 'form[action$="/approve"] button');
    expect(await second.locator('form[action$="/approve"]').count()).toBe(0);
    await expectNoAxeViolations(second);
    await submitAndWait(second, 'form[action$="/issue"] button');
    expect(await second.locator('#page-status').innerText()).toContain('issued');
    expect(await second.locator('form[action$="/supersede"]').count()).toBe(1);
    await expectNoAxeViolations(second);

    const vendor = await browser.freshPage();
    await signIn(vendor, t.url, f.vendor);
    await vendor.goto(`${t.url}/submissions/${f.id}`);
    await expectNoAxeViolations(vendor);
    const seen = await vendor.locator('section[aria-labelledby="disposition-heading"]').innerText();
    expect(seen.replace(/Issued:.*\n?/, '')).toBe(previewed.replace(/Issued:.*\n?/, ''));
    expect(watch.problems).toEqual([]);
  });

  it('when a reviewer composes an information request, then the compose and preview pages have no axe violations and Send releases it', async () => {
    const f = await fileResponse(t);
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const page = await browser.freshPage();
    await signIn(page, t.url, reviewer);
    await page.goto(`${t.url}/review/submissions/${f.id}/information-requests/new`);
    await expectNoAxeViolations(page);
    await page.fill('#question', 'Which contracts cover Exhibit A?');
    await page.fill('#dueDate', new Date(Date.now() + 7 * DAY).toISOString().slice(0, 10));
    await submitAndWait(page, 'form[action$="/preview"] button');
    await expectNoAxeViolations(page);
    expect(await page.locator('main').innerText()).toContain('Which contracts cover Exhibit A?');
    await submitAndWait(page, 'form[action$="/information-requests"] button');
    expect(await page.locator('#page-status').innerText()).toContain('sent');
    await expectNoAxeViolations(page);
    const rows = await t.deps.db.selectFrom('information_requests').select('question').where('submission_id', '=', f.id).execute();
    expect(rows).toEqual([{ question: 'Which contracts cover Exhibit A?' }]);
  });
});
