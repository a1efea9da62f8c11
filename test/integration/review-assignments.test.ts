import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, type TestUser } from '../helpers/factories';
import { fileResponse, staffWithToken, type Filed } from '../helpers/filings';
import { signInBrowser } from '../helpers/session';
import { remindAssignments } from '../../server/review/assignments.reminders';

/** Triage (docs/review-triage.md): assignments, reassignment, auto-assignment, priority and tags, reminders. */
let t: TestApp;
let supervisor: { user: TestUser; token: string };
let reviewer: { user: TestUser; token: string };
beforeAll(async () => {
  t = await startTestApp();
  supervisor = await staffWithToken(t, 'supervisor');
  reviewer = await staffWithToken(t, 'reviewer');
});
afterAll(async () => { await t.close(); });

const HOUR = 3_600_000;
const inDays = (d: number) => new Date(Date.now() + d * 24 * HOUR).toISOString();
const as = (r: request.Test, bearer: string) => r.set('Authorization', `Bearer ${bearer}`);
const assign = (id: string, body: object, bearer = supervisor.token) =>
  as(request(t.app).post(`/api/v1/submissions/${id}/assignments`), bearer).send(body);
const autoAssign = (docket: string, body: object, bearer = supervisor.token) =>
  as(request(t.app).post(`/api/v1/proceedings/${docket}/auto-assign`), bearer).send(body);
const triage = (id: string, body: object, bearer = supervisor.token) =>
  as(request(t.app).patch(`/api/v1/submissions/${id}/triage`), bearer).send(body);

const audits = (action: string, subjectId: string) => t.deps.db.selectFrom('audit_events').select(['data', 'actor_id'])
  .where('action', '=', action).where('subject_id', '=', subjectId).orderBy('seq').execute();
