import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildUser } from '../helpers/factories';
import { useAppInBrowser, expectNoAxeViolations, isFocused, signIn, tabTo, watchForPageProblems, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

const pathOf = (page: Page) => new URL(page.url()).pathname;
const unique = () => randomBytes(4).toString('hex');
const PASSWORD = 'tundra lantern orchard 42';

/** Presses Tab once and checks where focus went: a keyboard user's next stop must be the expected one. */
async function tabExpecting(page: Page, selector: string): Promise<void> {
  await page.keyboard.press('Tab');
  expect(await isFocused(page, selector)).toBe(true);
}

/** Fills the registration form with Tab, typing, Space and Enter only, and waits for the answer. */
async function registerByKeyboard(page: Page, who: { legalName: string; email: string; password: string }): Promise<void> {
  await tabTo(page, '#legalName');
  await page.keyboard.type(who.legalName);
  await tabExpecting(page, '#country');
  await page.keyboard.type('Russia');
  await tabExpecting(page, '#uei');
  await tabExpecting(page, '#basis-named_party');
  await page.keyboard.press('Space');
  await tabExpecting(page, '#statement');
  await page.keyboard.type('Our products are named in BOD 17-01.');
  await page.keyboard.press('Enter');
  await page.keyboard.type('We answer every point.');
  await tabExpecting(page, '#name');
  await page.keyboard.type('Outside Counsel');
  await tabExpecting(page, '#email');
  await page.keyboard.type(who.email);
  await tabExpecting(page, '#password');
  await page.keyboard.type(who.password);
  // The show-password toggle is next, and works from the keyboard.
  await tabExpecting(page, 'button.usa-show-password');
  await page.keyboard.press('Enter');
  expect(await page.getAttribute('#password', 'type')).toBe('text');
  await tabExpecting(page, 'form[action="/register"] button[type="submit"]');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

const verificationLink = async (email: string): Promise<string> => {
  const mail = await t.deps.db.selectFrom('outbox').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
  return /(http\S+\/verify-email\?token=[\w-]+)/.exec(mail.text_body)![1]!;
};

describe('registering an organization with the keyboard alone', () => {
  it('when a new vendor registers, confirms the link and signs in, then every step works by keyboard with no axe violations', async () => {
    const who = { legalName: `Kaspersky Lab ${unique()}`, email: `counsel-${unique()}@kaspersky.example`, password: PASSWORD };
    const page = await browser.freshPage();
    const watch = watchForPageProblems(page);
    await page.goto(`${t.url}/register`);
    await expectNoAxeViolations(page);

    await registerByKeyboard(page, who);
    expect(pathOf(page)).toBe('/register');
    expect(await page.locator('h1').innerText()).toBe('Check your e-mail');
    expect(await page.locator('[role="status"]').innerText()).toContain(who.email);
    await expectNoAxeViolations(page);
    const user = await t.deps.db.selectFrom('users').selectAll().where('email', '=', who.email).executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeNull();
    const org = await t.deps.db.selectFrom('organizations').selectAll().where('id', '=', user.organization_id!).executeTakeFirstOrThrow();
    expect(org).toMatchObject({ legal_name: who.legalName, country: 'RU', standing_basis: 'named_party', standing_statement: 'Our products are named in BOD 17-01.\nWe answer every point.' });

    // Following the link (a GET) changes nothing until the person presses the button.
    await page.goto(await verificationLink(who.email));
    await expectNoAxeViolations(page);
    expect((await t.deps.db.selectFrom('users').select('email_verified_at').where('id', '=', user.id).executeTakeFirstOrThrow()).email_verified_at).toBeNull();
    await tabTo(page, 'form[action="/verify-email"] button[type="submit"]');
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(pathOf(page)).toBe('/verify-email/confirmed');
    expect(await page.locator('[role="status"]').innerText()).toContain('Thank you');
    await expectNoAxeViolations(page);
    expect((await t.deps.db.selectFrom('users').select('email_verified_at').where('id', '=', user.id).executeTakeFirstOrThrow()).email_verified_at).toBeInstanceOf(Date);

    await tabTo(page, 'main a[href="/sign-in"]');
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    await tabTo(page, '#email');
    await page.keyboard.type(who.email);
    await tabExpecting(page, '#password');
    await page.keyboard.type(who.password);
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(pathOf(page)).toBe('/account');
    expect(await page.locator('main').innerText()).toContain(who.email);
    expect(watch.problems).toEqual([]);
  });

  it('when the password is too short, then the error summary has focus, the field is marked, and axe finds nothing', async () => {
    const who = { legalName: `Acme ${unique()}`, email: `short-${unique()}@acme.example`, password: 'too short 14ch' };
    const page = await browser.freshPage();
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.goto(`${t.url}/register`);
    await registerByKeyboard(page, who);
    expect((await response).status()).toBe(422);
    expect(await isFocused(page, '[role="alert"]')).toBe(true);
    expect(await page.locator('[role="alert"]').innerText()).toContain('weak_password');
    expect(await page.inputValue('#legalName')).toBe(who.legalName);
    expect(await page.inputValue('#password')).toBe('');
    expect(await page.getAttribute('#password', 'aria-invalid')).toBe('true');
    await expectNoAxeViolations(page);
  });

  it('when a used link is pressed again, the error page and the resend page have no axe violations', async () => {
    const vendor = await buildUser(t.deps);
    await t.deps.db.updateTable('users').set({ email_verified_at: null }).where('id', '=', vendor.id).execute();
    const page = await browser.freshPage();
    await page.goto(`${t.url}/verify-email?token=${randomBytes(32).toString('base64url')}`);
    await Promise.all([page.waitForEvent('load'), page.click('form[action="/verify-email"] button[type="submit"]')]);
    expect(await page.locator('[role="alert"]').innerText()).toContain('invalid_token');
    await expectNoAxeViolations(page);

    await signIn(page, t.url, vendor);
    await page.goto(`${t.url}/verify-email/resend`);
    await Promise.all([page.waitForEvent('load'), page.click('form[action="/verify-email/resend"] button[type="submit"]')]);
    expect(await page.locator('[role="status"]').innerText()).toContain('We sent a new link');
    await expectNoAxeViolations(page);
  });

  it('when a vendor invites a colleague and the colleague activates, then both pages work with no axe violations', async () => {
    const vendor = await buildUser(t.deps);
    const page = await browser.freshPage();
    await signIn(page, t.url, vendor);
    await page.goto(`${t.url}/organization/invitations`);
    await expectNoAxeViolations(page);
    const email = `colleague-${unique()}@acme.example`;
    await tabTo(page, '#name');
    await page.keyboard.type('A Colleague');
    await tabExpecting(page, '#email');
    await page.keyboard.type(email);
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(await page.locator('[role="status"]').innerText()).toContain('Invitation sent');
    expect(await page.locator('main table').innerText()).toContain(email);
    await expectNoAxeViolations(page);

    const mail = await t.deps.db.selectFrom('outbox').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
    const link = /(http\S+\/account\/activate\?token=[\w-]+)/.exec(mail.text_body)![1]!;
    const invitee = await browser.freshPage();
    await invitee.goto(link);
    expect(await invitee.locator('#code').count()).toBe(0);
    await expectNoAxeViolations(invitee);
    await tabTo(invitee, '#password');
    await invitee.keyboard.type('fifteen chars!!');
    await Promise.all([invitee.waitForEvent('load'), invitee.keyboard.press('Enter')]);
    expect(pathOf(invitee)).toBe('/sign-in');
    expect(await invitee.locator('[role="status"]').innerText()).toContain('Your account is active');
  });
});
