import { existsSync, mkdtempSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { fileResponse, staffWithToken } from '../helpers/filings';
import { csrfFrom, signInBrowser } from '../helpers/session';
import { purgeAbandonedDrafts } from '../../server/submissions/drafts.purge';
import { sweepUploads } from '../../server/documents/sweep';
import { ContentStore } from '../../server/documents/content-store';
import { createMailer } from '../../server/notifications/mailer';
import { PURGE_DRAFTS_TASK, startJobRunner } from '../../server/jobs/runner';

/**
 * Legal holds: placing and releasing (API and pages), the history, the audit events, the 409s and
 * refusals; the database refusing, as the app role, to delete anything of a held proceeding; and
 * the retention paths (the abandoned-draft purge, the upload sweep, a vendor removing a draft's
 * document) leaving a held proceeding's rows and files alone, and doing their work once released.
 */
let t: TestApp;
let legal: { user: TestUser; token: string };
const UPLOADS = mkdtempSync(path.join(tmpdir(), 'vrp-hold-uploads-'));
const DAY = 86_400_000;

const asLegal = (r: request.Test, token = legal.token) => r.set('Authorization', `Bearer ${token}`);
const place = (docket: string, body: object = { reason: 'Kaspersky Lab v. DHS, No. 17-cv-2697 (D.D.C.): preserve the record.' }, token = legal.token) =>
  asLegal(request(t.app).put(`/api/v1/proceedings/${docket}/legal-hold`), token).send(body);
const release = (docket: string, body: object = { reason: 'Litigation concluded; counsel released the hold.' }, token = legal.token) =>
  asLegal(request(t.app).delete(`/api/v1/proceedings/${docket}/legal-hold`), token).send(body);
const events = (action: string, subjectId: string) => t.deps.db.selectFrom('audit_events').selectAll()
  .where('action', '=', action).where('subject_id', '=', subjectId).orderBy('seq').execute();

/** A vendor's draft in `proceeding` with one real document on disk. */
async function draftWithDocument(proceeding: { docket: string }, vendor?: { user: TestUser; token: string }) {
  const user = vendor?.user ?? await buildUser(t.deps);
  const token = vendor?.token ?? await tokenFor(t.app, user);
  const res = await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set('Authorization', `Bearer ${token}`)
    .send({ title: 'A draft', argument: 'Not finished.' });
  if (res.status !== 201) throw new Error(`draft: ${res.status} ${res.text}`);
  const id = res.body.id as string;
  const documentId = await buildDocumentRow(t.deps, id, user.id);
  const doc = await t.deps.db.selectFrom('documents').select('storage_key').where('id', '=', documentId).executeTakeFirstOrThrow();
  return { id, documentId, file: new ContentStore(UPLOADS).pathOf(doc.storage_key), user, token };
}

/** Makes a draft look untouched for `days`: its row, its documents' upload times and their files' mtimes. */
async function age(submissionId: string, days: number) {
  const at = new Date(Date.now() - days * DAY);
  await sql`UPDATE submissions SET updated_at = ${at} WHERE id = ${submissionId}`.execute(t.deps.db);
  await sql`UPDATE documents SET created_at = ${at} WHERE submission_id = ${submissionId}`.execute(t.deps.db);
  const keys = await t.deps.db.selectFrom('documents').select('storage_key').where('submission_id', '=', submissionId).execute();
  for (const k of keys) utimesSync(new ContentStore(UPLOADS).pathOf(k.storage_key), at, at);
}

/** Runs SQL as the database owner (superuser here): the app role may not TRUNCATE at all. */
async function asOwner(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: t.ownerUrl });
  await client.connect();
  try { return await client.query(text, params); } finally { await client.end(); }
}

beforeAll(async () => {
  t = await startTestApp({ env: { UPLOADS_DIR: UPLOADS } });
  legal = await staffWithToken(t, 'legal');
});
afterAll(async () => { await t.close(); });

