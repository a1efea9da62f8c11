import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildProceeding, buildUser } from '../helpers/factories';
import { useAppInBrowser, expectNoAxeViolations, isFocused, signIn, tabTo, watchForPageProblems, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

const pathOf = (page: Page) => new URL(page.url()).pathname;
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

/** Presses Enter on the focused control and waits for the page it leads to. */
async function enterAndWait(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

/** Tabs to a field and types into it, as a person would. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await tabTo(page, selector, 80);
  await page.keyboard.type(text);
}

describe('filing a response with the keyboard alone', () => {
  it('when a vendor signs in, drafts, uploads, reviews, signs and files, then the receipt shows the tracking number', async () => {
    const vendor = await buildUser(t.deps);
    const proceeding = await buildProceeding(t.deps, { responseSchema: null });
    const page = await browser.freshPage();
    const { problems } = watchForPageProblems(page);

    // Sign in, landing on the dashboard.
    await page.goto(`${t.url}/sign-in?next=/submissions`);
    await typeInto(page, '#email', vendor.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(vendor.password);
    await enterAndWait(page);
    expect(pathOf(page)).toBe('/submissions');
    await expectNoAxeViolations(page);

    // Start a response from the list of open proceedings.
    await tabTo(page, `a[href="/proceedings/${proceeding.docket}/submissions/new"]`, 60);
    await enterAndWait(page);
    expect(pathOf(page)).toBe(`/proceedings/${proceeding.docket}/submissions/new`);
    await expectNoAxeViolations(page);

    await typeInto(page, '#title', 'Response of Keyboard Corp');
    await typeInto(page, '#argument', '1. The notice names no evidence about our products.');
    await page.keyboard.press('Enter');
    await page.keyboard.type('2. Our products are not affected.');
    await typeInto(page, '#field-1', 'Keyboard Antivirus 10');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Keyboard Endpoint 4');
    await typeInto(page, '#field-3', 'Withdraw the directive as to our products.');
    await tabTo(page, 'form[action$="/submissions"] button[type="submit"]');
    await enterAndWait(page);
    expect(pathOf(page)).toMatch(/^\/submissions\/[0-9a-f-]{36}$/);
    expect(await page.locator('#page-status').innerText()).toContain('Draft created');
    await expectNoAxeViolations(page);

    // Edit and save: the confirmation is in the polite status region.
    await typeInto(page, '#summary', 'We ask the agency to reconsider.');
    await tabTo(page, 'form[aria-labelledby="response-heading"] button[type="submit"]');
    await enterAndWait(page);
    expect(await page.locator('#page-status').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('#page-status').innerText()).toContain('Your draft was saved.');

    // Upload through the form: the file chooser is the one step a keyboard user does in the OS dialog.
    expect(await page.locator('#upload-status').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('#upload-status').getAttribute('role')).toBe('status');
    await tabTo(page, '#upload-file', 80);
    await page.setInputFiles('#upload-file', { name: 'exhibit-a.pdf', mimeType: 'application/pdf', buffer: PDF });
    await typeInto(page, '#upload-label', 'Exhibit A');
    await tabTo(page, '#upload-form button[type="submit"]');
    // public/upload.js sends it to the API (with progress), not the no-JavaScript page route.
    const [upload] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && /\/api\/v1\/submissions\/[0-9a-f-]{36}\/documents$/.test(r.url())),
      page.waitForURL((u) => u.searchParams.get('uploaded') === '1'),
      page.keyboard.press('Enter'),
    ]);
    expect(upload.headers()['x-csrf-token']).toMatch(/\S{20,}/);
    expect(await page.locator('#page-status').innerText()).toContain('Document uploaded.');
    const documents = await page.locator('table.vrp-documents').innerText();
    expect(documents).toContain('exhibit-a.pdf');
    expect(documents).toContain(createHash('sha256').update(PDF).digest('hex'));
    await expectNoAxeViolations(page);

    // Review, accept, sign and file.
    await tabTo(page, 'a[href$="/review"]', 80);
    await enterAndWait(page);
    expect(pathOf(page)).toMatch(/\/review$/);
    expect(await page.locator('main').innerText()).toContain('18 U.S.C. 1001');
    await expectNoAxeViolations(page);
    await tabTo(page, '#accept', 80);
    await page.keyboard.press('Space');
    expect(await page.isChecked('#accept')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(page, '#signature')).toBe(true);
    await page.keyboard.type(vendor.name);
    await page.keyboard.press('Tab');
    expect(await isFocused(page, 'form[action$="/submit"] button[type="submit"]')).toBe(true);
    await enterAndWait(page);

    expect(pathOf(page)).toMatch(/\/receipt$/);
    expect((await page.locator('.vrp-tracking__number').innerText()).trim()).toBe(`${proceeding.docket}-000001`);
    expect(await page.locator('#page-status').innerText()).toContain('Filed.');
    await expectNoAxeViolations(page);

    // Check the receipt on the public verification page: paste the JSON the portal handed out.
    const receiptJson = await (await page.request.get(`${t.url}/api/v1${pathOf(page)}`)).text();
    await tabTo(page, 'main a[href="/receipts/verify"]', 80);
    await enterAndWait(page);
    expect(pathOf(page)).toBe('/receipts/verify');
    await expectNoAxeViolations(page);
    await tabTo(page, '#receipt');
    await page.keyboard.insertText(receiptJson);
    await page.keyboard.press('Tab');
    await enterAndWait(page);
    expect(await page.locator('.vrp-result').innerText()).toContain('Valid: signed by this portal');
    await expectNoAxeViolations(page);

    expect(problems).toEqual([]);
  });

  it('when the API refuses an upload, then the error message and code are announced in the alert region', async () => {
    const vendor = await buildUser(t.deps);
    const proceeding = await buildProceeding(t.deps);
    const page = await browser.freshPage();
    const { problems } = watchForPageProblems(page);
    await signIn(page, t.url, vendor);
    await page.goto(`${t.url}/proceedings/${proceeding.docket}/submissions/new`);
    await typeInto(page, '#title', 'Draft with a bad file');
    await tabTo(page, 'form[action$="/submissions"] button[type="submit"]');
    await enterAndWait(page);

    await tabTo(page, '#upload-file', 80);
    await page.setInputFiles('#upload-file', { name: 'exhibit.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 a program', 'latin1') });
    await tabTo(page, '#upload-form button[type="submit"]');
    await page.keyboard.press('Enter');
    const alert = page.locator('#upload-error');
    await alert.locator('code').waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.innerText()).toMatch(/Error code: type_mismatch|Error code: type_not_allowed/);
    expect(await page.locator('#upload-status').innerText()).toBe('Upload failed.');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });
});