const statusOf = async (id: string) => (await t.deps.db.selectFrom('submissions').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const mailTo = (email: string) => t.deps.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', email).orderBy('created_at').execute();
const declare = (userId: string, organizationId: string, kind: 'competitor' | 'financial_interest' = 'competitor') =>
  t.deps.db.insertInto('conflicts').values({ user_id: userId, organization_id: organizationId, kind, statement: 'I consult for their main rival, Zeta Corp.' })
    .returning(['id', 'declared_at']).executeTakeFirstOrThrow();

describe('assigning a reviewer', () => {
  it('when a supervisor assigns the first reviewer, then 201, the submission moves to in_review, both events are audited and the reviewer is e-mailed', async () => {
    const filed = await fileResponse(t);
    const r = await staffWithToken(t, 'reviewer');
    const dueAt = inDays(5);

    const res = await assign(filed.id, { reviewerId: r.user.id, dueAt });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ submissionId: filed.id, reviewerId: r.user.id, assignedBy: supervisor.user.id, dueAt, open: true, submissionStatus: 'in_review' });
    expect(await statusOf(filed.id)).toBe('in_review');
    expect(await audits('assignment.created', filed.id)).toEqual([{ actor_id: supervisor.user.id, data: expect.objectContaining({ assignmentId: res.body.id, reviewerId: r.user.id, dueAt }) }]);
    expect(await audits('submission.review_started', filed.id)).toEqual([{ actor_id: supervisor.user.id, data: expect.objectContaining({ before: { status: 'submitted' }, after: { status: 'in_review' } }) }]);
    const mail = await mailTo(r.user.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Assigned to you: ${filed.trackingNumber}`);
    expect(mail[0]!.text_body).toContain(`/review/submissions/${filed.id}`);
    expect(mail[0]!.text_body).not.toContain('The directive rests on no evidence');
  });

  it('when a second reviewer is assigned, then the submission stays in_review and review_started is not recorded again', async () => {
    const filed = await fileResponse(t);
    expect((await assign(filed.id, { reviewerId: reviewer.user.id, dueAt: inDays(3) })).status).toBe(201);
    const second = await staffWithToken(t, 'supervisor');

    const res = await assign(filed.id, { reviewerId: second.user.id, dueAt: inDays(4) });

    expect(res.status).toBe(201);
    expect(res.body.submissionStatus).toBe('in_review');
    expect(await audits('submission.review_started', filed.id)).toHaveLength(1);
    expect(await audits('assignment.created', filed.id)).toHaveLength(2);
  });

  it('when the same reviewer is assigned again, then 409 already_assigned and nothing is added', async () => {
    const filed = await fileResponse(t);
    expect((await assign(filed.id, { reviewerId: reviewer.user.id, dueAt: inDays(3) })).status).toBe(201);

    const res = await assign(filed.id, { reviewerId: reviewer.user.id, dueAt: inDays(6) });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_assigned');
    expect(await audits('assignment.created', filed.id)).toHaveLength(1);
  });

  it('when the reviewer declared a conflict with the organization, then 409 reviewer_conflicted names its kind and date (not the statement), the refusal is audited and nothing is written', async () => {
    const filed = await fileResponse(t);
    const r = await staffWithToken(t, 'reviewer');
    const c = await declare(r.user.id, filed.organizationId, 'financial_interest');

    const res = await assign(filed.id, { reviewerId: r.user.id, dueAt: inDays(3) });

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('reviewer_conflicted');
    expect(res.body.error.message).toContain('financial interest');
    expect(res.body.error.message).toContain(c.declared_at.toISOString().slice(0, 10));
    expect(res.body.error.details).toEqual([{ field: 'reviewerId', conflictKind: 'financial_interest', declaredAt: c.declared_at.toISOString() }]);
    expect(JSON.stringify(res.body)).not.toContain('Zeta');
    expect(await audits('assignment.refused', filed.id)).toEqual([{ actor_id: supervisor.user.id, data: expect.objectContaining({ reason: 'reviewer_conflicted', reviewerId: r.user.id, conflictId: c.id }) }]);
    expect(await t.deps.db.selectFrom('assignments').select('id').where('submission_id', '=', filed.id).execute()).toEqual([]);
    expect(await statusOf(filed.id)).toBe('submitted');
    expect(await mailTo(r.user.email)).toEqual([]);
  });

  it('when a reviewer, a vendor or an administrator assigns, then 403 audited and nothing is written', async () => {
    const filed = await fileResponse(t);
    const admin = await staffWithToken(t, 'admin');
    const body = { reviewerId: reviewer.user.id, dueAt: inDays(3) };

    for (const bearer of [reviewer.token, filed.vendorToken, admin.token]) expect((await assign(filed.id, body, bearer)).status).toBe(403);

    const denied = await t.deps.db.selectFrom('audit_events').select('actor_id').where('action', '=', 'access.denied')
      .where('subject_id', '=', 'POST /api/v1/submissions/:id/assignments').where('actor_id', 'in', [reviewer.user.id, filed.vendor.id, admin.user.id]).execute();
    expect(denied).toHaveLength(3);
    expect(await statusOf(filed.id)).toBe('submitted');
  });

  it('when the reviewer is not an active reviewing account or the due date has passed, then 422 with a stable code', async () => {
    const filed = await fileResponse(t);
    const legal = await buildUser(t.deps, { role: 'legal' });
    const disabled = await buildUser(t.deps, { role: 'reviewer' });
    await t.deps.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', disabled.id).execute();

    for (const reviewerId of [legal.id, disabled.id, filed.vendor.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await assign(filed.id, { reviewerId, dueAt: inDays(3) });
      expect([res.status, res.body.error.code]).toEqual([422, 'reviewer_not_eligible']);
    }
    const past = await assign(filed.id, { reviewerId: reviewer.user.id, dueAt: new Date(Date.now() - HOUR).toISOString() });
    expect([past.status, past.body.error.code]).toEqual([422, 'invalid_due_date']);
    expect(await statusOf(filed.id)).toBe('submitted');
  });

  it('when the submission was withdrawn, then 422 submission_closed naming the state', async () => {
    const filed = await fileResponse(t);
    const w = await as(request(t.app).post(`/api/v1/submissions/${filed.id}/withdraw`), filed.vendorToken).send({ reason: 'Settled.' });
    expect(w.status).toBe(200);

    const res = await assign(filed.id, { reviewerId: reviewer.user.id, dueAt: inDays(3) });

    expect([res.status, res.body.error.code]).toEqual([422, 'submission_closed']);
    expect(res.body.error.message).toContain('withdrawn');
  });

  it('when the supervisor is recused from the organization, then the audited 404 and nothing is written', async () => {
    const filed = await fileResponse(t);
    const recused = await staffWithToken(t, 'supervisor');
    await declare(recused.user.id, filed.organizationId);

    const res = await assign(filed.id, { reviewerId: reviewer.user.id, dueAt: inDays(3) }, recused.token);

    expect(res.status).toBe(404);
    const denied = await t.deps.db.selectFrom('audit_events').select('data').where('action', '=', 'access.denied')
      .where('subject_id', '=', filed.id).where('actor_id', '=', recused.user.id).execute();
    expect(denied).toEqual([{ data: expect.objectContaining({ decision: 'submission.see' }) }]);
    expect(await statusOf(filed.id)).toBe('submitted');
  });
});

describe('ending and listing assignments', () => {
  it('when a supervisor ends an assignment and assigns another reviewer, then the first is ended (audited) and both are listed', async () => {
    const filed = await fileResponse(t);
    const first = (await assign(filed.id, { reviewerId: reviewer.user.id, dueAt: inDays(3) })).body.id as string;
    const other = await staffWithToken(t, 'reviewer');

    const ended = await as(request(t.app).delete(`/api/v1/submissions/${filed.id}/assignments/${first}`), supervisor.token);
    const again = await as(request(t.app).delete(`/api/v1/submissions/${filed.id}/assignments/${first}`), supervisor.token);
    expect((await assign(filed.id, { reviewerId: other.user.id, dueAt: inDays(4) })).status).toBe(201);

    expect(ended.status).toBe(204);
    expect([again.status, again.body.error.code]).toEqual([409, 'assignment_ended']);
    expect(await audits('assignment.ended', filed.id)).toEqual([{ actor_id: supervisor.user.id, data: { assignmentId: first, reviewerId: reviewer.user.id } }]);
    const list = await as(request(t.app).get(`/api/v1/submissions/${filed.id}/assignments`), reviewer.token);
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { reviewerId: string; open: boolean; endedBy: string | null }) => [a.reviewerId, a.open, a.endedBy]))
      .toEqual([[other.user.id, true, null], [reviewer.user.id, false, supervisor.user.id]]);
    expect(await audits('submission.review_started', filed.id)).toHaveLength(1);
  });

  it('when the vendor lists assignments or a reviewer ends one, then 403 and the assignment stays open', async () => {
    const filed = await fileResponse(t);
    const id = (await assign(filed.id, { reviewerId: reviewer.user.id, dueAt: inDays(3) })).body.id as string;

    expect((await as(request(t.app).get(`/api/v1/submissions/${filed.id}/assignments`), filed.vendorToken)).status).toBe(403);
    expect((await as(request(t.app).delete(`/api/v1/submissions/${filed.id}/assignments/${id}`), reviewer.token)).status).toBe(403);
    const row = await t.deps.db.selectFrom('assignments').select('ended_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.ended_at).toBeNull();
  });

  it('when a recused supervisor ends an assignment (API or page) or a reviewer uses the page, then the audited 404 / 403 and it stays open', async () => {
    const filed = await fileResponse(t);
    const id = (await assign(filed.id, { reviewerId: reviewer.user.id, dueAt: inDays(3) })).body.id as string;
    const recused = await staffWithToken(t, 'supervisor');
    await declare(recused.user.id, filed.organizationId);
    const recusedPageUser = await buildUser(t.deps, { role: 'supervisor' });
    await declare(recusedPageUser.id, filed.organizationId);
    const [recusedPage, reviewerPage] = [await signInBrowser(t.app, recusedPageUser), await signInBrowser(t.app, await buildUser(t.deps, { role: 'reviewer' }))];
    const endPage = (s: typeof recusedPage) => s.agent.post(`/review/submissions/${filed.id}/assignments/${id}/end`).type('form').send({ _csrf: s.csrf });

    const api = await as(request(t.app).delete(`/api/v1/submissions/${filed.id}/assignments/${id}`), recused.token);
    const page = await endPage(recusedPage);
    const byReviewer = await endPage(reviewerPage);

    expect([api.status, page.status, byReviewer.status]).toEqual([404, 404, 403]);
    const denied = await t.deps.db.selectFrom('audit_events').select(['subject_id']).where('action', '=', 'access.denied')
      .where('subject_id', 'in', [filed.id, 'POST /review/submissions/:id/assignments/:assignmentId/end']).execute();
    expect(denied.map((d) => d.subject_id).sort()).toEqual([filed.id, filed.id, 'POST /review/submissions/:id/assignments/:assignmentId/end'].sort());
    expect((await t.deps.db.selectFrom('assignments').select('ended_at').where('id', '=', id).executeTakeFirstOrThrow()).ended_at).toBeNull();
  });
});

describe('the assign page', () => {
  it('when a recused supervisor opens the page of another submission, then reviewers\' open work leaves out the recused organization', async () => {
    const [hidden, shown, target] = [await fileResponse(t), await fileResponse(t), await fileResponse(t)];
    const r = await buildUser(t.deps, { role: 'reviewer' });
    for (const f of [hidden, shown]) expect((await assign(f.id, { reviewerId: r.id, dueAt: inDays(4) })).status).toBe(201);
    const recused = await buildUser(t.deps, { role: 'supervisor' });
    await declare(recused.id, hidden.organizationId);
    const { agent } = await signInBrowser(t.app, recused);

    const page = await agent.get(`/review/submissions/${target.id}/assign`);

    expect(page.status).toBe(200);
    expect(page.text).toContain(`${r.name} (1 open)`);
  });
});

/** A docket with `n` responses, each from its own organization. */
async function docketWith(n: number): Promise<{ proceeding: { id: string; docket: string }; filed: Filed[] }> {
  const proceeding = await buildProceeding(t.deps);
  const filed: Filed[] = [];
  for (let i = 0; i < n; i += 1) filed.push(await fileResponse(t, { proceeding }));
  return { proceeding, filed };
}
const openAssignees = async (ids: string[]) => t.deps.db.selectFrom('assignments').select(['submission_id', 'reviewer_id'])
  .where('submission_id', 'in', ids).where('ended_at', 'is', null).execute();

describe('automatic assignment', () => {
  it('when auto-assign runs, then each submission goes to the least-loaded eligible reviewer, conflicted reviewers are skipped and ties break by name', async () => {
    const { proceeding, filed } = await docketWith(4);
    const [a, b, c] = [await buildUser(t.deps, { role: 'reviewer' }), await buildUser(t.deps, { role: 'reviewer' }), await buildUser(t.deps, { role: 'reviewer' })];
    for (const [u, name] of [[a, 'Avery Auto'], [b, 'Blake Auto'], [c, 'Casey Auto']] as const) {
      await t.deps.db.updateTable('users').set({ name }).where('id', '=', u.id).execute();
    }
    const elsewhere = await fileResponse(t);
    expect((await assign(elsewhere.id, { reviewerId: a.id, dueAt: inDays(9) })).status).toBe(201); // Avery starts with one open
    await declare(c.id, filed[0]!.organizationId);

    const res = await autoAssign(proceeding.docket, { dueAt: inDays(7), reviewerIds: [c.id, b.id, a.id] });

    // Loads A1 B0 C0: #0 (C conflicted) -> B; #1 -> C (0); #2 all at 1 -> Avery by name; #3 A2 B1 C1 -> Blake by name.
    expect(res.status).toBe(200);
    expect(res.body.assigned.map((x: { submissionId: string; reviewerId: string }) => [x.submissionId, x.reviewerId]))
      .toEqual([[filed[0]!.id, b.id], [filed[1]!.id, c.id], [filed[2]!.id, a.id], [filed[3]!.id, b.id]]);
    expect(res.body.unassigned).toEqual([]);
    for (const f of filed) expect(await statusOf(f.id)).toBe('in_review');
    expect(await mailTo(b.email)).toHaveLength(2);
  });

  it('when workloads are skewed, then only open assignments on submissions still under review count, in every proceeding; conflicts are skipped and equal loads break by name, then id', async () => {
    const { proceeding, filed } = await docketWith(4);
    const reviewers = [];
    for (let i = 0; i < 5; i += 1) reviewers.push(await buildUser(t.deps, { role: 'reviewer' }));
    const [a, e, b, c, d] = reviewers as [TestUser, TestUser, TestUser, TestUser, TestUser];
    for (const [u, name] of [[a, 'Avery Skew'], [e, 'Avery Skew'], [b, 'Abbey Skew'], [c, 'Aaron Skew'], [d, 'Dana Skew']] as const) {
      await t.deps.db.updateTable('users').set({ name }).where('id', '=', u.id).execute();
    }
    const [lo, hi] = a.id < e.id ? [a, e] : [e, a]; // same name: the lower id comes first
    const openOn = async (reviewerId: string, closeAs?: 'decided' | 'withdrawn') => {
      const f = await fileResponse(t); // each in a proceeding of its own
      expect((await assign(f.id, { reviewerId, dueAt: inDays(9) })).status).toBe(201);
      if (closeAs === 'withdrawn') await as(request(t.app).post(`/api/v1/submissions/${f.id}/withdraw`), f.vendorToken).send({ reason: 'Settled.' }).expect(200);
      if (closeAs === 'decided') await t.deps.db.updateTable('submissions').set({ status: 'decided' }).where('id', '=', f.id).execute();
    };
    // Avery (a) has three open assignments, all on closed submissions: no workload. Abbey two and Aaron one under review elsewhere.
    await openOn(a.id, 'decided');
    await openOn(a.id, 'decided');
    await openOn(a.id, 'withdrawn');
    await openOn(b.id);
    await openOn(b.id);
    await openOn(c.id);
    await declare(c.id, filed[3]!.organizationId);

    const res = await autoAssign(proceeding.docket, { dueAt: inDays(7), reviewerIds: [d.id, c.id, b.id, e.id, a.id] });

    // Loads: Aaron 1, Abbey 2, Avery(lo) 0, Avery(hi) 0, Dana 0.
    // #0 -> Avery lo (name, then id); #1 -> Avery hi; #2 -> Dana (the last at 0); #3: all but Abbey at 1, Aaron first by name
    // but conflicted with #3's organization -> Avery lo.
    expect(res.status).toBe(200);
    expect(res.body.assigned.map((x: { submissionId: string; reviewerId: string }) => [x.submissionId, x.reviewerId]))
      .toEqual([[filed[0]!.id, lo.id], [filed[1]!.id, hi.id], [filed[2]!.id, d.id], [filed[3]!.id, lo.id]]);
    // The assign page shows the same workload the run balanced.
    const { agent } = await signInBrowser(t.app, await buildUser(t.deps, { role: 'supervisor' }));
    const page = await agent.get(`/review/submissions/${(await fileResponse(t)).id}/assign`);
    expect(page.text).toContain('Aaron Skew (1 open)');
    expect(page.text).toContain('Abbey Skew (2 open)');
    expect(page.text).toContain('Dana Skew (1 open)');
  });

  it('when two auto-assign runs start at once, then every submission is assigned exactly once', async () => {
    const { proceeding, filed } = await docketWith(5);
    const [a, b] = [await buildUser(t.deps, { role: 'reviewer' }), await buildUser(t.deps, { role: 'reviewer' })];
    const body = { dueAt: inDays(7), reviewerIds: [a.id, b.id] };

    const [one, two] = await Promise.all([autoAssign(proceeding.docket, body), autoAssign(proceeding.docket, body)]);

    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.assigned.length + two.body.assigned.length).toBe(5);
    const rows = await openAssignees(filed.map((f) => f.id));
    expect(rows.map((r) => r.submission_id).sort()).toEqual(filed.map((f) => f.id).sort());
    for (const f of filed) expect(await audits('submission.review_started', f.id)).toHaveLength(1);
  });

  it('when every reviewer is conflicted with one organization, then that submission is reported unassigned and the others are assigned', async () => {
    const { proceeding, filed } = await docketWith(2);
    const a = await buildUser(t.deps, { role: 'reviewer' });
    await declare(a.id, filed[1]!.organizationId);

    const res = await autoAssign(proceeding.docket, { dueAt: inDays(7), reviewerIds: [a.id] });

    expect(res.body.assigned.map((x: { submissionId: string }) => x.submissionId)).toEqual([filed[0]!.id]);
    expect(res.body.unassigned).toEqual([{ submissionId: filed[1]!.id, trackingNumber: filed[1]!.trackingNumber, reason: 'no_eligible_reviewer' }]);
    expect(await statusOf(filed[1]!.id)).toBe('submitted');
  });

  it('when the supervisor is recused from an organization, then its submission is left out of the run and of the answer', async () => {
    const { proceeding, filed } = await docketWith(2);
    const recused = await staffWithToken(t, 'supervisor');
    await declare(recused.user.id, filed[0]!.organizationId);
    const a = await buildUser(t.deps, { role: 'reviewer' });

    const res = await autoAssign(proceeding.docket, { dueAt: inDays(7), reviewerIds: [a.id] }, recused.token);

    expect(res.body.assigned.map((x: { submissionId: string }) => x.submissionId)).toEqual([filed[1]!.id]);
    expect(JSON.stringify(res.body)).not.toContain(filed[0]!.id);
    expect(await openAssignees([filed[0]!.id])).toEqual([]);
  });

  it('when a reviewer runs auto-assign or names an ineligible reviewer, then 403 / 422 and nothing is assigned', async () => {
    const { proceeding, filed } = await docketWith(1);
    expect((await autoAssign(proceeding.docket, { dueAt: inDays(7) }, reviewer.token)).status).toBe(403);
    const res = await autoAssign(proceeding.docket, { dueAt: inDays(7), reviewerIds: [filed[0]!.vendor.id] });
    expect([res.status, res.body.error.code]).toEqual([422, 'reviewer_not_eligible']);
    expect(await openAssignees([filed[0]!.id])).toEqual([]);
  });
});

describe('priority and tags', () => {
  it('when a supervisor sets priority and tags, then they are stored lowercased and deduplicated and audited with before and after', async () => {
    const filed = await fileResponse(t);

    const res = await triage(filed.id, { priority: 'urgent', tags: ['Cloud', 'cloud', ' export-ctl ', 'fy_27'] });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: filed.id, priority: 'urgent', tags: ['cloud', 'export-ctl', 'fy_27'] });
    expect(await audits('submission.triaged', filed.id)).toEqual([{ actor_id: supervisor.user.id, data: {
      before: { priority: 'normal', tags: [] }, after: { priority: 'urgent', tags: ['cloud', 'export-ctl', 'fy_27'] } } }]);
  });

  it('when a tag is malformed, there are more than 10, the priority is unknown or a reviewer triages, then a clear 4xx and nothing changes', async () => {
    const filed = await fileResponse(t);
    const cases: [object, string, number, string][] = [
      [{ tags: ['has space'] }, supervisor.token, 422, 'invalid_tag'],
      [{ tags: ['x'.repeat(41)] }, supervisor.token, 422, 'invalid_tag'],
      [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, supervisor.token, 422, 'too_many_tags'],
      [{ priority: 'critical' }, supervisor.token, 400, 'invalid_request'],
      [{}, supervisor.token, 400, 'invalid_request'],
      [{ priority: 'high' }, reviewer.token, 403, 'forbidden'],
    ];
    for (const [body, bearer, status, code] of cases) {
      const res = await triage(filed.id, body, bearer);
      expect([res.status, res.body.error.code]).toEqual([status, code]);
    }
    const row = await t.deps.db.selectFrom('submissions').select(['priority', 'tags']).where('id', '=', filed.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ priority: 'normal', tags: [] });
  });

  it('when the OpenAPI document is read, then the triage route is described with its schema (it is not in API.md)', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    const op = res.body.paths['/submissions/{id}/triage'].patch;
    expect(op.summary).toContain('submission.triaged');
    expect(op.requestBody.content['application/json'].schema.properties.priority.enum).toEqual(['low', 'normal', 'high', 'urgent']);
    expect(res.body.paths['/proceedings/{docket}/auto-assign'].post).toBeDefined();
  });
});

describe('reminders', () => {
  it('when the reminder task runs twice, then each reviewer gets one e-mail for their assignments due within 24 h and the second run sends nothing', async () => {
    const [x, y] = [await fileResponse(t), await fileResponse(t)];
    const r = await buildUser(t.deps, { role: 'reviewer' });
    const later = await fileResponse(t);
    for (const f of [x, y]) expect((await assign(f.id, { reviewerId: r.id, dueAt: new Date(Date.now() + 5 * HOUR).toISOString() })).status).toBe(201);
    expect((await assign(later.id, { reviewerId: r.id, dueAt: inDays(3) })).status).toBe(201);
    const env = { publicUrl: t.deps.config.publicUrl, mailDomain: 'portal.example.test' };
    const before = (await mailTo(r.email)).length;

    const first = await remindAssignments(t.deps.db, env);
    const second = await remindAssignments(t.deps.db, env);

    expect(first).toEqual({ reviewers: 1, assignments: 2 });
    expect(second).toEqual({ reviewers: 0, assignments: 0 });
    const reminders = (await mailTo(r.email)).slice(before);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.subject).toBe('2 reviews due soon');
    expect(reminders[0]!.text_body).toContain(x.trackingNumber);
    expect(reminders[0]!.text_body).toContain(y.trackingNumber);
    expect(reminders[0]!.text_body).not.toContain(later.trackingNumber);
    const marked = await t.deps.db.selectFrom('assignments').select(['submission_id', 'reminder_sent_at']).where('reviewer_id', '=', r.id).execute();
    expect(marked.filter((m) => m.reminder_sent_at !== null).map((m) => m.submission_id).sort()).toEqual([x.id, y.id].sort());
    const jobs = await t.deps.db.selectFrom('outbox').select('id').where('to_address', '=', r.email).where('subject', '=', '2 reviews due soon').execute();
    expect(jobs).toHaveLength(1);
  });
});

