import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildUser, tokenFor, totpFor, type TestUser } from '../helpers/factories';
import { fileResponse } from '../helpers/filings';
import { expectNoAxeViolations, isFocused, launchPeopleBrowser, tabTo, watchForPageProblems, type PeopleBrowser } from '../helpers/browser';
import { pdfPages, removeUnpacked, sha256sumCheck, startExportRunner, unpack } from '../helpers/exports';
import { tempUploadsDir } from '../fixtures/upload-client';
import type { JobRunner } from '../../server/jobs/runner';

// Legal staff export a record and download it by keyboard alone: after the sign-in page every
// move is Tab, typing, arrows, Space or Enter. The progress bar is kept current by
// /assets/app/exports.js (no inline script: the CSP would refuse it) and announced politely.
let t: TestApp;
let people: PeopleBrowser;
let runner: JobRunner;
let uploads: string;
let dataDir: string;
let docket: string;

beforeAll(async () => {
  uploads = tempUploadsDir();
  dataDir = mkdtempSync(path.join(tmpdir(), 'vrp-exports-browser-'));
  [t, people] = await Promise.all([startTestApp({ listen: true, env: { UPLOADS_DIR: uploads, DATA_DIR: dataDir } }), launchPeopleBrowser()]);
  runner = await startExportRunner(t);
  // A filed response with a three-page exhibit.
  const vendor = await buildUser(t.deps);
  const first = await fileResponse(t, { vendor: { user: vendor, token: await tokenFor(t.app, vendor) }, title: 'Response of Delta Analytics' });
  docket = first.docket;
  const auth = { Authorization: `Bearer ${first.vendorToken}` };
  const draft = await request(t.app).post(`/api/v1/proceedings/${docket}/submissions`).set(auth).send({ title: 'Supplement', argument: 'More.' });
  await buildDocumentRow(t.deps, draft.body.id, vendor.id, { data: await pdfPages(3, { text: 'Delta exhibit' }), label: 'Exhibit A' });
  await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set(auth).send({ certification: { accepted: true, signature: 'D' } }).expect(200);
}, 120_000);
afterAll(async () => {
  removeUnpacked();
  await runner?.stop();
  await people?.close();
  await t?.close();
  rmSync(uploads, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function pressAndWait(page: Page, key = 'Enter'): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

async function signInByKeyboard(user: TestUser, next: string): Promise<{ page: Page; problems: string[] }> {
  const page = await people.newPerson();
  const { problems } = watchForPageProblems(page);
  await page.goto(`${t.url}/sign-in?next=${encodeURIComponent(next)}`);
  await tabTo(page, '#email', 60);
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(user.password);
  await pressAndWait(page);
  await tabTo(page, '#code', 60);
  await page.keyboard.type(totpFor(user));
  await pressAndWait(page);
  expect(new URL(page.url()).pathname).toBe(next);
  return { page, problems };
}

describe('the exports page by keyboard alone', () => {
  jest.setTimeout(240_000);

  it('when legal staff start an export, then its progress bar runs to done, the change is announced, and the ZIP downloads by keyboard and verifies', async () => {
    const legal = await buildUser(t.deps, { role: 'legal' });
    const { page, problems } = await signInByKeyboard(legal, '/exports');
    await expectNoAxeViolations(page);
    // The staff navigation leads here.
    expect(await page.locator('nav a[href="/exports"]').count()).toBe(1);

    await tabTo(page, '#docket', 80);
    for (let i = 0; i < 50 && await page.inputValue('#docket') !== docket; i += 1) await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#docket')).toBe(docket);
    await page.keyboard.press('Tab');
    expect(await isFocused(page, '#includeConfidential')).toBe(true);
    await page.keyboard.press('Space');
    expect(await page.isChecked('#includeConfidential')).toBe(true);
    await tabTo(page, 'form[action="/exports"] button[type="submit"]', 5);
    await pressAndWait(page);
    expect(new URL(page.url()).pathname).toBe('/exports');
    await expect(page.locator('.usa-alert--info').innerText()).resolves.toMatch(/Export started/);
    await expectNoAxeViolations(page);

    const row = page.locator('tr[data-export-id]').first();
    await expect(row.getAttribute('data-export-name')).resolves.toBe(`${docket} (confidential)`);
    // exports.js polls the API and fills in the link when the job is done.
    const link = row.locator('a[download]');
    await link.waitFor({ state: 'attached', timeout: 120_000 });
    expect(await row.locator('progress').getAttribute('aria-label')).toMatch(/confidential export/);
    expect(await row.locator('progress').evaluate((el) => (el as unknown as { value: number }).value)).toBe(100);
    await expect(page.locator('#export-announcer').innerText()).resolves.toMatch(/is done/);
    expect(await page.locator('#export-announcer').getAttribute('aria-live')).toBe('polite');
    await expectNoAxeViolations(page);

    const href = await link.getAttribute('href');
    await tabTo(page, `a[href="${href}"]`, 80);
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${docket}-confidential-[0-9a-f]{8}\\.zip$`));
    const file = await download.path();
    const unpacked = unpack(readFileSync(file));
    expect(sha256sumCheck(unpacked.dir).status).toBe(0);
    expect(JSON.parse(unpacked.text('index.json'))).toMatchObject({ docket, scope: 'confidential' });
    expect(problems).toEqual([]);
  });
});
