import request from 'supertest';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { useAppInBrowser, expectNoAxeViolations, isFocused, signIn, tabTo, watchForPageProblems, type TestBrowser } from '../helpers/browser';

let t: TestApp;
let browser: TestBrowser;
useAppInBrowser((app, b) => { t = app; browser = b; });

/** A response filed over the API (the pages' own path is filing.test.ts), with one confidential pair. */
async function filedSubmission(vendor: TestUser): Promise<{ id: string; trackingNumber: string; receipt: unknown }> {
  const p = await buildProceeding(t.deps);
  const auth = { Authorization: `Bearer ${await tokenFor(t.app, vendor)}` };
  const draft = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set(auth).send({ title: 'Filed response', argument: '1. Argument.' });
  const secret = await buildDocumentRow(t.deps, draft.body.id, vendor.id, { confidential: true, label: 'Exhibit A' });
  await buildDocumentRow(t.deps, draft.body.id, vendor.id, { publicVersionOf: secret, label: 'Exhibit A (public)' });
  const filed = await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set(auth).send({ certification: { accepted: true, signature: vendor.name } });
  expect(filed.status).toBe(200);
  return { id: draft.body.id, trackingNumber: filed.body.trackingNumber, receipt: filed.body.receipt };
}

async function open(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.freshPage();
  return { page, ...watchForPageProblems(page) };
}

describe('the receipt page', () => {
  it('when a vendor opens and prints a receipt, then it has no violations and print shows the receipt without the page frame', async () => {
    const vendor = await buildUser(t.deps);
    const { id, trackingNumber } = await filedSubmission(vendor);
    const { page, problems } = await open();
    await signIn(page, t.url, vendor);
    await page.goto(`${t.url}/submissions/${id}/receipt`);
    expect(await page.title()).toBe(`Receipt ${trackingNumber} | Vendor Response Portal`);
    const main = await page.locator('main').innerText();
    expect(main).toContain('Exhibit A (public)');
    expect(main).toMatch(/[0-9a-f]{64}/);
    expect(await page.locator('a[href$="/receipt?format=pdf"]').innerText()).toBe('Download PDF');
    await expectNoAxeViolations(page);

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.usa-header').isVisible()).toBe(false);
    expect(await page.locator('.usa-banner').isVisible()).toBe(false);
    expect(await page.locator('a[href$="/receipt?format=pdf"]').isVisible()).toBe(false);
    expect(await page.locator('.vrp-tracking__number').isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('when a filed submission is opened, then the read-only view links the receipt and offers withdrawal, without violations', async () => {
    const vendor = await buildUser(t.deps);
    const { id } = await filedSubmission(vendor);
    const { page, problems } = await open();
    await signIn(page, t.url, vendor);
    await page.goto(`${t.url}/submissions/${id}`);
    expect(await page.locator('a[href$="/receipt"]').innerText()).toBe('View the receipt');
    expect(await page.locator('#reason').count()).toBe(1);
    expect(await page.locator('table.vrp-documents').innerText()).toMatch(/confidential/i);
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when the agency has asked a question, then the view shows it with its due date and the reply form opens from it, both without violations', async () => {
    const vendor = await buildUser(t.deps);
    const { id } = await filedSubmission(vendor);
    const reviewer = await tokenFor(t.app, await buildUser(t.deps, { role: 'reviewer' }));
    await request(t.app).post(`/api/v1/submissions/${id}/information-requests`).set('Authorization', `Bearer ${reviewer}`)
      .send({ question: 'Which agencies run the product?', dueAt: new Date(Date.now() + 5 * 86_400_000).toISOString() }).expect(201);
    const { page, problems } = await open();
    await signIn(page, t.url, vendor);
    await page.goto(`${t.url}/submissions/${id}`);
    expect(await page.locator('main').innerText()).toContain('Which agencies run the product?');
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Answer the information request' }).click();
    await page.waitForURL(/replyTo=/);
    expect(await page.locator('h1').innerText()).toBe('New reply to an information request');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });
});

describe('the verification page', () => {
  it('when an altered receipt is pasted, then "Not valid" is announced as an alert, without violations', async () => {
    const vendor = await buildUser(t.deps);
    const { receipt } = await filedSubmission(vendor);
    const r = receipt as { payload: Record<string, unknown> };
    const altered = JSON.stringify({ ...r, payload: { ...r.payload, late: true } });
    const { page, problems } = await open();
    await page.goto(`${t.url}/receipts/verify`);
    await tabTo(page, '#receipt');
    await page.keyboard.insertText(altered);
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    const result = page.locator('.vrp-result');
    expect(await result.getAttribute('role')).toBe('alert');
    expect(await result.innerText()).toContain('Not valid: signature does not match the contents');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when the pasted receipt names a member twice, then the error summary has focus, names duplicate_json_key and the text is kept', async () => {
    const vendor = await buildUser(t.deps);
    const { receipt } = await filedSubmission(vendor);
    const repeated = JSON.stringify(receipt).replace('"late":false', '"late":true,"late":false');
    const { page, problems } = await open();
    await page.goto(`${t.url}/receipts/verify`);
    await tabTo(page, '#receipt');
    await page.keyboard.insertText(repeated);
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(await isFocused(page, '[role="alert"]')).toBe(true);
    expect(await page.locator('[role="alert"]').innerText()).toContain('duplicate_json_key');
    expect(await page.locator('.vrp-result').count()).toBe(0);
    expect(await page.inputValue('#receipt')).toBe(repeated);
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });

  it('when the pasted text is not JSON, then the error summary has focus and the text is kept', async () => {
    const { page, problems } = await open();
    await page.goto(`${t.url}/receipts/verify`);
    await tabTo(page, '#receipt');
    await page.keyboard.insertText('{"payload": {');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(await isFocused(page, '[role="alert"]')).toBe(true);
    expect(await page.locator('[role="alert"]').innerText()).toContain('malformed_json');
    expect(await page.inputValue('#receipt')).toBe('{"payload": {');
    await expectNoAxeViolations(page);
    expect(problems).toEqual([]);
  });
});
