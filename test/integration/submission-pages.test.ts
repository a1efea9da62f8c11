// Vendor filing pages: new response, draft editor, review before filing, filing, withdrawal.
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { createViaPage, fileViaPages, hiddenValue, vendorSession } from '../helpers/pages';
import { buildDocumentRow, buildProceeding, tokenFor } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });



describe('new response and the draft editor', () => {
  it('when a vendor fills the new-response form, then the draft has the fields as the API would store them and the editor opens', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps, { responseSchema: null });
    const form = await s.agent.get(`/proceedings/${p.docket}/submissions/new`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Affected products');
    expect(form.text).toContain('Relief requested');

    const id = await createViaPage(s, p.docket, {
      argument: '1. First.\r\n2. Second.', 'fields.affectedProducts': 'Product A\r\n\r\n  Product B  \r\n',
      'fields.affectedContracts': '', 'fields.requestedRelief': 'Withdraw the directive.',
    });
    const row = await t.deps.db.selectFrom('submissions').select(['title', 'argument', 'fields', 'status', 'organization_id']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ title: 'Response of Acme', argument: '1. First.\n2. Second.', status: 'draft', organization_id: s.user.organizationId,
      fields: { affectedProducts: ['Product A', 'Product B'], requestedRelief: 'Withdraw the directive.' } });

    const editor = await s.agent.get(`/submissions/${id}?created=1`);
    expect(editor.status).toBe(200);
    expect(editor.text).toMatch(/role="status" aria-live="polite">\s*<div class="usa-alert usa-alert--success[^>]*>\s*<div class="usa-alert__body"><p class="usa-alert__text">Draft created/);
    expect(editor.text).toContain('Product A\nProduct B</textarea>');
  });

  it('when the title is empty, then the form comes back with 400, the error summary and the text as typed', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const res = await s.agent.post(`/proceedings/${p.docket}/submissions`).type('form').send({ _csrf: s.csrf, title: '  ', argument: 'Keep <this> text' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('There is a problem');
    expect(res.text).toContain('Keep &lt;this&gt; text');
    const rows = await t.deps.db.selectFrom('submissions').select('id').where('proceeding_id', '=', p.id).execute();
    expect(rows).toHaveLength(0);
  });

  it('when a draft is saved from a stale form, then 409 shows the conflict and keeps the other edit', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(s, p.docket);
    const page = await s.agent.get(`/submissions/${id}`);
    const version = hiddenValue(page.text, 'version');

    const first = await s.agent.post(`/submissions/${id}`).type('form').send({ _csrf: s.csrf, version, title: 'First edit', argument: 'a' });
    expect(first.status).toBe(303);
    expect(first.headers['location']).toBe(`/submissions/${id}?saved=1`);
    expect((await s.agent.get(first.headers['location']!)).text).toContain('Your draft was saved.');

    const stale = await s.agent.post(`/submissions/${id}`).type('form').send({ _csrf: s.csrf, version, title: 'Second edit', argument: 'b' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('version_conflict');
    expect(stale.text).toContain('value="Second edit"');
    expect(hiddenValue(stale.text, 'version')).toBe(version);
    const row = await t.deps.db.selectFrom('submissions').select('title').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.title).toBe('First edit');
  });
});

describe('review before filing', () => {
  it('when the draft breaks filing rules, then the review page lists each one, as filing would word it, and offers no filing button', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps, { responseSchema: null });
    const id = await createViaPage(s, p.docket);
    await buildDocumentRow(t.deps, id, s.user.id, { confidential: true, label: 'Exhibit C' });

    const review = await s.agent.get(`/submissions/${id}/review`);
    expect(review.status).toBe(200);
    expect(review.text).toContain('Attach a public (redacted) version of each confidential document before filing: Exhibit C.');
    expect(review.text).toContain('&quot;fields.affectedProducts&quot; is required by this proceeding.');
    expect(review.text).not.toContain('File this response');

    // The API refuses with the first of the same problems, in the same words.
    const api = await request(t.app).post(`/api/v1/submissions/${id}/submit`).set('Authorization', `Bearer ${await tokenFor(t.app, s.user)}`)
      .send({ certification: { accepted: true, signature: 'Jane Filer' } });
    expect(api.status).toBe(422);
    expect(review.text).toContain(api.body.error.message.replace(/"/g, '&quot;'));
  });

  it('when the window closed and late responses are refused, then the review page says so with the deadline', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(s, p.docket);
    await t.deps.db.updateTable('proceedings').set({ opens_at: new Date('2026-10-01T00:00:00Z'), closes_at: new Date('2026-11-01T03:59:00Z') })
      .where('id', '=', p.id).execute();
    const review = await s.agent.get(`/submissions/${id}/review`);
    expect(review.text).toContain('deadline_passed');
    expect(review.text).toContain('2026-11-01T03:59:00Z');
  });
});

