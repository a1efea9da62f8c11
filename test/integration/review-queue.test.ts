import request from 'supertest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding } from '../helpers/factories';
import { fileResponse, staffWithToken } from '../helpers/filings';
import { assign, declareConflict, fileSeveral, fileWithDocuments, staffGet } from '../helpers/queue';

let t: TestApp;
let reviewer: { user: { id: string }; token: string };
beforeAll(async () => {
  t = await startTestApp();
  reviewer = await staffWithToken(t, 'reviewer');
});
afterAll(async () => { await t.close(); });

const HOUR = 3_600_000;
const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id).sort();
const queue = (qs: string, token = reviewer.token) => staffGet(t, token, `/api/v1/submissions?${qs}`);

describe('queue filters', () => {
  it('when filtering by assignee me, unassigned or a user id, then only rows with matching open assignments come back', async () => {
    const { proceeding, filed: [a, b, c] } = await fileSeveral(t, 3);
    const other = await staffWithToken(t, 'reviewer');
    await assign(t, a!.id, reviewer.user.id, new Date(Date.now() + 48 * HOUR));
    await assign(t, b!.id, other.user.id, new Date(Date.now() + 48 * HOUR));
    await t.deps.db.updateTable('assignments').set({ ended_at: new Date() }).where('submission_id', '=', b!.id).execute();
    await assign(t, c!.id, other.user.id, new Date(Date.now() + 48 * HOUR));
    const d = `docket=${proceeding.docket}`;
    expect(ids((await queue(`${d}&assignee=me`)).body)).toEqual([a!.id]);
    expect(ids((await queue(`${d}&assignee=unassigned`)).body)).toEqual([b!.id]);
    expect(ids((await queue(`${d}&assignee=${other.user.id}`)).body)).toEqual([c!.id]);
    const mine = (await queue(`${d}&assignee=me`)).body.items[0];
    expect(mine.assignees).toEqual([expect.objectContaining({ id: reviewer.user.id })]);
  });

  it('when filtering overdue, then an open assignment or an unanswered request past due counts, an ended or future one does not', async () => {
    const { proceeding, filed: [pastAssignment, pastRequest, future, ended] } = await fileSeveral(t, 4);
    await assign(t, pastAssignment!.id, reviewer.user.id, new Date(Date.now() - HOUR));
    await assign(t, future!.id, reviewer.user.id, new Date(Date.now() + HOUR));
    await assign(t, ended!.id, reviewer.user.id, new Date(Date.now() - HOUR));
    await t.deps.db.updateTable('assignments').set({ ended_at: new Date() }).where('submission_id', '=', ended!.id).execute();
    const ask = await request(t.app).post(`/api/v1/submissions/${pastRequest!.id}/information-requests`).set('Authorization', `Bearer ${reviewer.token}`)
      .send({ question: 'Please send the test report.', dueAt: new Date(Date.now() + 48 * HOUR).toISOString() });
    expect(ask.status).toBe(201);
    await t.deps.db.updateTable('information_requests').set({ due_at: new Date(Date.now() - HOUR) }).where('submission_id', '=', pastRequest!.id).execute();
    const d = `docket=${proceeding.docket}`;
    expect(ids((await queue(`${d}&overdue=true`)).body)).toEqual([pastAssignment!.id, pastRequest!.id].sort());
    expect(ids((await queue(`${d}&overdue=false`)).body)).toEqual([future!.id, ended!.id].sort());
    expect(ids((await queue(`${d}&openRequest=true`)).body)).toEqual([pastRequest!.id]);
    expect((await queue(`${d}&openRequest=true`)).body.items[0]).toMatchObject({ openRequest: true, overdue: true });
  });

  it('when filtering late, confidential or flagged, then only rows with a late filing, a confidential or a flagged document come back', async () => {
    const proceeding = await buildProceeding(t.deps, { opensAt: new Date(Date.now() - 48 * HOUR), closesAt: new Date(Date.now() - HOUR), latePolicy: 'accept_flagged' });
    const late = await fileResponse(t, { proceeding });
    const secret = await fileWithDocuments(t, proceeding, { confidential: true });
    const flagged = await fileWithDocuments(t, proceeding, { flagged: true });
    const d = `docket=${proceeding.docket}`;
    expect(ids((await queue(`${d}&late=true`)).body)).toEqual([late.id, secret.id, flagged.id].sort());
    expect(ids((await queue(`${d}&confidential=true`)).body)).toEqual([secret.id]);
    expect(ids((await queue(`${d}&flagged=true`)).body)).toEqual([flagged.id]);
    expect(ids((await queue(`${d}&flagged=false&confidential=false`)).body)).toEqual([late.id]);
  });

  it('when filtering by status and kind, then only those rows come back, and staff never see drafts', async () => {
    const { proceeding, filed: [a] } = await fileSeveral(t, 1);
    await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set('Authorization', `Bearer ${a!.vendorToken}`).send({ title: 'Unfiled draft' });
    const d = `docket=${proceeding.docket}`;
    expect(ids((await queue(`${d}&status=submitted&kind=response`)).body)).toEqual([a!.id]);
    expect((await queue(`${d}&kind=supplement`)).body.items).toEqual([]);
    expect((await queue(`${d}&status=draft`)).body.items).toEqual([]);
    expect((await queue(d)).body.items.map((i: { title: string }) => i.title)).not.toContain('Unfiled draft');
  });

  it('when a value is unknown, malformed or repeated, then 400 with a stable code', async () => {
    const cases: [string, string][] = [
      ['kind=memo', 'invalid_kind'], ['status=lost', 'invalid_status'], ['assignee=someone', 'invalid_assignee'],
      ['overdue=yes', 'invalid_flag'], ['late=1', 'invalid_flag'], ['confidential=TRUE', 'invalid_flag'], ['flagged=on', 'invalid_flag'],
      ['openRequest=maybe', 'invalid_flag'], ['docket=../x', 'invalid_docket'], [`q=${'a'.repeat(201)}`, 'invalid_search'],
      ['status=submitted&status=decided', 'invalid_parameter'], ['priority=high', 'unknown_parameter'], ['limit=0', 'invalid_limit'],
      ['cursor=abc', 'invalid_cursor'],
    ];
    for (const [qs, code] of cases) {
      const res = await queue(qs);
      expect([qs, res.status, res.body.error?.code]).toEqual([qs, 400, code]);
    }
  });
});

