import { startTestApp, type TestApp } from '../helpers/app';
import { fileResponse, staffWithToken, type Filed } from '../helpers/filings';
import { WORDS, getDisposition, issueThrough, putDisposition, startReview, step } from '../helpers/dispositions';

/**
 * Dispositions (issue 9): drafted with a rationale, approved by a second supervisor, issued after
 * approval (which decides the submission), superseded by a correction; one transition table.
 */
let t: TestApp;
let reviewer: string;
let supA: { id: string; token: string };
let supB: { id: string; token: string };
let supC: { id: string; token: string };
beforeAll(async () => {
  t = await startTestApp();
  reviewer = (await staffWithToken(t, 'reviewer')).token;
  const sup = async () => { const s = await staffWithToken(t, 'supervisor'); return { id: s.user.id, token: s.token }; };
  [supA, supB, supC] = [await sup(), await sup(), await sup()];
});
afterAll(async () => { await t.close(); });

async function inReview(): Promise<Filed> {
  const filed = await fileResponse(t);
  await startReview(t, filed.id);
  return filed;
}
const row = (id: string) => t.deps.db.selectFrom('dispositions').selectAll().where('submission_id', '=', id).orderBy('created_at').execute();
const audits = (id: string, action: string) => t.deps.db.selectFrom('audit_events').select(['data', 'actor_id']).where('subject_id', '=', id).where('action', '=', action).execute();

describe('drafting and editing', () => {
  it('when a reviewer drafts, then 201 with version 1, the drafter is the first editor, and it is audited', async () => {
    const f = await inReview();
    const res = await putDisposition(t, reviewer, f.id);
    expect(res.status).toBe(201);
    expect(res.headers['etag']).toBe('"1"');
    expect(res.body).toMatchObject({ status: 'draft', version: 1, outcome: 'not_sustained', rationale: WORDS.rationale, editors: [res.body.draftedBy], approvedBy: null });
    expect(await audits(f.id, 'disposition.drafted')).toEqual([expect.objectContaining({ data: expect.objectContaining({ dispositionId: res.body.id, version: 1 }) })]);
  });

  it('when a draft exists and an edit comes without If-Match, then 428 precondition_required and nothing changes', async () => {
    const f = await inReview();
    await putDisposition(t, reviewer, f.id);
    const res = await putDisposition(t, supA.token, f.id, { ...WORDS, outcome: 'sustained' });
    expect(res.status).toBe(428);
    expect(res.body.error.code).toBe('precondition_required');
    expect((await row(f.id))[0]).toMatchObject({ outcome: 'not_sustained', version: 1 });
  });

  it('when two supervisors edit the same version at once, then one wins and the other gets 409 version_conflict', async () => {
    const f = await inReview();
    await putDisposition(t, reviewer, f.id);
    const [a, b] = await Promise.all([
      putDisposition(t, supA.token, f.id, { ...WORDS, outcome: 'sustained' }, 1),
      putDisposition(t, supB.token, f.id, { ...WORDS, outcome: 'partially_sustained' }, 1),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe('version_conflict');
    const [d] = await row(f.id);
    expect(d).toMatchObject({ version: 2, outcome: a.status === 200 ? 'sustained' : 'partially_sustained' });
    expect(d!.editors).toHaveLength(2);
  });

  it('when the outcome is unknown or the rationale empty, then 400/422 and nothing is written', async () => {
    const f = await inReview();
    expect((await putDisposition(t, reviewer, f.id, { outcome: 'upheld', rationale: 'x' })).status).toBe(400);
    const blank = await putDisposition(t, reviewer, f.id, { outcome: 'sustained', rationale: '   ' });
    expect(blank.status).toBe(422);
    expect(blank.body.error.code).toBe('invalid_rationale');
    expect(await row(f.id)).toEqual([]);
  });

  it('when an approved disposition is edited, then it returns to draft with the approval cleared and the editor recorded', async () => {
    const f = await inReview();
    await putDisposition(t, reviewer, f.id);
    expect((await step(t, supA.token, f.id, 'approve')).status).toBe(200);
    const res = await putDisposition(t, supB.token, f.id, { ...WORDS, rationale: 'Reworded.' }, 2);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'draft', version: 3, approvedBy: null, approvedAt: null, editors: [expect.any(String), supB.id] });
    expect(await audits(f.id, 'disposition.updated')).toHaveLength(1);
  });
});