describe('placing and releasing over the API', () => {
  it('when legal places a hold, then 201 with who and why, staff see it on the proceeding, vendors and the public do not, and it is audited', async () => {
    const p = await buildProceeding(t.deps);
    const res = await place(p.docket);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String), docket: p.docket, reason: 'Kaspersky Lab v. DHS, No. 17-cv-2697 (D.D.C.): preserve the record.',
      placedAt: expect.any(String), placedBy: { id: legal.user.id, name: legal.user.name }, releasedAt: null, releasedBy: null, releaseReason: null,
    });
    const reviewer = await staffWithToken(t, 'reviewer');
    const staffView = await request(t.app).get(`/api/v1/proceedings/${p.docket}`).set('Authorization', `Bearer ${reviewer.token}`);
    expect(staffView.body.legalHold).toEqual({ id: res.body.id, reason: res.body.reason, placedAt: res.body.placedAt, placedBy: res.body.placedBy });
    const vendorToken = await tokenFor(t.app, await buildUser(t.deps));
    const vendorView = await request(t.app).get(`/api/v1/proceedings/${p.docket}`).set('Authorization', `Bearer ${vendorToken}`);
    expect(vendorView.status).toBe(200);
    expect(vendorView.body).not.toHaveProperty('legalHold');
    expect((await request(t.app).get(`/api/v1/proceedings/${p.docket}`)).body).not.toHaveProperty('legalHold');
    const [placed] = await events('proceeding.legal_hold_placed', p.id);
    expect(placed).toMatchObject({ actor_id: legal.user.id, subject_type: 'proceeding', data: { docket: p.docket, holdId: res.body.id, reason: res.body.reason } });
  });

  it('when a hold is placed twice, then 409 legal_hold_active naming the hold in force, and still one active hold', async () => {
    const p = await buildProceeding(t.deps);
    expect((await place(p.docket)).status).toBe(201);
    const again = await place(p.docket, { reason: 'A second matter.' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('legal_hold_active');
    expect(again.body.error.message).toContain(`placed by ${legal.user.name}`);
    const rows = await t.deps.db.selectFrom('legal_holds').select('id').where('proceeding_id', '=', p.id).execute();
    expect(rows).toHaveLength(1);
    expect(await events('proceeding.legal_hold_placed', p.id)).toHaveLength(1);
  });

  it('when two legal staff place a hold at the same moment, then exactly one succeeds', async () => {
    const p = await buildProceeding(t.deps);
    const results = await Promise.all([place(p.docket), place(p.docket)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('when legal releases, then 200 with the release, the history keeps both holds newest first, and releasing again is 409 no_legal_hold', async () => {
    const p = await buildProceeding(t.deps);
    const first = await place(p.docket, { reason: 'First matter.' });
    const released = await release(p.docket);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({
      id: first.body.id, reason: 'First matter.', releasedAt: expect.any(String),
      releasedBy: { id: legal.user.id, name: legal.user.name }, releaseReason: 'Litigation concluded; counsel released the hold.',
    });
    const again = await release(p.docket);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('no_legal_hold');
    const second = await place(p.docket, { reason: 'Second matter.' });
    expect(second.status).toBe(201);
    const history = await asLegal(request(t.app).get(`/api/v1/proceedings/${p.docket}/legal-holds`));
    expect(history.status).toBe(200);
    expect(history.body.items.map((h: { reason: string; releasedAt: string | null }) => [h.reason, h.releasedAt !== null])).toEqual([['Second matter.', false], ['First matter.', true]]);
    const [rel] = await events('proceeding.legal_hold_released', p.id);
    expect(rel).toMatchObject({ actor_id: legal.user.id, data: { docket: p.docket, holdId: first.body.id, reason: 'Litigation concluded; counsel released the hold.' } });
    const staff = await request(t.app).get(`/api/v1/proceedings/${p.docket}`).set('Authorization', `Bearer ${legal.token}`);
    expect(staff.body.legalHold.reason).toBe('Second matter.');
  });

  it.each([
    ['no body', undefined, 'invalid_request'],
    ['no reason', {}, 'invalid_request'],
    ['an empty reason', { reason: '' }, 'invalid_request'],
    ['a blank reason', { reason: '  \n ' }, 'invalid_request'],
    ['a reason over 2,000 characters', { reason: 'x'.repeat(2001) }, 'invalid_request'],
    ['an unknown field', { reason: 'Why.', until: '2030-01-01' }, 'unknown_field'],
    ['a reason that is not text', { reason: 42 }, 'invalid_request'],
  ])('when the body has %s, then 400 with the code for it and nothing changes', async (_what, body, code) => {
    const p = await buildProceeding(t.deps);
    const r = asLegal(request(t.app).put(`/api/v1/proceedings/${p.docket}/legal-hold`));
    const res = body === undefined ? await r : await r.send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(await t.deps.db.selectFrom('legal_holds').select('id').where('proceeding_id', '=', p.id).execute()).toEqual([]);
  });

  it('when the docket is unknown or malformed, then 404', async () => {
    expect((await place('NO-SUCH-DOCKET-1')).status).toBe(404);
    expect((await place('lower-case')).status).toBe(404);
    expect((await release('NO-SUCH-DOCKET-1')).status).toBe(404);
  });

  it.each(['vendor', 'reviewer', 'supervisor', 'admin'] as const)('when a %s tries, then 403 for place, release and history, each refusal audited', async (role) => {
    const p = await buildProceeding(t.deps);
    const user = await buildUser(t.deps, { role });
    const token = await tokenFor(t.app, user);
    expect((await place(p.docket, undefined, token)).status).toBe(403);
    expect((await release(p.docket, undefined, token)).status).toBe(403);
    expect((await asLegal(request(t.app).get(`/api/v1/proceedings/${p.docket}/legal-holds`), token)).status).toBe(403);
    const denials = await t.deps.db.selectFrom('audit_events').select('data').where('action', '=', 'access.denied').where('actor_id', '=', user.id).execute();
    expect(denials.map((d) => (d.data as { method: string }).method)).toEqual(['PUT', 'DELETE', 'GET']);
    expect(await t.deps.db.selectFrom('legal_holds').select('id').where('proceeding_id', '=', p.id).execute()).toEqual([]);
  });
});

describe('the database keeps a held proceeding whole', () => {
  it('when the app role deletes anything of a held proceeding, then VPH01 names the proceeding; after release the same delete works', async () => {
    const filed = await fileResponse(t);
    const proceeding = { id: filed.proceedingId, docket: filed.docket };
    const draft = await draftWithDocument(proceeding);
    const notice = await t.deps.db.insertInto('notice_documents').values({
      proceeding_id: proceeding.id, title: 'Notice', original_name: 'n.pdf', media_type: 'application/pdf', size: 1, sha256: 'a'.repeat(64),
      storage_key: `sha256/aa/${'a'.repeat(64)}`, created_by: legal.user.id,
    }).returning('id').executeTakeFirstOrThrow();
    expect((await place(proceeding.docket)).status).toBe(201);
    const refusals: [string, () => Promise<unknown>][] = [
      ['documents', () => t.deps.db.deleteFrom('documents').where('id', '=', draft.documentId).execute()],
      ['submissions', () => t.deps.db.deleteFrom('submissions').where('id', '=', draft.id).execute()],
      ['notice_documents', () => t.deps.db.deleteFrom('notice_documents').where('id', '=', notice.id).execute()],
      ['tracking_counters', () => t.deps.db.deleteFrom('tracking_counters').where('proceeding_id', '=', proceeding.id).execute()],
      ['proceedings', () => t.deps.db.deleteFrom('proceedings').where('id', '=', proceeding.id).execute()],
    ];
    for (const [table, attempt] of refusals) {
      await expect(attempt()).rejects.toMatchObject({
        code: 'VPH01', message: `proceeding ${proceeding.docket} is under a legal hold: DELETE from ${table} refused`,
        hint: expect.stringContaining('until legal staff release the hold'),
      });
    }
    await expect(asOwner('TRUNCATE documents CASCADE')).rejects.toMatchObject({ code: 'VPH01' });
    expect(await t.deps.db.selectFrom('documents').select('id').where('id', '=', draft.documentId).executeTakeFirst()).toBeDefined();

    expect((await release(proceeding.docket)).status).toBe(200);
    await t.deps.db.deleteFrom('documents').where('id', '=', draft.documentId).execute();
    await t.deps.db.deleteFrom('submissions').where('id', '=', draft.id).execute();
    await t.deps.db.deleteFrom('notice_documents').where('id', '=', notice.id).execute();
    expect(await t.deps.db.selectFrom('submissions').select('id').where('id', '=', draft.id).executeTakeFirst()).toBeUndefined();
  });

  it('when anyone tries to delete or rewrite the hold history, then the database refuses', async () => {
    const p = await buildProceeding(t.deps);
    const hold = (await place(p.docket)).body as { id: string };
    await expect(t.deps.db.deleteFrom('legal_holds').where('id', '=', hold.id).execute()).rejects.toThrow(/permission denied/);
    await expect(asOwner('DELETE FROM legal_holds WHERE id = $1', [hold.id])).rejects.toThrow(/keeps every hold/);
    await expect(t.deps.db.updateTable('legal_holds').set({ reason: 'rewritten' }).where('id', '=', hold.id).execute()).rejects.toThrow(/can only be released, once/);
    await release(p.docket);
    await expect(t.deps.db.updateTable('legal_holds').set({ release_reason: 'rewritten' }).where('id', '=', hold.id).execute()).rejects.toThrow(/can only be released, once/);
  });

  it('when a vendor removes a document from a draft in a held proceeding, then 409 legal_hold, the row and the file stay; after release it goes', async () => {
    const p = await buildProceeding(t.deps);
    const draft = await draftWithDocument(p);
    await place(p.docket);
    const del = () => request(t.app).delete(`/api/v1/submissions/${draft.id}/documents/${draft.documentId}`).set('Authorization', `Bearer ${draft.token}`);
    const refused = await del();
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('legal_hold');
    expect(refused.body.error.message).toContain('under a legal hold');
    expect(existsSync(draft.file)).toBe(true);
    expect(await events('document.deleted', draft.documentId)).toEqual([]);
    await release(p.docket);
    expect((await del()).status).toBe(204);
    expect(existsSync(draft.file)).toBe(false);
  });
});

describe('retention jobs skip held proceedings', () => {
  it('when the purge runs, then a held proceeding\'s abandoned draft keeps its row and file; once released the next run purges both', async () => {
    const held = await buildProceeding(t.deps);
    const free = await buildProceeding(t.deps);
    const heldDraft = await draftWithDocument(held);
    const freeDraft = await draftWithDocument(free);
    const fresh = await draftWithDocument(free);
    await age(heldDraft.id, 40);
    await age(freeDraft.id, 40);
    await age(fresh.id, 5);
    await place(held.docket);

    const first = await purgeAbandonedDrafts(t.deps.db, { retentionDays: 30, uploadsDir: UPLOADS });
    expect(first).toMatchObject({ purged: 1, documents: 1, filesRemoved: 1, heldSkipped: 1 });
    expect(await t.deps.db.selectFrom('submissions').select('id').where('id', '=', heldDraft.id).executeTakeFirst()).toBeDefined();
    expect(existsSync(heldDraft.file)).toBe(true);
    expect(await t.deps.db.selectFrom('submissions').select('id').where('id', 'in', [freeDraft.id]).execute()).toEqual([]);
    expect(await t.deps.db.selectFrom('documents').select('id').where('id', '=', freeDraft.documentId).executeTakeFirst()).toBeUndefined();
    expect(existsSync(freeDraft.file)).toBe(false);
    expect(existsSync(fresh.file)).toBe(true);
    const [purged] = await events('submission.draft_purged', freeDraft.id);
    expect(purged).toMatchObject({ actor_role: 'system', data: { docket: free.docket, retentionDays: 30, documents: [{ id: freeDraft.documentId, sha256: expect.any(String) }] } });
    expect(await events('submission.draft_purged', heldDraft.id)).toEqual([]);

    await release(held.docket);
    const second = await purgeAbandonedDrafts(t.deps.db, { retentionDays: 30, uploadsDir: UPLOADS });
    expect(second).toMatchObject({ purged: 1, heldSkipped: 0, filesRemoved: 1 });
    expect(await t.deps.db.selectFrom('submissions').select('id').where('id', '=', heldDraft.id).executeTakeFirst()).toBeUndefined();
    expect(existsSync(heldDraft.file)).toBe(false);
    expect(existsSync(fresh.file)).toBe(true);
  });

  it('when an old draft got a recent upload, or a filed response is old, then the purge leaves them', async () => {
    const p = await buildProceeding(t.deps);
    const draft = await draftWithDocument(p);
    await age(draft.id, 40);
    await buildDocumentRow(t.deps, draft.id, draft.user.id);
    const filed = await fileResponse(t, { proceeding: p });
    await t.deps.db.updateTable('submissions').set({ updated_at: new Date(Date.now() - 400 * DAY) }).where('id', '=', filed.id).execute();
    await purgeAbandonedDrafts(t.deps.db, { retentionDays: 30, uploadsDir: UPLOADS });
    expect(await t.deps.db.selectFrom('submissions').select('id').where('id', 'in', [draft.id, filed.id]).execute()).toHaveLength(2);
  });

  it('when an abandoned draft shares its file with a held proceeding\'s document, then the purge deletes the draft but keeps the file', async () => {
    const held = await buildProceeding(t.deps);
    const heldDraft = await draftWithDocument(held);
    const bytes = readFileSync(heldDraft.file);
    const other = await buildProceeding(t.deps);
    const user = await buildUser(t.deps);
    const token = await tokenFor(t.app, user);
    const created = await request(t.app).post(`/api/v1/proceedings/${other.docket}/submissions`).set('Authorization', `Bearer ${token}`).send({ title: 'Twin' });
    await buildDocumentRow(t.deps, created.body.id, user.id, { data: bytes });
    await age(created.body.id, 40);
    await place(held.docket);
    const report = await purgeAbandonedDrafts(t.deps.db, { retentionDays: 30, uploadsDir: UPLOADS });
    expect(report.purged).toBeGreaterThanOrEqual(1);
    expect(await t.deps.db.selectFrom('submissions').select('id').where('id', '=', created.body.id).executeTakeFirst()).toBeUndefined();
    expect(existsSync(heldDraft.file)).toBe(true);
  });

  it('when the hourly upload sweep runs, then a held proceeding\'s old files stay and an orphan goes', async () => {
    const p = await buildProceeding(t.deps);
    const draft = await draftWithDocument(p);
    await age(draft.id, 40);
    await place(p.docket);
    const orphanDraft = await draftWithDocument(await buildProceeding(t.deps));
    await t.deps.db.deleteFrom('documents').where('id', '=', orphanDraft.documentId).execute();
    utimesSync(orphanDraft.file, new Date(Date.now() - 2 * DAY), new Date(Date.now() - 2 * DAY));
    const report = await sweepUploads(t.deps.db, UPLOADS, { olderThanMs: 3_600_000 });
    expect(report.contentRemoved).toBeGreaterThanOrEqual(1);
    expect(existsSync(orphanDraft.file)).toBe(false);
    expect(existsSync(draft.file)).toBe(true);
  });

  it('when the job runner works a purge_abandoned_drafts job, then it purges with the configured retention and skips the held proceeding', async () => {
    const held = await buildProceeding(t.deps);
    const free = await buildProceeding(t.deps);
    const heldDraft = await draftWithDocument(held);
    const freeDraft = await draftWithDocument(free);
    await age(heldDraft.id, 12);
    await age(freeDraft.id, 12);
    await place(held.docket);
    const mailer = createMailer(t.deps.config, t.deps.logger);
    const runner = await startJobRunner({ pool: t.deps.pool, db: t.deps.db, mailer, logger: t.deps.logger, uploadsDir: UPLOADS, publicUrl: t.deps.config.publicUrl, draftRetentionDays: 10, dataDir: t.deps.config.dataDir });
    try {
      await sql`SELECT graphile_worker.add_job(${PURGE_DRAFTS_TASK}, '{}'::json, job_key := 'purge-now')`.execute(t.deps.db);
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && (await t.deps.db.selectFrom('submissions').select('id').where('id', '=', freeDraft.id).executeTakeFirst())) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await t.deps.db.selectFrom('submissions').select('id').where('id', '=', freeDraft.id).executeTakeFirst()).toBeUndefined();
      expect(existsSync(freeDraft.file)).toBe(false);
      expect(await t.deps.db.selectFrom('submissions').select('id').where('id', '=', heldDraft.id).executeTakeFirst()).toBeDefined();
      expect(existsSync(heldDraft.file)).toBe(true);
      const { rows } = await sql<{ identifier: string }>`SELECT identifier FROM graphile_worker._private_known_crontabs`.execute(t.deps.db);
      expect(rows.map((r) => r.identifier)).toContain(PURGE_DRAFTS_TASK);
    } finally {
      await runner.stop();
      await mailer.close();
    }
  });
});

describe('the legal hold pages', () => {
  let agent: ReturnType<typeof request.agent>;
  let user: TestUser;
  beforeAll(async () => {
    user = await buildUser(t.deps, { role: 'legal' });
    ({ agent } = await signInBrowser(t.app, user));
  });

  it('when legal places and releases a hold through the page, then confirmation and reason are required, and each step says what happened', async () => {
    const p = await buildProceeding(t.deps);
    const page = await agent.get(`/proceedings/${p.docket}/legal-hold`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('This proceeding is not under a legal hold.');
    const csrf = csrfFrom(page.text);
    const unconfirmed = await agent.post(`/proceedings/${p.docket}/legal-hold`).type('form').send({ _csrf: csrf, reason: 'Preserve it.' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('There is a problem');
    expect(unconfirmed.text).toContain('confirmation_required');
    expect(unconfirmed.text).toContain('id="confirm-error"');
    expect(unconfirmed.text).toContain('Preserve it.</textarea>');
    const noReason = await agent.post(`/proceedings/${p.docket}/legal-hold`).type('form').send({ _csrf: csrf, reason: ' ', confirm: 'yes' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('id="reason-error"');
    expect(await t.deps.db.selectFrom('legal_holds').select('id').where('proceeding_id', '=', p.id).execute()).toEqual([]);

    const placed = await agent.post(`/proceedings/${p.docket}/legal-hold`).type('form').send({ _csrf: csrf, reason: 'Preserve it.', confirm: 'yes' });
    expect(placed.status).toBe(303);
    expect(placed.headers['location']).toBe(`/proceedings/${p.docket}/legal-hold?done=place`);
    const after = await agent.get(placed.headers['location']!);
    expect(after.text).toContain('Legal hold placed.');
    expect(after.text).toContain('Under a legal hold');
    expect(after.text).toContain(`action="/proceedings/${p.docket}/legal-hold/release"`);

    // Placing again from a stale form: the API's 409 shown on the page.
    const twice = await agent.post(`/proceedings/${p.docket}/legal-hold`).type('form').send({ _csrf: csrf, reason: 'Again.', confirm: 'yes' });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('legal_hold_active');

    const list = await agent.get('/record/holds');
    expect(list.text).toContain(`href="/proceedings/${p.docket}/legal-hold">${p.docket}</a>`);
    const released = await agent.post(`/proceedings/${p.docket}/legal-hold/release`).type('form').send({ _csrf: csrf, reason: 'Matter closed.', confirm: 'yes' });
    expect(released.status).toBe(303);
    const history = await agent.get(released.headers['location']!);
    expect(history.text).toContain('Legal hold released.');
    expect(history.text).toContain('Matter closed.');
    const audit = await t.deps.db.selectFrom('audit_events').select('action').where('subject_id', '=', p.id).where('actor_id', '=', user.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['proceeding.legal_hold_placed', 'proceeding.legal_hold_released']);
  });

  it('when legal looks a docket up, then a known one opens its hold page and an unknown one is 404 on the form', async () => {
    const p = await buildProceeding(t.deps);
    const found = await agent.get(`/record/holds?docket=${p.docket.toLowerCase()}`);
    expect(found.status).toBe(303);
    expect(found.headers['location']).toBe(`/proceedings/${p.docket}/legal-hold`);
    const missing = await agent.get('/record/holds?docket=NOPE-0000');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('No proceeding has the docket NOPE-0000');
  });

  it('when staff read the notice page of a held proceeding, then they see the hold and legal gets the link; vendors see nothing of it', async () => {
    const p = await buildProceeding(t.deps);
    await place(p.docket, { reason: 'Held for the notice page.' });
    const legalNotice = await agent.get(`/proceedings/${p.docket}`);
    expect(legalNotice.text).toContain('Under a legal hold');
    expect(legalNotice.text).toContain('Held for the notice page.');
    expect(legalNotice.text).toContain(`href="/proceedings/${p.docket}/legal-hold"`);
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const { agent: reviewerAgent } = await signInBrowser(t.app, reviewer);
    const reviewerNotice = await reviewerAgent.get(`/proceedings/${p.docket}`);
    expect(reviewerNotice.text).toContain('Held for the notice page.');
    expect(reviewerNotice.text).not.toContain(`href="/proceedings/${p.docket}/legal-hold"`);
    expect((await reviewerAgent.get(`/proceedings/${p.docket}/legal-hold`)).status).toBe(403);
    const vendor = await buildUser(t.deps);
    const { agent: vendorAgent } = await signInBrowser(t.app, vendor);
    const vendorNotice = await vendorAgent.get(`/proceedings/${p.docket}`);
    expect(vendorNotice.status).toBe(200);
    expect(vendorNotice.text).not.toContain('Held for the notice page.');
    expect(vendorNotice.text).not.toContain('legal hold');
    expect((await request(t.app).get(`/proceedings/${p.docket}`)).text).not.toContain('Held for the notice page.');
  });

});
