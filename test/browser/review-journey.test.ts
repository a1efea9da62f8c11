import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, totpFor, type TestUser } from '../helpers/factories';
import { fileResponse } from '../helpers/filings';
import { expectNoAxeViolations, isFocused, launchPeopleBrowser, tabTo, watchForPageProblems, type PeopleBrowser } from '../helpers/browser';

// The whole review path, four people in four browser contexts, by keyboard alone: after each
// person's first page (sign-in) every move is Tab, Shift+Tab, typing, Space, arrows or Enter.
let t: TestApp;
let people: PeopleBrowser;
beforeAll(async () => { [t, people] = await Promise.all([startTestApp({ listen: true }), launchPeopleBrowser()]); });
afterAll(async () => { await people?.close(); await t?.close(); });

const DAY = 86_400_000;
const pathOf = (page: Page) => new URL(page.url()).pathname;
/** What each person's tab logged as a page fault (CSP refusals, script errors). */
const watched: string[][] = [];

/** Presses a key on the focused control and waits for the page it leads to. */
async function pressAndWait(page: Page, key = 'Enter'): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

/** Tabs to a link or button and activates it with Enter; then checks the page it lands on with axe. */
async function follow(page: Page, selector: string, max = 120): Promise<void> {
  await tabTo(page, selector, max);
  await pressAndWait(page);
  await expectNoAxeViolations(page);
}

/** Tabs to a field and types into it. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await tabTo(page, selector, 120);
  await page.keyboard.type(text);
}

/** Tabs to a closed <select> and moves through its options with the arrow keys until `value` is chosen. */
async function choose(page: Page, selector: string, value: string): Promise<void> {
  await tabTo(page, selector, 120);
  await page.keyboard.press('Home');
  for (let i = 0; i < 30 && await page.inputValue(selector) !== value; i += 1) await page.keyboard.press('ArrowDown');
  expect(await page.inputValue(selector)).toBe(value);
}

/** A person's own browser context: the sign-in page is the only page opened by address. */
async function signInByKeyboard(user: TestUser, next: string): Promise<Page> {
  const page = await people.newPerson();
  watched.push(watchForPageProblems(page).problems);
  await page.goto(`${t.url}/sign-in?next=${encodeURIComponent(next)}`);
  await expectNoAxeViolations(page);
  await typeInto(page, '#email', user.email);
  await page.keyboard.press('Tab');
  expect(await isFocused(page, '#password')).toBe(true);
  await page.keyboard.type(user.password);
  await pressAndWait(page);
  if (user.totpSecret) {
    expect(pathOf(page)).toBe('/sign-in/totp');
    await expectNoAxeViolations(page);
    await typeInto(page, '#code', totpFor(user));
    await pressAndWait(page);
  }
  expect(pathOf(page)).toBe(next.split('?')[0]);
  await expectNoAxeViolations(page);
  return page;
}

/** The text of the polite status region a page shows after a change. */
const status = (page: Page) => page.locator('#page-status').innerText();