describe('filing through the pages', () => {
  it('when the same review form is posted twice at once, then one filing, one tracking number, both land on the receipt', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(s, p.docket);
    const review = await s.agent.get(`/submissions/${id}/review`);
    expect(review.text).toContain('18 U.S.C. 1001');
    const form = { _csrf: s.csrf, idempotencyKey: hiddenValue(review.text, 'idempotencyKey'), accept: 'yes', signature: 'Jane Q. Filer' };

    const [a, b] = await Promise.all([1, 2].map(() => s.agent.post(`/submissions/${id}/submit`).type('form').send(form)));
    expect([a!.status, b!.status]).toEqual([303, 303]);
    expect(a!.headers['location']).toBe(`/submissions/${id}/receipt?filed=1`);
    expect(b!.headers['location']).toBe(a!.headers['location']);
    const filed = await t.deps.db.selectFrom('submissions').select(['status', 'tracking_number']).where('proceeding_id', '=', p.id).execute();
    expect(filed).toEqual([{ status: 'submitted', tracking_number: `${p.docket}-000001` }]);
    const counter = await t.deps.db.selectFrom('tracking_counters').select('last_value').where('proceeding_id', '=', p.id).executeTakeFirstOrThrow();
    expect(counter.last_value).toBe(1);

    const receipt = await s.agent.get(`/submissions/${id}/receipt?filed=1`);
    expect(receipt.status).toBe(200);
    expect(receipt.text).toContain(`${p.docket}-000001`);
    expect(receipt.text).toContain(t.deps.receiptKey.keyId);
    expect(receipt.text).toContain(`href="/api/v1/submissions/${id}/receipt?format=pdf"`);

    // A new review render is a new request: the filed submission is refused with 409, shown on the page.
    const again = await s.agent.post(`/submissions/${id}/submit`).type('form').send({ ...form, idempotencyKey: 'another-key-123' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('already_submitted');
  });

  /** Posts a fresh draft's review form with `fields`; returns the answer and the draft's status afterwards. */
  async function postReview(fields: Record<string, string>) {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(s, p.docket);
    const review = await s.agent.get(`/submissions/${id}/review`);
    const res = await s.agent.post(`/submissions/${id}/submit`).type('form')
      .send({ _csrf: s.csrf, idempotencyKey: hiddenValue(review.text, 'idempotencyKey'), ...fields });
    const row = await t.deps.db.selectFrom('submissions').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    return { res, status: row.status };
  }

  it('when the certification is not accepted, then 422 on the review page and nothing is filed', async () => {
    const { res, status } = await postReview({ signature: 'Jane Q. Filer' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('certification_required');
    expect(res.text).toContain('value="Jane Q. Filer"');
    expect(status).toBe('draft');
  });

  it('when a response is filed while the window is open, then its page offers a supplement but no reply, and once withdrawn neither', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(s, p.docket);
    expect((await fileViaPages(s, id)).status).toBe(303);
    const filed = await s.agent.get(`/submissions/${id}`);
    expect(filed.text).toContain(`href="/proceedings/${p.docket}/submissions/new?supplementTo=${id}"`);
    expect(filed.text).not.toContain('replyTo=');

    const withdrawn = await s.agent.post(`/submissions/${id}/withdraw`).type('form').send({ _csrf: s.csrf, reason: 'Filed in error.' });
    expect(withdrawn.status).toBe(303);
    const after = await s.agent.get(`/submissions/${id}`);
    expect(after.text).not.toContain('supplementTo=');
    expect(after.text).not.toContain('replyTo=');
  });

  it('when the typed name is longer than the API accepts, then 400 on the review page in its words and nothing is filed', async () => {
    const { res, status } = await postReview({ accept: 'yes', signature: 'J'.repeat(201) });
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid_request');
    expect(res.text).toContain('Type your full name in at most 200 characters.');
    expect(status).toBe('draft');
  });

  it('when a filed submission is withdrawn with a reason, then the view shows the withdrawal and the reason', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(s, p.docket);
    await fileViaPages(s, id);
    const view = await s.agent.get(`/submissions/${id}`);
    expect(view.text).toContain('Withdraw this submission');

    const empty = await s.agent.post(`/submissions/${id}/withdraw`).type('form').send({ _csrf: s.csrf, reason: ' ' });
    expect(empty.status).toBe(400);
    const res = await s.agent.post(`/submissions/${id}/withdraw`).type('form').send({ _csrf: s.csrf, reason: 'Settled <with> the agency.' });
    expect(res.status).toBe(303);
    const after = await s.agent.get(res.headers['location']!);
    expect(after.text).toContain('Settled &lt;with&gt; the agency.');
    expect(after.text).toContain('Withdrawn');
  });
});
