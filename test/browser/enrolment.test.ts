import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildUser, type TestUser } from '../helpers/factories';
import { useAppInBrowser, type TestBrowser } from '../helpers/browser';
import { currentTotp } from '../../server/accounts/totp';
import { newSecret, sha256 } from '../../server/accounts/credentials.repository';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** A staff member whose authenticator is not set up yet (as after an administrator's reset). */
async function unenrolledStaff(): Promise<TestUser> {
  const u = await buildUser(t.deps, { role: 'reviewer' });
  await t.deps.db.updateTable('users').set({ totp_enrolled_at: null, totp_secret: null }).where('id', '=', u.id).execute();
  return { ...u, totpSecret: null };
}

/** Submits the form holding `selector` and waits for the page that answers. */
async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(`${selector} button[type="submit"]`)]);
}

/** The setup key as the page shows it (groups of four), without the spaces. */
async function shownSecret(page: Page): Promise<string> {
  const text = await page.locator('#totp-secret').innerText();
  return text.replace(/\s+/g, '');
}

const enrolledAt = async (id: string) =>
  (await t.deps.db.selectFrom('users').select('totp_enrolled_at').where('id', '=', id).executeTakeFirstOrThrow()).totp_enrolled_at;

describe('setting up an authenticator', () => {
  it('when an unenrolled staff member signs in and confirms a code, then they land on /account enrolled', async () => {
    const reviewer = await unenrolledStaff();
    const page = await browser.freshPage();
    await page.goto(`${t.url}/sign-in`);
    await page.fill('#email', reviewer.email);
    await page.fill('#password', reviewer.password);
    await submit(page, 'form[action="/sign-in"]');
    expect(pathOf(page)).toBe('/account/authenticator');

    const secret = await shownSecret(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const link = await page.locator('a[href^="otpauth://totp/"]').getAttribute('href');
    expect(new URL(link!).searchParams.get('secret')).toBe(secret);

    await page.fill('#code', currentTotp(secret));
    await submit(page, 'form[action="/account/authenticator"]');
    expect(pathOf(page)).toBe('/account');
    expect(await page.locator('main').innerText()).toMatch(/Authenticator enrolled\s+Yes/);
    expect(await enrolledAt(reviewer.id)).not.toBeNull();
  });

  it('when the enrolment code is wrong, then the error summary shows invalid_totp and the same key', async () => {
    const reviewer = await unenrolledStaff();
    const page = await browser.freshPage();
    await page.goto(`${t.url}/sign-in`);
    await page.fill('#email', reviewer.email);
    await page.fill('#password', reviewer.password);
    await submit(page, 'form[action="/sign-in"]');
    const secret = await shownSecret(page);

    const wrong = currentTotp(secret) === '000000' ? '111111' : '000000';
    await page.fill('#code', wrong);
    await submit(page, 'form[action="/account/authenticator"]');
    expect(pathOf(page)).toBe('/account/authenticator');
    expect(await page.locator('[role="alert"]').innerText()).toContain('invalid_totp');
    expect(await shownSecret(page)).toBe(secret);
    expect(await enrolledAt(reviewer.id)).toBeNull();
  });
});

describe('activating an invited account', () => {
  it('when the invitee chooses a password and confirms a code, then sign-in says the account is active', async () => {
    const invited = await unenrolledStaff();
    const token = newSecret();
    await t.deps.db.insertInto('one_time_tokens').values({
      token_hash: sha256(token), user_id: invited.id, purpose: 'activate', expires_at: new Date(Date.now() + 3_600_000), used_at: null,
    }).execute();
    const page = await browser.freshPage();
    await page.goto(`${t.url}/account/activate?token=${encodeURIComponent(token)}`);
    expect(await page.locator('main').innerText()).toContain(invited.email);

    await page.fill('#password', `blue lantern ${newSecret().slice(0, 6)} orchard`);
    await page.fill('#code', currentTotp(await shownSecret(page)));
    await submit(page, 'form[action="/account/activate"]');

    expect(pathOf(page)).toBe('/sign-in');
    expect(await page.locator('[role="status"]').innerText()).toContain('Your account is active');
    expect(await enrolledAt(invited.id)).not.toBeNull();
  });
});
