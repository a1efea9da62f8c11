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

/** Fills the declaration form with the keyboard only: the first organization listed, a kind, a statement. */
async function declareByKeyboard(page: Page, statement: string): Promise<void> {
  await tabTo(page, '#organizationId', 60);
  await page.keyboard.press('ArrowDown');
  await tabTo(page, '#kind');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, '#statement');
  await page.keyboard.type(statement);
  await tabTo(page, 'form[action="/account/conflicts"][method="post"] button[type="submit"]');
  await enterAndWait(page);
}

describe('declaring and ending a conflict with the keyboard alone', () => {
  it('when a reviewer searches, declares, repeats it and ends it, then each page says what happened and has no axe violations', async () => {
    const filed = await fileResponse(t);
    await t.deps.db.updateTable('organizations').set({ legal_name: 'Yonder Keyboard Labs' }).where('id', '=', filed.organizationId).execute();
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const page = await browser.freshPage();
    const { problems } = watchForPageProblems(page);
    await signIn(page, t.url, reviewer);

    // From the account page, by its link.
    await page.goto(`${t.url}/account`);
    await tabTo(page, 'a[href="/account/conflicts"]', 60);
    await enterAndWait(page);
    expect(await page.locator('h1').innerText()).toBe('Your conflicts of interest');
    expect(await page.locator('main').innerText()).toContain('You have not declared any conflicts.');
    await expectNoAxeViolations(page);

    // Search by name: a plain GET form, no script.
    await tabTo(page, '#q', 60);
    await page.keyboard.type('Yonder Keyboard');
    await enterAndWait(page);
    expect(new URL(page.url()).searchParams.get('q')).toBe('Yonder Keyboard');
    expect(await page.locator('#organizationId option').allInnerTexts()).toEqual(['- Select -', 'Yonder Keyboard Labs (US)']);
    await expectNoAxeViolations(page);

    await declareByKeyboard(page, 'My brother is its chief executive.');
    expect(new URL(page.url()).search).toBe('?declared=1');
    expect(await page.locator('[role="status"]').innerText()).toContain('Conflict declared.');
    const row = page.locator('tbody tr', { hasText: 'Yonder Keyboard Labs' });
    expect(await row.innerText()).toContain('My brother is its chief executive.');
    expect(await row.innerText()).toContain('Competitor');
    expect(await row.innerText()).toContain('Active');
    await expectNoAxeViolations(page);

    // The same organization again: the page shows the API's 409 and its code, focus on the problem.
    await page.goto(`${t.url}/account/conflicts?q=Yonder%20Keyboard`);
    await declareByKeyboard(page, 'Declared twice.');
    expect(await page.locator('.vrp-error-summary').innerText()).toContain('conflict_already_declared');
    await expectNoAxeViolations(page);

    // End it with its own button, named for the organization for screen readers.
    await tabTo(page, 'form[action$="/end"] button', 60);
    expect(await page.getByRole('button', { name: 'End conflict with Yonder Keyboard Labs', exact: true }).count()).toBe(1);
    await enterAndWait(page);
    expect(new URL(page.url()).search).toBe('?ended=1');
    expect(await page.locator('form[action$="/end"]').count()).toBe(0);
    expect(await row.innerText()).not.toContain('Active');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });
});