describe('the review path by keyboard alone', () => {
  jest.setTimeout(240_000);

  it('when a filed response is assigned, noted, found on, asked about, answered, drafted, approved and issued, then the vendor reads the issued disposition and every page passes axe', async () => {
    const f = await fileResponse(t, { title: 'Response of Journey Software' });
    const [assigner, reviewer, approver] = await Promise.all([
      buildUser(t.deps, { role: 'supervisor' }), buildUser(t.deps, { role: 'reviewer' }), buildUser(t.deps, { role: 'supervisor' }),
    ]);
    const reviewUrl = `/review/submissions/${f.id}`;
    // Staff links stay on staff pages: the queue row and every "back" link lead to the review page.
    const rowLink = `table.vrp-queue a[href="${reviewUrl}"]`;
    const backLink = `#main-content a[href="${reviewUrl}"]`;

    // A supervisor opens the queue, the submission's review page, then Assign.
    const sup = await signInByKeyboard(assigner, '/review');
    await follow(sup, rowLink);
    expect(pathOf(sup)).toBe(reviewUrl);
    await follow(sup, `a[href="${reviewUrl}/assign"]`);
    await choose(sup, '#reviewerId', reviewer.id);
    // datetime-local: month, day, year, then (Tab to the next part) hour, minute, AM/PM.
    const due = new Date(Date.now() + 10 * DAY);
    await tabTo(sup, '#dueAt');
    await sup.keyboard.type(`${String(due.getUTCMonth() + 1).padStart(2, '0')}${String(due.getUTCDate()).padStart(2, '0')}${due.getUTCFullYear()}`);
    await sup.keyboard.press('Tab');
    await sup.keyboard.type('0500P');
    expect(await sup.inputValue('#dueAt')).toBe(`${due.toISOString().slice(0, 10)}T17:00`);
    await tabTo(sup, 'form[action$="/assign"] button[type="submit"]', 10);
    await pressAndWait(sup);
    expect(await status(sup)).toMatch(/assigned/i);
    expect(await sup.locator('main').innerText()).toContain(reviewer.name);
    await expectNoAxeViolations(sup);
    await follow(sup, backLink);
    expect(pathOf(sup)).toBe(reviewUrl);

    // The reviewer finds it in the queue under "Me", then notes, findings and an information request.
    const rev = await signInByKeyboard(reviewer, '/review');
    await choose(rev, '#f-assignee', 'me');
    await tabTo(rev, '.vrp-queue-filters button[type="submit"]');
    await pressAndWait(rev);
    expect(new URL(rev.url()).searchParams.get('assignee')).toBe('me');
    await expectNoAxeViolations(rev);
    await follow(rev, rowLink);
    await follow(rev, `a[href="${reviewUrl}/notes"]`);
    await typeInto(rev, '#body', 'Check argument 2 against the notice file.');
    await tabTo(rev, 'form[action$="/notes"] button[type="submit"]');
    await pressAndWait(rev);
    expect(await rev.locator('main').innerText()).toContain('Check argument 2 against the notice file.');
    await expectNoAxeViolations(rev);
    await follow(rev, backLink);
    await follow(rev, `a[href="${reviewUrl}/findings"]`);
    await choose(rev, '#ruling-0', 'not_persuasive');
    await typeInto(rev, '#reasoning-0', 'The notice cites two test reports.');
    await choose(rev, '#ruling-1', 'persuasive');
    await typeInto(rev, '#reasoning-1', 'No notice was given before the directive.');
    await tabTo(rev, 'form[action$="/findings"] button[type="submit"]');
    await pressAndWait(rev);
    expect(await status(rev)).toMatch(/saved/i);
    expect(await rev.locator('main').innerText()).toContain('No notice was given before the directive.');
    await expectNoAxeViolations(rev);
    await follow(rev, backLink);
    await follow(rev, `a[href="${reviewUrl}/information-requests/new"]`);
    await typeInto(rev, '#question', 'Which test reports do you dispute?');
    const asked = new Date(Date.now() + 7 * DAY);
    await tabTo(rev, '#dueDate');
    await rev.keyboard.type(`${String(asked.getUTCMonth() + 1).padStart(2, '0')}${String(asked.getUTCDate()).padStart(2, '0')}${asked.getUTCFullYear()}`);
    expect(await rev.inputValue('#dueDate')).toBe(asked.toISOString().slice(0, 10));
    await follow(rev, 'form[action$="/preview"] button[type="submit"]');
    expect(await rev.locator('main').innerText()).toContain('Which test reports do you dispute?');
    expect(await rev.locator(backLink).count()).toBe(1);
    await follow(rev, `form[action="${reviewUrl}/information-requests"] button[type="submit"]`);
    expect(await status(rev)).toMatch(/sent/i);

    // The vendor sees the request on the response page and files a reply through its own pages.
    const vendor = await signInByKeyboard(f.vendor, `/submissions/${f.id}`);
    expect(await vendor.locator('ul[aria-labelledby="requests-heading"]').innerText()).toContain('Which test reports do you dispute?');
    await follow(vendor, 'main a.usa-button[href*="replyTo="]');
    await typeInto(vendor, '#title', 'Reply about the test reports');
    await typeInto(vendor, '#argument', 'We dispute both reports: they tested an older version.');
    await follow(vendor, 'form[action$="/submissions"] button[type="submit"]');
    expect(await status(vendor)).toContain('Draft created');
    await follow(vendor, 'main a[href$="/review"]');
    await tabTo(vendor, '#accept', 120);
    await vendor.keyboard.press('Space');
    expect(await vendor.isChecked('#accept')).toBe(true);
    await typeInto(vendor, '#signature', f.vendor.name);
    await follow(vendor, 'form[action$="/submit"] button[type="submit"]');
    expect(pathOf(vendor)).toMatch(/\/receipt$/);
    expect(await status(vendor)).toContain('Filed.');

    // The reviewer, back on the review page, sees the reply and drafts the disposition.
    await follow(rev, backLink);
    expect(await rev.locator('main').innerText()).toContain('Reply about the test reports');
    await follow(rev, `a[href="${reviewUrl}/disposition"]`);
    await choose(rev, '#outcome', 'partially_sustained');
    await typeInto(rev, '#rationale', 'Argument 2 holds: no notice was given. Argument 1 does not.');
    await follow(rev, `form[action="${reviewUrl}/disposition"] button[type="submit"]`);
    expect(await status(rev)).toContain('The draft was saved');
    expect(await rev.locator('form[action$="/approve"]').count()).toBe(0);

    // A second supervisor (not the drafter) approves, reads the preview and issues.
    const sup2 = await signInByKeyboard(approver, '/review');
    await follow(sup2, rowLink);
    await follow(sup2, `a[href="${reviewUrl}/disposition"]`);
    await follow(sup2, 'form[action$="/approve"] button[type="submit"]');
    expect(await status(sup2)).toMatch(/approved/i);
    const previewed = await sup2.locator('[aria-label="The vendor\'s page"]').innerText();
    expect(previewed).toContain('Partially sustained');
    expect(previewed).toContain('no notice was given');
    await follow(sup2, 'form[action$="/issue"] button[type="submit"]');
    expect(await status(sup2)).toContain('issued');
    await follow(sup2, backLink);
    expect(await sup2.locator('table.vrp-facts').innerText()).toMatch(/Status\s+Decided/i);

    // The vendor goes from the receipt to its list and to the response: the issued words are there.
    await follow(vendor, 'header a[href="/submissions"]');
    await follow(vendor, `main a[href="/submissions/${f.id}"]`);
    const seen = await vendor.locator('section[aria-labelledby="disposition-heading"]').innerText();
    expect(seen.replace(/Issued:.*\n?/, '')).toBe(previewed.replace(/Issued:.*\n?/, ''));
    expect(await vendor.locator('main').innerText()).not.toContain('Check argument 2 against the notice file.');

    expect(watched.flat()).toEqual([]);
  });
});
