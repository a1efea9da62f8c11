import pg from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';

let t: TestApp;
let vendor: TestUser;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  vendor = await buildUser(t.deps);
  token = await tokenFor(t.app, vendor);
});
afterAll(async () => { await t.close(); });

const auth = (r: request.Test, bearer = token) => r.set('Authorization', `Bearer ${bearer}`);
const certification = { certification: { accepted: true, signature: 'Jane Q. Filer' } };

async function draft(docket: string, body: object = {}, bearer = token) {
  const res = await auth(request(t.app).post(`/api/v1/proceedings/${docket}/submissions`), bearer)
    .send({ title: 'Response of Acme', argument: '1. The directive rests on no evidence about our products.', ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number };
}
const submit = (id: string, body: object = certification, key?: string) => {
  const r = auth(request(t.app).post(`/api/v1/submissions/${id}/submit`));
  if (key) r.set('Idempotency-Key', key);
  return r.send(body);
};

describe('drafts', () => {
  it('when two people edit the same version, then the second gets 409 version_conflict', async () => {
    const p = await buildProceeding(t.deps);
    const d = await draft(p.docket);
    const first = await auth(request(t.app).patch(`/api/v1/submissions/${d.id}`)).set('If-Match', `"${d.version}"`).send({ title: 'Edited once' });
    expect(first.status).toBe(200);
    expect(first.headers['etag']).toBe(`"${d.version + 1}"`);
    const stale = await auth(request(t.app).patch(`/api/v1/submissions/${d.id}`)).set('If-Match', String(d.version)).send({ title: 'Edited twice' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');
  });

  it('when the window has closed and late responses are refused, then no draft can be started (422 deadline_passed)', async () => {
    const p = await buildProceeding(t.deps, { opensAt: new Date('2026-10-01T00:00:00Z'), closesAt: new Date('2026-11-01T03:59:00Z') });
    const res = await auth(request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`)).send({ title: 'Too late' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('deadline_passed');
    const upcoming = await buildProceeding(t.deps, { opensAt: new Date(Date.now() + 86_400_000), closesAt: new Date(Date.now() + 2 * 86_400_000) });
    expect((await auth(request(t.app).post(`/api/v1/proceedings/${upcoming.docket}/submissions`)).send({ title: 'Early' })).status).toBe(201);
  });

  it('when a draft body carries an unknown field, then 400 and nothing is created', async () => {
    const p = await buildProceeding(t.deps);
    const res = await auth(request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`)).send({ title: 'x', status: 'decided' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_field');
    const rows = await t.deps.db.selectFrom('submissions').select('id').where('proceeding_id', '=', p.id).execute();
    expect(rows).toHaveLength(0);
  });
});

describe('filing', () => {
  it('when a complete draft is filed, then it gets a tracking number and a receipt anyone can verify', async () => {
    const p = await buildProceeding(t.deps);
    const d = await draft(p.docket);
    await buildDocumentRow(t.deps, d.id, vendor.id, { label: 'Exhibit A' });
    const res = await submit(d.id);
    expect(res.status).toBe(200);
    expect(res.body.trackingNumber).toBe(`${p.docket}-000001`);
    const { receipt } = res.body;
    expect(receipt.payload).toMatchObject({ trackingNumber: `${p.docket}-000001`, late: false, submitter: { email: vendor.email } });
    expect(receipt.payload.documents).toHaveLength(1);
    expect(receipt.payload.auditHead.hash).toMatch(/^[0-9a-f]{64}$/);

    const ok = await request(t.app).post('/api/v1/receipts/verify').send({ receipt });
    expect(ok.body).toEqual({ valid: true });
    const forged = { ...receipt, payload: { ...receipt.payload, submittedAt: '2017-11-03T12:00:00.000Z' } };
    const bad = await request(t.app).post('/api/v1/receipts/verify').send({ receipt: forged });
    expect(bad.body.valid).toBe(false);

    const stored = await auth(request(t.app).get(`/api/v1/submissions/${d.id}/receipt`));
    expect(stored.body).toEqual(receipt);
    const pdf = await auth(request(t.app).get(`/api/v1/submissions/${d.id}/receipt?format=pdf`));
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');

    const mail = await t.deps.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', vendor.email).execute();
    expect(mail.map((m) => m.subject)).toContain(`Receipt ${p.docket}-000001`);
  });

  it('when ten drafts are filed at once, then tracking numbers are 1..10 with no gap or duplicate', async () => {
    const p = await buildProceeding(t.deps);
    const ids = await Promise.all(Array.from({ length: 10 }, () => draft(p.docket).then((d) => d.id)));
    const results = await Promise.all(ids.map((id) => submit(id)));
    const numbers = results.map((r) => r.body.trackingNumber as string).sort();
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => `${p.docket}-${String(i + 1).padStart(6, '0')}`));
  });

  it('when the same request is sent twice (same key, or no key), then one filing and the same receipt', async () => {
    const p = await buildProceeding(t.deps);
    const d = await draft(p.docket);
    const [a, b] = await Promise.all([submit(d.id, certification, 'key-abcdef-1'), submit(d.id, certification, 'key-abcdef-1')]);
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    const reused = await submit(d.id, { certification: { accepted: true, signature: 'Someone Else' } }, 'key-abcdef-1');
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');

    const d2 = await draft(p.docket);
    const [c, e] = await Promise.all([submit(d2.id), submit(d2.id)]);
    expect(c.body.trackingNumber).toBeDefined();
    expect(e.body).toEqual(c.body);
    const filed = await t.deps.db.selectFrom('submissions').select('id').where('proceeding_id', '=', p.id).where('status', '=', 'submitted').execute();
    expect(filed).toHaveLength(2);
  });

  it('when a filed submission is submitted again with another body, then without a key 409 already_submitted names the tracking number; with the used key 422 idempotency_key_reused', async () => {
    const p = await buildProceeding(t.deps);
    const keyless = await draft(p.docket);
    const first = await submit(keyless.id);
    expect(first.status).toBe(200);
    const other = { certification: { accepted: true, signature: 'Somebody Else' } };

    const again = await submit(keyless.id, other);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_submitted');
    expect(again.body.error.message).toContain(first.body.trackingNumber);
    expect(again.body.error.message).not.toMatch(/Idempotency-Key/i);

    const keyed = await draft(p.docket);
    expect((await submit(keyed.id, certification, 'key-repeat-0001')).status).toBe(200);
    const reused = await submit(keyed.id, other, 'key-repeat-0001');
    expect([reused.status, reused.body.error.code]).toEqual([422, 'idempotency_key_reused']);
    const fresh = await submit(keyed.id, other, 'key-repeat-0002');
    expect([fresh.status, fresh.body.error.code]).toEqual([409, 'already_submitted']);
    const receipts = await t.deps.db.selectFrom('submissions').select(['id', 'tracking_number']).where('proceeding_id', '=', p.id).orderBy('tracking_number').execute();
    expect(receipts.map((r) => r.tracking_number)).toEqual([`${p.docket}-000001`, `${p.docket}-000002`]);
  });

  it('when the deadline has passed and late filings are refused, then 422 names the deadline in both zones', async () => {
    const p = await buildProceeding(t.deps);
    const d = await draft(p.docket);
    // The draft was started in time; the window then closed before it was filed.
    await t.deps.db.updateTable('proceedings').set({ opens_at: new Date('2026-10-01T00:00:00Z'), closes_at: new Date('2026-11-01T03:59:00Z') })
      .where('id', '=', p.id).execute();
    const res = await submit(d.id);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('deadline_passed');
    expect(res.body.error.message).toContain('October 31, 2026 at 11:59 PM EDT');
    expect(res.body.error.message).toContain('2026-11-01T03:59:00Z');
    const row = await t.deps.db.selectFrom('submissions').select(['status', 'tracking_number']).where('id', '=', d.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'draft', tracking_number: null });
  });

  it('when late filings are accepted, then it is filed and marked late', async () => {
    const p = await buildProceeding(t.deps, { opensAt: new Date(Date.now() - 48 * 3600e3), closesAt: new Date(Date.now() - 3600e3), latePolicy: 'accept_flagged' });
    const res = await submit((await draft(p.docket)).id);
    expect(res.status).toBe(200);
    expect(res.body.late).toBe(true);
    expect(res.body.receipt.payload.late).toBe(true);
  });

  it('when a confidential document has no public version, then 422; once paired, it files', async () => {
    const p = await buildProceeding(t.deps);
    const d = await draft(p.docket);
    const secret = await buildDocumentRow(t.deps, d.id, vendor.id, { confidential: true, label: 'Exhibit C (confidential)' });
    const refused = await submit(d.id);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('public_version_missing');
    expect(refused.body.error.details[0].documentId).toBe(secret);
    await buildDocumentRow(t.deps, d.id, vendor.id, { publicVersionOf: secret, label: 'Exhibit C (public)' });
    expect((await submit(d.id)).status).toBe(200);
  });

  it('when required structured fields are missing, then 422 names the field', async () => {
    const p = await buildProceeding(t.deps, { responseSchema: null });
    const d = await draft(p.docket, { fields: { affectedProducts: ['Endpoint Security 10'] } });
    const res = await submit(d.id);
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].field).toBe('fields.requestedRelief');
  });

  it('when the certification is not accepted, then 422 certification_required', async () => {
    const p = await buildProceeding(t.deps);
    const res = await submit((await draft(p.docket)).id, { certification: { accepted: false, signature: 'Jane' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('certification_required');
  });

  it('when anyone, even the database owner, edits a filed submission or its documents, then the database refuses', async () => {
    const p = await buildProceeding(t.deps);
    const d = await draft(p.docket);
    const doc = await buildDocumentRow(t.deps, d.id, vendor.id);
    await submit(d.id).expect(200);
    const owner = new pg.Client({ connectionString: t.ownerUrl });
    await owner.connect();
    try {
      await expect(owner.query(`UPDATE submissions SET argument = 'rewritten' WHERE id = $1`, [d.id])).rejects.toThrow(/filed/);
      await expect(owner.query('DELETE FROM documents WHERE id = $1', [doc])).rejects.toThrow(/filed/);
      await expect(owner.query(`UPDATE documents SET sha256 = 'x' WHERE id = $1`, [doc])).rejects.toThrow(/filed/);
    } finally {
      await owner.end();
    }
    const patch = await auth(request(t.app).patch(`/api/v1/submissions/${d.id}`)).send({ title: 'Changed after filing' });
    expect(patch.status).toBe(409);
    expect(patch.body.error.code).toBe('not_a_draft');
  });

  it('when a filed response is withdrawn with a reason, then it is kept, marked withdrawn, and cannot be withdrawn again', async () => {
    const p = await buildProceeding(t.deps);
    const d = await draft(p.docket);
    await submit(d.id).expect(200);
    const res = await auth(request(t.app).post(`/api/v1/submissions/${d.id}/withdraw`)).send({ reason: 'Resolved with the agency.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'withdrawn', withdrawalReason: 'Resolved with the agency.' });
    expect(res.body.trackingNumber).toBeTruthy();
    const again = await auth(request(t.app).post(`/api/v1/submissions/${d.id}/withdraw`)).send({ reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
  });

  it('when a supplement is filed to a response, then it has its own tracking number and names its parent', async () => {
    const p = await buildProceeding(t.deps);
    const parent = await draft(p.docket);
    const filed = await submit(parent.id);
    const supp = await draft(p.docket, { kind: 'supplement', parentId: parent.id, title: 'Supplement 1' });
    const res = await submit(supp.id);
    expect(res.status).toBe(200);
    expect(res.body.trackingNumber).toBe(`${p.docket}-000002`);
    expect(res.body.receipt.payload.parentTrackingNumber).toBe(filed.body.trackingNumber);
  });
});
