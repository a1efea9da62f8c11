import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildUser, totpFor, type TestUser } from '../helpers/factories';
import { useAppInBrowser, isFocused, signIn, tabTo, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** Types e-mail and password using only Tab, typing and Enter, and waits for the next page. */
async function typeCredentials(page: Page, user: TestUser, password = user.password): Promise<void> {
  await tabTo(page, '#email');
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  expect(await isFocused(page, '#password')).toBe(true);
  await page.keyboard.type(password);
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

describe('signing in with the keyboard alone', () => {
  it('when a vendor skips to the content and types their password, then they land on /account', async () => {
    const vendor = await buildUser(t.deps);
    const page = await browser.freshPage();
    await page.goto(`${t.url}/sign-in`);

    await page.keyboard.press('Tab');
    expect(await isFocused(page, 'a.usa-skipnav')).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await isFocused(page, '#email')).toBe(true);
    await typeCredentials(page, vendor);

    expect(pathOf(page)).toBe('/account');
    expect(await page.locator('main').innerText()).toContain(vendor.email);
  });

  it('when a reviewer signs in, then they are asked for the TOTP code and then land on /account', async () => {
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const page = await browser.freshPage();
    await page.goto(`${t.url}/sign-in`);
    await typeCredentials(page, reviewer);
    expect(pathOf(page)).toBe('/sign-in/totp');

    await tabTo(page, '#code');
    await page.keyboard.type(totpFor(reviewer));
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);

    expect(pathOf(page)).toBe('/account');
    const main = await page.locator('main').innerText();
    expect(main).toContain(reviewer.email);
    expect(main).toMatch(/Authenticator enrolled\s+Yes/);
  });

  it('when the password is wrong, then an error summary with role=alert shows invalid_credentials', async () => {
    const vendor = await buildUser(t.deps);
    const page = await browser.freshPage();
    await page.goto(`${t.url}/sign-in`);
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await typeCredentials(page, vendor, 'not the right password at all');

    expect((await response).status()).toBe(401);
    expect(pathOf(page)).toBe('/sign-in');
    const alert = page.locator('[role="alert"]');
    expect(await alert.count()).toBe(1);
    expect(await alert.getAttribute('class')).toContain('usa-alert--error');
    expect(await alert.innerText()).toContain('The e-mail address or password is incorrect.');
    expect(await alert.innerText()).toContain('invalid_credentials');
    expect(await isFocused(page, '[role="alert"]')).toBe(true);
    expect(await page.inputValue('#email')).toBe(vendor.email);
    expect(await page.inputValue('#password')).toBe('');
  });

  it('when a signed-in vendor signs out with the keyboard, then the session is over even for the old cookie', async () => {
    const vendor = await buildUser(t.deps);
    const page = await browser.freshPage();
    await signIn(page, t.url, vendor);
    expect(pathOf(page)).toBe('/account');
    const oldCookies = await browser.context.cookies();

    await tabTo(page, 'form[action="/sign-out"] button[type="submit"]');
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(pathOf(page)).toBe('/sign-in');
    expect(await page.locator('[role="status"]').innerText()).toContain('You have signed out.');

    await page.goto(`${t.url}/account`);
    expect(pathOf(page)).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/account');

    // Replaying the pre-sign-out cookie must not work either: the server revoked the session.
    await browser.context.addCookies(oldCookies);
    await page.goto(`${t.url}/account`);
    expect(pathOf(page)).toBe('/sign-in');
    expect(await page.locator('header.usa-header nav').innerText()).toContain('Sign in');
  });
});
