import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildUser, type TestUser } from '../helpers/factories';
import { useAppInBrowser, expectNoAxeViolations, signIn, watchForPageProblems, type TestBrowser } from '../helpers/browser';
import { newSecret, sha256 } from '../../server/accounts/credentials.repository';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

/** Opens a clean tab that records CSP refusals and script errors. */
async function open(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.freshPage();
  return { page, ...watchForPageProblems(page) };
}

/** A staff member who has not set up an authenticator yet. */
async function unenrolledStaff(): Promise<TestUser> {
  const u = await buildUser(t.deps, { role: 'reviewer' });
  await t.deps.db.updateTable('users').set({ totp_enrolled_at: null, totp_secret: null }).where('id', '=', u.id).execute();
  return { ...u, totpSecret: null };
}

/** An unused activation link token, as an administrator's invitation would create. */
async function activationToken(userId: string): Promise<string> {
  const token = newSecret();
  await t.deps.db.insertInto('one_time_tokens').values({
    token_hash: sha256(token), user_id: userId, purpose: 'activate', expires_at: new Date(Date.now() + 3_600_000), used_at: null,
  }).execute();
  return token;
}

async function submitPassword(page: Page, user: TestUser, password = user.password): Promise<void> {
  await page.goto(`${t.url}/sign-in`);
  await page.fill('#email', user.email);
  await page.fill('#password', password);
  await Promise.all([page.waitForEvent('load'), page.click('form[action="/sign-in"] button[type="submit"]')]);
}

describe('axe-core WCAG 2.1 AA scan', () => {
  it('when anyone opens the home page, then it has no violations and the USWDS frame', async () => {
    const { page, problems } = await open();
    await page.goto(`${t.url}/`);
    expect(await page.title()).toBe('Vendor Response Portal');
    expect(await page.locator('.usa-banner').textContent()).toContain('An official website of the United States government');
    expect(await page.locator('header.usa-header nav').innerText()).toContain('Sign in');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when a visitor opens the sign-in page, then it has no violations', async () => {
    const { page, problems } = await open();
    await page.goto(`${t.url}/sign-in`);
    expect(await page.title()).toBe('Sign in | Vendor Response Portal');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when a sign-in is refused, then the page with the error summary has no violations', async () => {
    const vendor = await buildUser(t.deps);
    const { page, problems } = await open();
    await submitPassword(page, vendor, 'definitely not the password');
    await page.locator('[role="alert"]').waitFor();
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when a staff member reaches the TOTP step, then it has no violations', async () => {
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const { page, problems } = await open();
    await submitPassword(page, reviewer);
    expect(new URL(page.url()).pathname).toBe('/sign-in/totp');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when a staff member without an authenticator signs in, then the enrolment page has no violations', async () => {
    const reviewer = await unenrolledStaff();
    const { page, problems } = await open();
    await submitPassword(page, reviewer);
    expect(new URL(page.url()).pathname).toBe('/account/authenticator');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when an invited staff member opens the activation link, then it has no violations', async () => {
    const invited = await unenrolledStaff();
    const token = await activationToken(invited.id);
    const { page, problems } = await open();
    await page.goto(`${t.url}/account/activate?token=${encodeURIComponent(token)}`);
    expect(await page.locator('main').innerText()).toContain(invited.email);
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when a vendor opens the account page, then it has no violations', async () => {
    const vendor = await buildUser(t.deps);
    const { page, problems } = await open();
    await signIn(page, t.url, vendor);
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await page.locator('main').innerText()).toContain(vendor.organizationId!);
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when legal staff open the account page, then it has no violations and the audit link', async () => {
    const legal = await buildUser(t.deps, { role: 'legal' });
    const { page, problems } = await open();
    await signIn(page, t.url, legal);
    expect(new URL(page.url()).pathname).toBe('/account');
    const nav = await page.locator('header.usa-header nav').innerText();
    expect(nav).toEqual(expect.stringContaining('Audit trail'));
    expect(nav).toEqual(expect.stringContaining('Sign out'));
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when a page does not exist, then the 404 page has no violations and no stack trace', async () => {
    const { page, problems } = await open();
    const res = await page.goto(`${t.url}/no-such-page`);
    expect(res?.status()).toBe(404);
    const main = await page.locator('main').innerText();
    expect(main).toContain('Error code: not_found');
    expect(main).toMatch(/Reference: \S+/);
    expect(main).not.toMatch(/at .*\.(js|ts):\d+/);
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });
});