describe('the two-person rule', () => {
  it('when the supervisor who drafted it approves, then 403 two_person_rule, audited, and it stays a draft', async () => {
    const f = await inReview();
    await putDisposition(t, supA.token, f.id);
    const res = await step(t, supA.token, f.id, 'approve');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('two_person_rule');
    expect((await row(f.id))[0]).toMatchObject({ status: 'draft', approved_by: null });
    const denied = await audits(f.id, 'access.denied');
    expect(denied).toEqual([expect.objectContaining({ actor_id: supA.id, data: expect.objectContaining({ decision: 'disposition.approve', reason: expect.stringContaining('two-person') }) })]);
  });

  it('when a supervisor who edited it approves, then 403 two_person_rule; a third supervisor may approve', async () => {
    const f = await inReview();
    await putDisposition(t, reviewer, f.id);
    await putDisposition(t, supB.token, f.id, { ...WORDS, outcome: 'sustained' }, 1);
    const res = await step(t, supB.token, f.id, 'approve');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('two_person_rule');
    const ok = await step(t, supC.token, f.id, 'approve');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', approvedBy: supC.id });
    expect(await audits(f.id, 'disposition.approved')).toHaveLength(1);
  });

  it('when a reviewer approves or issues, then 403 forbidden', async () => {
    const f = await inReview();
    await putDisposition(t, supA.token, f.id);
    const approve = await step(t, reviewer, f.id, 'approve');
    expect(approve.status).toBe(403);
    expect(approve.body.error.code).toBe('forbidden');
    await step(t, supB.token, f.id, 'approve');
    expect((await step(t, reviewer, f.id, 'issue')).status).toBe(403);
  });
});

describe('the transition table', () => {
  it('when a draft is issued before approval, then 422 invalid_transition naming the allowed moves', async () => {
    const f = await inReview();
    await putDisposition(t, reviewer, f.id);
    const res = await step(t, supA.token, f.id, 'issue');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid_transition', details: [{ state: 'draft', move: 'issue', allowed: ['edit', 'approve'] }] });
    expect(res.body.error.message).toContain('Allowed next: edit, approve');
  });

  it('when nothing is drafted, then approving is 422 naming "draft" as the only move', async () => {
    const f = await inReview();
    const res = await step(t, supA.token, f.id, 'approve');
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ state: 'none', move: 'approve', allowed: ['draft'] }]);
  });

  it('when an approved disposition is approved again, then 422 naming edit and issue', async () => {
    const f = await inReview();
    await putDisposition(t, reviewer, f.id);
    await step(t, supA.token, f.id, 'approve');
    const res = await step(t, supB.token, f.id, 'approve');
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].allowed).toEqual(['edit', 'issue']);
  });

  it('when the submission is still submitted (not in review), then issuing is 422 naming its state and nothing changes', async () => {
    const f = await fileResponse(t);
    await putDisposition(t, reviewer, f.id);
    await step(t, supA.token, f.id, 'approve');
    const res = await step(t, supA.token, f.id, 'issue');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid_transition', details: [{ state: 'submitted', allowed: ['startReview'] }] });
    expect(res.body.error.message).toContain('submitted');
    expect((await row(f.id))[0]).toMatchObject({ status: 'approved', issued_at: null });
  });
});

describe('issuing', () => {
  it('when a supervisor issues the approved disposition, then the submission is decided, issued_* set, the vendor e-mailed and it is audited, all together', async () => {
    const f = await inReview();
    await issueThrough(t, f.id, reviewer, supA.token);
    const sub = await t.deps.db.selectFrom('submissions').select('status').where('id', '=', f.id).executeTakeFirstOrThrow();
    expect(sub.status).toBe('decided');
    const [d] = await row(f.id);
    expect(d).toMatchObject({ status: 'issued', issued_by: supA.id });
    expect(d!.issued_at).toBeInstanceOf(Date);
    const mail = await t.deps.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', f.vendor.email).where('subject', 'like', 'Disposition%').execute();
    expect(mail).toEqual([{ subject: `Disposition of your response ${f.trackingNumber}`, text_body: expect.stringContaining(WORDS.rationale) }]);
    expect(await audits(f.id, 'disposition.issued')).toEqual([expect.objectContaining({ data: expect.objectContaining({ before: { status: 'in_review' }, after: { status: 'decided' } }) })]);
  });

  it('when an issued disposition is edited through the API, then 409 disposition_issued; by direct SQL as the app role, the trigger refuses', async () => {
    const f = await inReview();
    await issueThrough(t, f.id, reviewer, supA.token);
    const res = await putDisposition(t, reviewer, f.id, { ...WORDS, rationale: 'Changed.' }, 1);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('disposition_issued');
    const [d] = await row(f.id);
    await expect(t.deps.db.updateTable('dispositions').set({ rationale: 'Tampered.' }).where('id', '=', d!.id).execute()).rejects.toThrow(/issued; its content cannot change/);
    await expect(t.deps.db.updateTable('dispositions').set({ status: 'draft' }).where('id', '=', d!.id).execute()).rejects.toThrow(/cannot move from issued to draft/);
    await expect(t.deps.db.deleteFrom('dispositions').where('id', '=', d!.id).execute()).rejects.toThrow();
    expect((await row(f.id))[0]).toMatchObject({ rationale: WORDS.rationale, status: 'issued' });
  });
});

