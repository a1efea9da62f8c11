import { rmSync } from 'node:fs';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildOrganization, buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { fileResponse, staffWithToken, type Filed } from '../helpers/filings';
import { signInBrowser } from '../helpers/session';
import { tempUploadsDir } from '../fixtures/upload-client';
import { OBJECT_ROUTES, type Caller, type RouteCase, type Target } from '../fixtures/object-routes';
import { declareConflictSchema } from '../../server/accounts/conflicts.schemas';

/**
 * Conflicts of interest (issue 9, docs/review-conflicts.md): staff declare, list and end their own;
 * while one is active the organization's submissions, supplements and replies are a 404 to them on
 * every route (audited as a recusal) and missing from every list; ending it restores them.
 */
let t: TestApp;
let uploads: string;
let proceeding: { id: string; docket: string };
let x: Filed; // the organization the recused reviewers declared a conflict with
let y: Filed; // another organization, which stays visible
let recused: { api: TestUser; page: TestUser; caller: Caller };
let plain: { user: TestUser; token: string };

type Method = 'get' | 'post' | 'patch' | 'delete';
const bearer = (token: string) => (m: Method, url: string) => request(t.app)[m](url).set('Authorization', `Bearer ${token}`);
const DAY = 86_400_000;
const declare = (token: string, body: object) => bearer(token)('post', '/api/v1/conflicts').send(body);
const statement = 'My spouse holds shares in this company.';
const headSeq = async () => Number((await t.deps.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst())?.seq ?? 0);
const eventsSince = (seq: number, actorId: string, action = 'access.denied') => t.deps.db.selectFrom('audit_events')
  .select(['subject_type', 'subject_id', 'data']).where('action', '=', action).where('actor_id', '=', actorId).where('seq', '>', String(seq)).execute();
const conflictRows = (userId: string) => t.deps.db.selectFrom('conflicts').selectAll().where('user_id', '=', userId).execute();

/** A fresh filed response of `x`'s organization with one document (as staff-access.test.ts builds them). */
async function targetOfX(): Promise<Target> {
  const res = await bearer(x.vendorToken)('post', `/api/v1/proceedings/${proceeding.docket}/submissions`).send({ title: 'Another response of X', argument: '1. An argument.' });
  expect(res.status).toBe(201);
  const document = await buildDocumentRow(t.deps, res.body.id, x.vendor.id);
  await bearer(x.vendorToken)('post', `/api/v1/submissions/${res.body.id}/submit`).send({ certification: { accepted: true, signature: 'X Filer' } }).expect(200);
  return { submission: res.body.id as string, document, docket: proceeding.docket };
}

beforeAll(async () => {
  uploads = tempUploadsDir();
  t = await startTestApp({ env: { UPLOADS_DIR: uploads } });
  proceeding = await buildProceeding(t.deps);
  x = await fileResponse(t, { proceeding, title: 'Response of Xylo Systems' });
  y = await fileResponse(t, { proceeding, title: 'Response of Yonder Labs' });
  await t.deps.db.updateTable('organizations').set({ legal_name: 'Yonder Labs Inc' }).where('id', '=', y.organizationId).execute();
  plain = await staffWithToken(t, 'reviewer');
  // One account per face: an authenticator code works once, so the token and the browser sign in apart.
  const [apiUser, pageUser] = [await buildUser(t.deps, { role: 'reviewer' }), await buildUser(t.deps, { role: 'reviewer' })];
  const token = await tokenFor(t.app, apiUser);
  const { agent, csrf } = await signInBrowser(t.app, pageUser);
  recused = { api: apiUser, page: pageUser, caller: { api: bearer(token), page: (m, url) => agent[m](url), csrf } };
  expect((await declare(token, { organizationId: x.organizationId, kind: 'competitor', statement })).status).toBe(201);
  const declared = await agent.post('/account/conflicts').type('form').send({ _csrf: csrf, organizationId: x.organizationId, kind: 'prior_employment', statement: 'I worked there until 2025.' });
  expect(declared.status).toBe(303);
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
});