describe('queue order and pages', () => {
  it('when sort is hostile or unknown, then 400 invalid_sort listing the allowed sorts', async () => {
    for (const sort of ['constructor', '__proto__', 'toString', 'title', 'submitted_at;drop table users', '-priority']) {
      const res = await queue(`sort=${encodeURIComponent(sort)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_sort');
      expect(res.body.error.message).toContain('-submittedAt');
    }
  });

  it('when no sort is given, then newest filed first; submittedAt gives oldest first', async () => {
    const { proceeding, filed } = await fileSeveral(t, 3);
    const newestFirst = (await queue(`docket=${proceeding.docket}`)).body.items.map((i: { id: string }) => i.id);
    expect(newestFirst).toEqual(filed.map((f) => f.id).reverse());
    const oldestFirst = (await queue(`docket=${proceeding.docket}&sort=submittedAt`)).body.items.map((i: { id: string }) => i.id);
    expect(oldestFirst).toEqual(filed.map((f) => f.id));
  });

  it('when many rows share one timestamp, then keyset pages neither skip nor repeat a row', async () => {
    const { proceeding, filed } = await fileSeveral(t, 7);
    await sql`UPDATE submissions SET updated_at = '2026-11-30T12:00:00.123456Z' WHERE proceeding_id = ${proceeding.id}`.execute(t.deps.db);
    for (const sort of ['-updatedAt', 'updatedAt']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await queue(`docket=${proceeding.docket}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((i: { id: string }) => i.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect([...seen].sort()).toEqual(filed.map((f) => f.id).sort());
    }
  });
});

describe('recusal and vendors', () => {
  it('when a reviewer declared a conflict with an organization, then its rows leave the list, the search and the counts', async () => {
    const proceeding = await buildProceeding(t.deps);
    const kept = await fileResponse(t, { proceeding, title: 'Kept response about turbines' });
    const hidden = await fileResponse(t, { proceeding, title: 'Hidden response about turbines' });
    const recused = await staffWithToken(t, 'reviewer');
    await declareConflict(t, recused.user.id, hidden.organizationId);
    const d = `docket=${proceeding.docket}`;
    expect(ids((await queue(d, recused.token)).body)).toEqual([kept.id]);
    expect(ids((await queue(`${d}&q=turbines`, recused.token)).body)).toEqual([kept.id]);
    expect((await staffGet(t, recused.token, `/api/v1/submissions/counts?${d}`)).body.counts.submitted).toBe(1);
    expect((await staffGet(t, recused.token, `/api/v1/submissions/counts?${d}&q=turbines`)).body.counts.submitted).toBe(1);
    expect(ids((await queue(d)).body)).toEqual([kept.id, hidden.id].sort());
  });

  it('when a vendor lists, then it sees only its organization, drafts included, and the staff filters stay unknown', async () => {
    const proceeding = await buildProceeding(t.deps);
    const mine = await fileResponse(t, { proceeding });
    await fileResponse(t, { proceeding });
    const draft = await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set('Authorization', `Bearer ${mine.vendorToken}`).send({ title: 'My draft' });
    const res = await staffGet(t, mine.vendorToken, `/api/v1/submissions?docket=${proceeding.docket}`);
    expect(ids(res.body)).toEqual([mine.id, draft.body.id].sort());
    expect(res.body.items[0]).not.toHaveProperty('assignees');
    expect((await staffGet(t, mine.vendorToken, '/api/v1/submissions?assignee=me')).body.error.code).toBe('unknown_parameter');
    expect((await staffGet(t, mine.vendorToken, '/api/v1/submissions/counts')).status).toBe(403);
  });
});

describe('queue item shape', () => {
  it('when an item is built by PostgreSQL, then it equals the submission as GET /submissions/{id} shows it, documents and assignments included', async () => {
    const proceeding = await buildProceeding(t.deps);
    const filed = await fileWithDocuments(t, proceeding, { confidential: true, flagged: true });
    const other = await staffWithToken(t, 'reviewer');
    await assign(t, filed.id, other.user.id, new Date(Date.now() + 72 * HOUR));
    await assign(t, filed.id, reviewer.user.id, new Date(Date.now() + 24 * HOUR));
    await sql`UPDATE submissions SET tags = '{export,urgent}', priority = 'high' WHERE id = ${filed.id}`.execute(t.deps.db);
    const single = await staffGet(t, reviewer.token, `/api/v1/submissions/${filed.id}`);
    const [item] = (await queue(`docket=${proceeding.docket}`)).body.items;
    const { disposition: _none, ...submission } = single.body;
    expect(item).toEqual({
      ...submission, organizationName: expect.any(String), priority: 'high', tags: ['export', 'urgent'],
      assignees: [expect.objectContaining({ id: reviewer.user.id }), expect.objectContaining({ id: other.user.id })],
      dueAt: item.assignees[0].dueAt, overdue: false, confidential: true, flagged: true, openRequest: false,
    });
    expect(item.documents).toHaveLength(3);
    expect(new Date(item.dueAt).getTime()).toBeGreaterThan(Date.now());
  });
});