describe('superseding', () => {
  it('when a correction is drafted, approved and issued, then the old one becomes superseded in the same step and the vendor is told why', async () => {
    const f = await inReview();
    await issueThrough(t, f.id, reviewer, supA.token);
    const [old] = await row(f.id);
    const draft = await step(t, reviewer, f.id, 'supersede', { outcome: 'partially_sustained', rationale: 'Argument 2 holds.', reason: 'Argument 2 was overlooked.' });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', version: 1, supersedesId: old!.id, supersedeReason: 'Argument 2 was overlooked.' });
    expect((await row(f.id))[0]!.status).toBe('issued'); // still in force until the correction is issued
    expect((await step(t, supB.token, f.id, 'approve')).status).toBe(200);
    const issued = await step(t, supB.token, f.id, 'issue');
    expect(issued.status).toBe(200);
    const rows = await row(f.id);
    expect(rows.map((r) => r.status)).toEqual(['superseded', 'issued']);
    expect(rows[0]!.rationale).toBe(WORDS.rationale);
    const mail = await t.deps.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', f.vendor.email).where('subject', 'like', 'Corrected disposition%').execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text_body).toContain('Argument 2 was overlooked.');
    expect(await audits(f.id, 'disposition.superseded')).toEqual([expect.objectContaining({ data: expect.objectContaining({ dispositionId: old!.id, supersededBy: draft.body.id }) })]);
    const history = await getDisposition(t, reviewer, f.id);
    expect(history.body).toMatchObject({ pending: null, issued: { id: draft.body.id }, history: [{ status: 'superseded' }, { status: 'issued' }] });
  });

  it('when a submission is not decided, then supersede is 422 naming the allowed moves; a second pending correction is 409', async () => {
    const f = await inReview();
    const early = await step(t, reviewer, f.id, 'supersede', { ...WORDS, reason: 'x' });
    expect(early.status).toBe(422);
    expect(early.body.error).toMatchObject({ code: 'invalid_transition', details: [{ state: 'none', allowed: ['draft'] }] });
    await issueThrough(t, f.id, reviewer, supA.token);
    expect((await step(t, reviewer, f.id, 'supersede', { ...WORDS, reason: 'x' })).status).toBe(201);
    const again = await step(t, reviewer, f.id, 'supersede', { ...WORDS, reason: 'y' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('correction_pending');
  });
});

describe('who may see it', () => {
  it('when staff recused from the organization ask, then 404 on every disposition route, each refusal audited', async () => {
    const f = await inReview();
    await putDisposition(t, reviewer, f.id);
    const recused = await staffWithToken(t, 'supervisor');
    // The conflicts API is another area's; a declared conflict is this row.
    await t.deps.db.insertInto('conflicts').values({ user_id: recused.user.id, organization_id: f.organizationId, kind: 'competitor', statement: 'We compete.', ended_at: null }).execute();
    const answers = [
      await getDisposition(t, recused.token, f.id), await getDisposition(t, recused.token, f.id, '/preview'),
      await putDisposition(t, recused.token, f.id, WORDS, 1), await step(t, recused.token, f.id, 'approve'), await step(t, recused.token, f.id, 'issue'),
    ];
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    const denied = await t.deps.db.selectFrom('audit_events').select('data').where('actor_id', '=', recused.user.id).where('action', '=', 'access.denied').execute();
    expect(denied).toHaveLength(5);
    expect((await row(f.id))[0]).toMatchObject({ status: 'draft', version: 1 });
  });

  it('when the vendor who filed it calls the staff routes, then 404 (as if nothing existed) and nothing changes', async () => {
    const f = await inReview();
    await putDisposition(t, reviewer, f.id);
    const v = f.vendorToken;
    const answers = [await getDisposition(t, v, f.id), await getDisposition(t, v, f.id, '/preview'), await putDisposition(t, v, f.id, WORDS, 1),
      await step(t, v, f.id, 'approve'), await step(t, v, f.id, 'issue'), await step(t, v, f.id, 'supersede', { ...WORDS, reason: 'x' })];
    expect(answers.map((r) => [r.status, r.body.error?.code])).toEqual(Array(6).fill([404, 'not_found']));
    expect((await row(f.id))[0]).toMatchObject({ status: 'draft', version: 1 });
  });
});
