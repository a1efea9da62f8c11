import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildUser, type TestUser } from '../helpers/factories';
import { fileResponse } from '../helpers/filings';
import { useAppInBrowser, expectNoAxeViolations, isFocused, signIn, tabTo, watchForPageProblems, type TestBrowser } from '../helpers/browser';

/** The notes, findings and response-to-arguments pages in Chromium: zero axe WCAG 2.1 AA violations in every state. */
let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

async function asReviewer(): Promise<{ page: Page; problems: string[]; user: TestUser }> {
  const page = await browser.freshPage();
  const watch = watchForPageProblems(page);
  const user = await buildUser(t.deps, { role: 'reviewer' });
  await signIn(page, t.url, user);
  return { page, user, ...watch };
}

/** Submits the form and waits for the page the server answers with (a redirect or the form again). */
async function submitForm(page: Page, action: string): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated'), page.click(`form[action="${action}"] button[type="submit"]`)]);
  await page.waitForLoadState('load');
}

describe('the notes page', () => {
  it('when a reviewer opens it, adds a note and then tries a blank one, then each state has no violations', async () => {
    const f = await fileResponse(t);
    const { page, problems, user } = await asReviewer();
    const action = `/review/submissions/${f.id}/notes`;

    await page.goto(`${t.url}${action}`);
    expect(await page.locator('h1').innerText()).toBe('Internal notes');
    await expectNoAxeViolations(page);

    await page.fill('#body', 'Ask for the 2016 renewals.');
    await submitForm(page, action);
    await page.waitForSelector('.vrp-notes li');
    expect(await page.locator('.vrp-notes').innerText()).toContain(user.name);
    expect(await page.locator('#page-status').innerText()).toContain('Note added.');
    await expectNoAxeViolations(page);

    await page.fill('#body', '   ');
    await submitForm(page, action);
    await page.waitForSelector('.vrp-error-summary');
    expect(await page.locator('.vrp-error-summary').innerText()).toContain('blank_note');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });
});

describe('the findings page', () => {
  it('when a reviewer opens the suggested form, hits an error and then saves, then each state has no violations', async () => {
    const f = await fileResponse(t);
    const { page, problems } = await asReviewer();
    const action = `/review/submissions/${f.id}/findings`;

    await page.goto(`${t.url}${action}`);
    expect(await page.locator('#summary-0').inputValue()).toBe('The directive rests on no evidence about our products.');
    await expectNoAxeViolations(page);

    await page.selectOption('#ruling-0', 'not_persuasive');
    await page.fill('#reasoning-0', 'The record shows otherwise.');
    await submitForm(page, action);
    await page.waitForSelector('.vrp-error-summary');
    await expectNoAxeViolations(page);

    await page.selectOption('#ruling-1', 'persuasive');
    await page.fill('#reasoning-1', 'Notice came late.');
    await submitForm(page, action);
    await page.waitForSelector('.vrp-findings');
    expect(await page.locator('#page-status').innerText()).toContain('Findings saved as version 1.');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });
});

describe('adding argument rows without JavaScript', () => {
  it('when a reviewer presses "Add another argument" by keyboard, then the form returns with the typed text, a new row in view, no violations, and saving keeps the added argument', async () => {
    const f = await fileResponse(t);
    const { page, problems } = await asReviewer();
    const action = `/review/submissions/${f.id}/findings`;
    await page.goto(`${t.url}${action}`);
    await page.selectOption('#ruling-0', 'not_persuasive');
    await page.fill('#reasoning-0', 'Typed before the row was added.');
    expect(await page.locator('#number-3').count()).toBe(0);

    await tabTo(page, 'button[value="add-row"]', 80);
    await Promise.all([page.waitForURL((u) => u.hash === '#argument-row-3'), page.keyboard.press('Enter')]);
    await page.waitForLoadState('load');

    expect(await page.locator('#reasoning-0').inputValue()).toBe('Typed before the row was added.');
    expect(await page.locator('#ruling-0').inputValue()).toBe('not_persuasive');
    expect(await page.locator('#number-3').inputValue()).toBe('');
    expect(await page.locator('#page-status').innerText()).toContain('Row 4 added');
    await expectNoAxeViolations(page);
    // Tab from the row the fragment pointed at reaches the new row's first field.
    await tabTo(page, '#number-3', 10);
    expect(await isFocused(page, '#number-3')).toBe(true);
    await page.keyboard.type('3');
    await page.fill('#summary-3', 'An argument the reviewer split out.');
    await page.selectOption('#ruling-3', 'moot');
    await page.fill('#reasoning-3', 'Settled elsewhere.');
    await page.selectOption('#ruling-1', 'persuasive');
    await page.fill('#reasoning-1', 'Notice came late.');
    await submitForm(page, action);
    await page.waitForSelector('.vrp-findings');
    expect(await page.locator('.vrp-findings').innerText()).toContain('An argument the reviewer split out.');
    expect(problems).toEqual([]);
  });
});

describe('the response-to-arguments page', () => {
  it('when a reviewer opens a proceeding\'s document, then it lists the response and has no violations', async () => {
    const f = await fileResponse(t);
    const { page, problems } = await asReviewer();

    await page.goto(`${t.url}/proceedings/${f.docket}/response-to-arguments`);
    expect(await page.locator('main').innerText()).toContain(f.trackingNumber);
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });
});