describe('declaring', () => {
  it('when a reviewer declares a conflict, then 201 with the trimmed statement, the row and its conflict.declared event are stored, and GET lists it as active', async () => {
    const { user, token } = await staffWithToken(t, 'reviewer');
    const res = await declare(token, { organizationId: y.organizationId, kind: 'financial_interest', statement: `  ${statement}\n` });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ organizationId: y.organizationId, kind: 'financial_interest', statement, endedAt: null, active: true, organizationName: expect.any(String) });
    expect(await conflictRows(user.id)).toEqual([expect.objectContaining({ id: res.body.id, statement, ended_at: null })]);
    const events = await t.deps.db.selectFrom('audit_events').select(['actor_id', 'data']).where('action', '=', 'conflict.declared').where('subject_id', '=', res.body.id).execute();
    expect(events).toEqual([{ actor_id: user.id, data: expect.objectContaining({ organizationId: y.organizationId, kind: 'financial_interest', statement }) }]);
    const list = await bearer(token)('get', '/api/v1/conflicts');
    expect(list.body).toEqual({ items: [res.body], nextCursor: null });
  });

  it.each(['supervisor', 'legal', 'admin'] as const)('when a %s declares one, then it is accepted (every staff role may be conflicted)', async (role) => {
    const { token } = await staffWithToken(t, role);
    expect((await declare(token, { organizationId: x.organizationId, kind: 'other', statement })).status).toBe(201);
  });

  it.each([
    ['a blank statement', 400, 'invalid_statement', { kind: 'other', statement: '   \n ' }],
    ['a statement over 5000 characters', 400, 'invalid_request', { kind: 'other', statement: 'a'.repeat(5001) }],
    ['an unknown kind', 400, 'invalid_request', { kind: 'rivalry', statement }],
    ['an extra field', 400, 'unknown_field', { kind: 'other', statement, since: '2020' }],
  ])('when the declaration has %s, then %i %s and nothing is stored', async (_name, status, code, body) => {
    const { user, token } = await staffWithToken(t, 'reviewer');
    const res = await declare(token, { organizationId: x.organizationId, ...body });
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    expect(await conflictRows(user.id)).toEqual([]);
  });

  it('when the organization does not exist, then 422 unknown_organization and nothing is stored', async () => {
    const { user, token } = await staffWithToken(t, 'reviewer');
    const res = await declare(token, { organizationId: '7f000000-0000-4000-8000-000000000001', kind: 'other', statement });
    expect([res.status, res.body.error.code]).toEqual([422, 'unknown_organization']);
    expect(await conflictRows(user.id)).toEqual([]);
  });

  it('when an active conflict with the organization exists (even two sent at once), then 409 names it; once ended, a new one is accepted', async () => {
    const { user, token } = await staffWithToken(t, 'reviewer');
    const both = await Promise.all([1, 2].map(() => declare(token, { organizationId: x.organizationId, kind: 'other', statement })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const [won, lost] = both[0]!.status === 201 ? both : [both[1]!, both[0]!];
    expect(lost!.body.error).toMatchObject({ code: 'conflict_already_declared', details: [{ conflictId: won!.body.id }] });
    expect(lost!.body.error.message).toContain(won!.body.id);
    expect(await conflictRows(user.id)).toHaveLength(1);
    await bearer(token)('delete', `/api/v1/conflicts/${won!.body.id}`).expect(200);
    expect((await declare(token, { organizationId: x.organizationId, kind: 'other', statement })).status).toBe(201);
  });

  it('when a vendor declares, lists or ends a conflict, then 403, audited, and nothing is stored', async () => {
    const seq = await headSeq();
    const calls = [declare(x.vendorToken, { organizationId: y.organizationId, kind: 'other', statement }),
      bearer(x.vendorToken)('get', '/api/v1/conflicts'), bearer(x.vendorToken)('delete', '/api/v1/conflicts/7f000000-0000-4000-8000-000000000001')];
    for (const res of await Promise.all(calls)) expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
    expect((await eventsSince(seq, x.vendor.id)).map((d) => d.subject_id).sort()).toEqual(['DELETE /api/v1/conflicts/:id', 'GET /api/v1/conflicts', 'POST /api/v1/conflicts']);
    expect(await conflictRows(x.vendor.id)).toEqual([]);
  });

  it('when the OpenAPI document is read, then the declaration is described by the schema that validates it, with every conflict route', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json')).body;
    expect(doc.paths['/conflicts'].post.requestBody.content['application/json'].schema).toEqual(JSON.parse(JSON.stringify(declareConflictSchema)));
    expect(doc.paths['/conflicts'].get['x-roles']).toEqual(['reviewer', 'supervisor', 'legal', 'admin']);
    expect(Object.keys(doc.paths['/conflicts/{id}'])).toEqual(['delete']);
    expect(doc.paths['/organizations'].get.summary).toContain('Names only');
  });
});

