import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildProceeding, buildUser } from '../helpers/factories';
import { useAppInBrowser, expectNoAxeViolations, signIn, tabTo, watchForPageProblems, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

const DAY = 86_400_000;
const pathOf = (page: Page) => new URL(page.url()).pathname;

/** An open proceeding with a multi-paragraph notice and one document relied on, plus one upcoming and one closed. */
async function proceedings() {
  const open = await buildProceeding(t.deps, { closesAt: new Date(Date.now() + 20 * DAY), latePolicy: 'accept_flagged' });
  await t.deps.db.updateTable('proceedings').set({ notice_text: 'The Department issued BOD 17-01.\nIt directs agencies.\n\nResponses are due by the deadline.' })
    .where('id', '=', open.id).execute();
  const admin = await buildUser(t.deps, { role: 'admin' });
  const sha256 = randomBytes(32).toString('hex');
  await t.deps.db.insertInto('notice_documents').values({
    proceeding_id: open.id, title: 'Information Memorandum', original_name: 'memo.pdf', media_type: 'application/pdf',
    size: 123_456, sha256, storage_key: `sha256/${sha256}`, created_by: admin.id,
  }).execute();
  await buildProceeding(t.deps, { opensAt: new Date(Date.now() + DAY), closesAt: new Date(Date.now() + 30 * DAY) });
  await buildProceeding(t.deps, { opensAt: new Date(Date.now() - 30 * DAY), closesAt: new Date(Date.now() - DAY) });
  return open;
}

describe('the public notice pages', () => {
  it('when someone signed out goes from the home page to a notice by keyboard, then each page has no axe violations', async () => {
    const open = await proceedings();
    const page = await browser.freshPage();
    const watch = watchForPageProblems(page);
    await page.goto(`${t.url}/`);
    await expectNoAxeViolations(page);
    expect(await page.locator('#open-proceedings-heading').isVisible()).toBe(true);

    await tabTo(page, 'main a[href="/proceedings"]', 80);
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(pathOf(page)).toBe('/proceedings');
    await expectNoAxeViolations(page);

    await tabTo(page, `main a[href="/proceedings/${open.docket}"]`, 80);
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(pathOf(page)).toBe(`/proceedings/${open.docket}`);
    const main = await page.locator('main').innerText();
    expect(main).toMatch(/Closes\s+\w+ \d+, \d{4} at \d+:\d\d [AP]M E[SD]T \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)/);
    expect(main).toContain('memo.pdf');
    expect(main).toContain('Register your organization');
    await expectNoAxeViolations(page);
    expect(watch.problems).toEqual([]);
  });

  it('when a vendor reads a notice, then "Start a response" leads to the new-response page', async () => {
    const open = await proceedings();
    const page = await browser.freshPage();
    await signIn(page, t.url, await buildUser(t.deps));
    await page.goto(`${t.url}/proceedings/${open.docket}`);
    await expectNoAxeViolations(page);
    await tabTo(page, `a[href="/proceedings/${open.docket}/submissions/new"]`, 60);
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(pathOf(page)).toBe(`/proceedings/${open.docket}/submissions/new`);
  });
});