describe('ending', () => {
  it('when the declarer ends it, then 200 with endedAt, the row stays, conflict.ended is audited, and ending it again is 409', async () => {
    const { user, token } = await staffWithToken(t, 'reviewer');
    const made = await declare(token, { organizationId: y.organizationId, kind: 'other', statement });
    const res = await bearer(token)('delete', `/api/v1/conflicts/${made.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: made.body.id, active: false, endedAt: expect.any(String) });
    expect(await conflictRows(user.id)).toEqual([expect.objectContaining({ id: made.body.id, ended_at: expect.any(Date) })]);
    const events = await t.deps.db.selectFrom('audit_events').select('actor_id').where('action', '=', 'conflict.ended').where('subject_id', '=', made.body.id).execute();
    expect(events).toEqual([{ actor_id: user.id }]);
    const again = await bearer(token)('delete', `/api/v1/conflicts/${made.body.id}`);
    expect([again.status, again.body.error.code]).toEqual([409, 'conflict_already_ended']);
    expect((await bearer(token)('get', '/api/v1/conflicts')).body.items).toEqual([expect.objectContaining({ id: made.body.id, active: false })]);
  });

  it('when someone else ends a person\'s conflict, then 404 as for an unknown id, audited, and the conflict stays active', async () => {
    const owner = await staffWithToken(t, 'reviewer');
    const other = await staffWithToken(t, 'supervisor');
    const made = await declare(owner.token, { organizationId: y.organizationId, kind: 'other', statement });
    const seq = await headSeq();
    const res = await bearer(other.token)('delete', `/api/v1/conflicts/${made.body.id}`);
    expect([res.status, res.body.error.code]).toEqual([404, 'not_found']);
    expect(await eventsSince(seq, other.user.id)).toEqual([{ subject_type: 'conflict', subject_id: made.body.id, data: expect.objectContaining({ decision: 'conflict.end' }) }]);
    expect(await conflictRows(owner.user.id)).toEqual([expect.objectContaining({ ended_at: null })]);
    expect((await bearer(other.token)('get', '/api/v1/conflicts')).body.items).toEqual([]);
  });
});

describe('naming the organization', () => {
  it('when staff search organizations, then only those with a filed submission match by name (wildcards literal) or UEI, names only, recused ones included', async () => {
    const draftOnly = await buildOrganization(t.deps, { legalName: 'Xylo Drafts Only LLC' });
    const vendor = await buildUser(t.deps, { organizationId: draftOnly });
    await bearer(await tokenFor(t.app, vendor))('post', `/api/v1/proceedings/${proceeding.docket}/submissions`).send({ title: 'Unfiled', argument: '1. x' }).expect(201);
    await t.deps.db.updateTable('organizations').set({ legal_name: 'Xylo 100% Systems', uei: 'KL1234567890' }).where('id', '=', x.organizationId).execute();
    const search = (q: string) => recused.caller.api('get', `/api/v1/organizations?q=${encodeURIComponent(q)}`);
    const byName = await search('xylo');
    expect(byName.status).toBe(200);
    expect(byName.body.items).toEqual([{ id: x.organizationId, legalName: 'Xylo 100% Systems', country: 'US' }]);
    expect((await search('0%')).body.items.map((o: { id: string }) => o.id)).toEqual([x.organizationId]);
    expect((await search('%')).body.items.map((o: { id: string }) => o.id)).toEqual([x.organizationId]);
    expect((await search('_')).body.items).toEqual([]);
    expect((await search('kl1234567890')).body.items.map((o: { id: string }) => o.id)).toEqual([x.organizationId]);
    const all = await recused.caller.api('get', '/api/v1/organizations');
    expect(all.body.items.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([x.organizationId, y.organizationId]));
    expect(all.body.items.map((o: { id: string }) => o.id)).not.toContain(draftOnly);
  });

  it('when more than 20 organizations match, then 20 are returned; and a vendor searching gets 403, audited', async () => {
    for (let i = 0; i < 21; i += 1) await fileResponse(t, { proceeding });
    expect((await bearer(plain.token)('get', '/api/v1/organizations?q=acme')).body.items).toHaveLength(20);
    const seq = await headSeq();
    const res = await bearer(x.vendorToken)('get', '/api/v1/organizations?q=acme');
    expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
    expect((await eventsSince(seq, x.vendor.id)).map((d) => d.subject_id)).toEqual(['GET /api/v1/organizations']);
  }, 150_000); // 21 vendors sign up and file through the real API
});

/** True when the role is refused before any submission is looked at (the refusal names the route or the docket). */
const refusedAtRoute = (c: RouteCase, target: Target): boolean => c.subject !== undefined && c.subject(target, 'reviewer') !== target.submission;

/**
 * What the recused reviewer gets instead of what any reviewer gets on a filed submission of X: a
 * role refused at the route stays 403; everything that looks at the submission (an answer, a state
 * refusal like 422, an object-level 403) becomes 404, so a recusal tells nothing about the case.
 */
const recusedStatus = (c: RouteCase, target: Target): number => (c.onFiled('reviewer') === 403 && refusedAtRoute(c, target) ? 403 : 404);
const title = (c: RouteCase) => `${c.route}${c.variant ? ` (${c.variant})` : ''}`;

describe('recusal on every route about one submission', () => {
  it.each(OBJECT_ROUTES.map((c) => [title(c), c] as const))('when a recused reviewer calls %s on the organization\'s filing, then what a reader gets becomes 404, audited as a recusal (refusals stay refusals)', async (_name, c) => {
    const target = await targetOfX();
    const seq = await headSeq();
    const res = await c.send(recused.caller, target);
    expect(res.status).toBe(recusedStatus(c, target));
    if (recusedStatus(c, target) !== 404 || c.onFiled('reviewer') === 404) return;
    if (res.type === 'application/json') expect(res.body.error.code).toBe('not_found');
    else expect(res.text).toContain('Error code: <code>not_found</code>');
    const denials = [...await eventsSince(seq, recused.api.id), ...await eventsSince(seq, recused.page.id)];
    expect(denials).toEqual([expect.objectContaining({ subject_id: (c.subject ?? ((s: Target) => s.submission))(target, 'reviewer'), data: expect.objectContaining({ reason: 'recused: declared conflict' }) })]);
  });

  it('when a reviewer without the conflict calls the same reads, then they are answered (the 404s above are the recusal, not the route)', async () => {
    const target = await targetOfX();
    for (const url of [`/api/v1/submissions/${target.submission}`, `/api/v1/documents/${target.document}/content`, `/api/v1/submissions/${target.submission}/receipt`]) {
      expect((await bearer(plain.token)('get', url)).status).toBe(200);
    }
  });
});

const ids = (res: request.Response) => res.body.items.map((s: { id: string }) => s.id);

describe('recusal in lists and of supplements and replies', () => {
  it.each([
    ['no filter', ''], ['the docket', 'docket=$D'], ['the state', 'status=submitted'], ['a search', 'q=Response%20of'], ['the organization', 'organizationId=$X'],
  ])('when a recused reviewer lists submissions by %s, then X\'s are missing and the others remain', async (_name, query) => {
    const qs = query.replace('$D', proceeding.docket).replace('$X', x.organizationId);
    const seen = ids(await recused.caller.api('get', `/api/v1/submissions?limit=200&${qs}`));
    const control = ids(await bearer(plain.token)('get', `/api/v1/submissions?limit=200&${qs}`));
    expect(control).toContain(x.id);
    expect(seen).not.toContain(x.id);
    if (!qs.startsWith('organizationId')) expect(seen).toContain(y.id);
    const page = await recused.caller.page('get', `/submissions?limit=200&${qs}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(x.id);
    if (!qs.startsWith('organizationId')) expect(page.text).toContain(y.id);
  });

  it('when X files a supplement and a reply to an information request, then both are hidden from the recused reviewer too (404, audited as a recusal)', async () => {
    const asked = await bearer(plain.token)('post', `/api/v1/submissions/${x.id}/information-requests`).send({ question: 'Which contracts?', dueAt: new Date(Date.now() + 3 * DAY).toISOString() });
    expect(asked.status).toBe(201);
    const children: string[] = [];
    for (const kind of ['supplement', 'reply_to_request']) {
      const made = await bearer(x.vendorToken)('post', `/api/v1/proceedings/${proceeding.docket}/submissions`).send({ kind, parentId: x.id, title: `X ${kind}`, argument: '1. More.' });
      expect(made.status).toBe(201);
      await bearer(x.vendorToken)('post', `/api/v1/submissions/${made.body.id}/submit`).send({ certification: { accepted: true, signature: 'X Filer' } }).expect(200);
      children.push(made.body.id as string);
    }
    for (const id of children) {
      expect((await bearer(plain.token)('get', `/api/v1/submissions/${id}`)).status).toBe(200);
      const seq = await headSeq();
      expect((await recused.caller.api('get', `/api/v1/submissions/${id}`)).status).toBe(404);
      expect(await eventsSince(seq, recused.api.id)).toEqual([expect.objectContaining({ subject_id: id, data: expect.objectContaining({ reason: 'recused: declared conflict' }) })]);
    }
    const listed = ids(await recused.caller.api('get', '/api/v1/submissions?limit=200'));
    expect(listed.filter((id: string) => children.includes(id))).toEqual([]);
  });

  it('when the reviewer ends the conflict, then X\'s submission and its place in the list come back', async () => {
    const { token } = await staffWithToken(t, 'reviewer');
    const made = await declare(token, { organizationId: x.organizationId, kind: 'other', statement });
    expect((await bearer(token)('get', `/api/v1/submissions/${x.id}`)).status).toBe(404);
    await bearer(token)('delete', `/api/v1/conflicts/${made.body.id}`).expect(200);
    expect((await bearer(token)('get', `/api/v1/submissions/${x.id}`)).status).toBe(200);
    expect(ids(await bearer(token)('get', '/api/v1/submissions?limit=200'))).toContain(x.id);
  });
});

describe('recusal from the organization itself', () => {
  it('when a recused reviewer asks for the organization\'s profile, then 404 exactly as for an unknown one, audited as a recusal; ending the conflict restores it', async () => {
    const { user, token } = await staffWithToken(t, 'reviewer');
    const made = await declare(token, { organizationId: x.organizationId, kind: 'financial_interest', statement });
    expect(made.status).toBe(201);
    const profile = `/api/v1/organizations/${x.organizationId}`;
    expect((await bearer(plain.token)('get', profile)).status).toBe(200);
    const unknown = await bearer(token)('get', '/api/v1/organizations/00000000-0000-4000-8000-000000000000');
    const hiddenSubmission = await bearer(token)('get', `/api/v1/submissions/${x.id}`);
    const seq = await headSeq();

    const res = await bearer(token)('get', profile);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(unknown.body);
    expect(JSON.stringify(res.body)).not.toContain(x.vendor.email);
    // The same answer a recused reviewer gets for the organization's submission: 404 not_found, audited as a recusal.
    expect([hiddenSubmission.status, hiddenSubmission.body.error.code]).toEqual([404, 'not_found']);
    expect(await eventsSince(seq, user.id)).toEqual([{ subject_type: 'organization', subject_id: x.organizationId,
      data: expect.objectContaining({ decision: 'organization.see', reason: 'recused: declared conflict' }) }]);
    // Another organization stays visible to them.
    expect((await bearer(token)('get', `/api/v1/organizations/${y.organizationId}`)).status).toBe(200);
    await bearer(token)('delete', `/api/v1/conflicts/${made.body.id}`).expect(200);
    const back = await bearer(token)('get', profile);
    expect(back.status).toBe(200);
    expect(back.body.members.map((m: { email: string }) => m.email)).toContain(x.vendor.email);
  });
});

describe('the page /account/conflicts', () => {
  const session = async () => signInBrowser(t.app, await buildUser(t.deps, { role: 'supervisor' }));
  const post = (s: Awaited<ReturnType<typeof session>>, form: Record<string, string>) =>
    s.agent.post('/account/conflicts').type('form').send({ _csrf: s.csrf, ...form });

  it('when a staff member searches, declares and ends through the page, then it lists the conflict with its dates and the end is recorded', async () => {
    const s = await session();
    const found = await s.agent.get('/account/conflicts?q=Yonder');
    expect(found.status).toBe(200);
    expect(found.text).toContain(`<option value="${y.organizationId}"`);
    expect(found.text).not.toContain(`<option value="${x.organizationId}"`);
    const declared = await post(s, { q: 'Yonder', organizationId: y.organizationId, kind: 'competitor', statement: ' We compete for the same contract. ' });
    expect([declared.status, declared.headers['location']]).toEqual([303, '/account/conflicts?declared=1']);
    const listed = await s.agent.get('/account/conflicts?declared=1');
    expect(listed.text).toContain('We compete for the same contract.');
    const [, id] = /action="\/account\/conflicts\/([0-9a-f-]{36})\/end"/.exec(listed.text)!;
    const ended = await s.agent.post(`/account/conflicts/${id}/end`).type('form').send({ _csrf: s.csrf });
    expect([ended.status, ended.headers['location']]).toEqual([303, '/account/conflicts?ended=1']);
    expect(await t.deps.db.selectFrom('audit_events').select('action').where('subject_id', '=', id!).orderBy('seq').execute())
      .toEqual([{ action: 'conflict.declared' }, { action: 'conflict.ended' }]);
    const again = await s.agent.post(`/account/conflicts/${id}/end`).type('form').send({ _csrf: s.csrf });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Error code: <code>conflict_already_ended</code>');
  });

  it.each([
    ['a blank statement', 400, 'invalid_statement', { kind: 'other', statement: '  ' }],
    ['no organization chosen', 400, 'invalid_request', { organizationId: '', kind: 'other', statement }],
    ['an unknown organization', 422, 'unknown_organization', { organizationId: '7f000000-0000-4000-8000-000000000001', kind: 'other', statement }],
  ])('when the form has %s, then the page shows %i with the API\'s code and keeps what was typed', async (_name, status, code, form) => {
    const s = await session();
    const res = await post(s, { organizationId: y.organizationId, ...form });
    expect(res.status).toBe(status);
    expect(res.text).toContain(`Error code: <code>${code}</code>`);
    expect(res.text).toContain(`>${form.statement}</textarea>`);
  });

  it('when a second active conflict is declared on the page, then 409 conflict_already_declared is shown; a vendor gets 403 for the page', async () => {
    const s = await session();
    await post(s, { organizationId: y.organizationId, kind: 'other', statement }).expect(303);
    const res = await post(s, { organizationId: y.organizationId, kind: 'other', statement });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Error code: <code>conflict_already_declared</code>');
    const vendor = await signInBrowser(t.app, await buildUser(t.deps));
    expect((await vendor.agent.get('/account/conflicts')).status).toBe(403);
  });

  it('when someone ends another person\'s conflict through the page, then the not-found page, and the conflict stays', async () => {
    const [owner, other] = [await session(), await session()];
    await post(owner, { organizationId: y.organizationId, kind: 'other', statement }).expect(303);
    const [, id] = /action="\/account\/conflicts\/([0-9a-f-]{36})\/end"/.exec((await owner.agent.get('/account/conflicts')).text)!;
    const res = await other.agent.post(`/account/conflicts/${id}/end`).type('form').send({ _csrf: other.csrf });
    expect(res.status).toBe(404);
    expect(await t.deps.db.selectFrom('conflicts').select('ended_at').where('id', '=', id!).executeTakeFirst()).toEqual({ ended_at: null });
  });
});
