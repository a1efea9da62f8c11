import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';

/**
 * SECURITY.md, Access: vendor B asking for anything of vendor A gets 404 (never 403, which would
 * confirm it exists), every such denial is in the audit trail, and nothing of A's changes. Each
 * case makes the submission it attacks, so any one of them can run alone.
 */
let t: TestApp;
let a: TestUser;
let aToken: string;
let b: TestUser;
let bToken: string;
let docket: string;
beforeAll(async () => {
  t = await startTestApp();
  [a, b] = await Promise.all([buildUser(t.deps), buildUser(t.deps)]);
  [aToken, bToken] = await Promise.all([tokenFor(t.app, a), tokenFor(t.app, b)]);
  docket = (await buildProceeding(t.deps)).docket;
});
afterAll(async () => { await t.close(); });

/** A new submission of A's: a draft, or filed. */
async function submissionOfA(state: 'draft' | 'filed'): Promise<string> {
  const res = await request(t.app).post(`/api/v1/proceedings/${docket}/submissions`)
    .set('Authorization', `Bearer ${aToken}`).send({ title: 'A response', argument: 'An argument.' });
  expect(res.status).toBe(201);
  if (state === 'filed') {
    await request(t.app).post(`/api/v1/submissions/${res.body.id}/submit`).set('Authorization', `Bearer ${aToken}`)
      .send({ certification: { accepted: true, signature: 'A Person' } }).expect(200);
  }
  return res.body.id as string;
}
const snapshot = (id: string) => t.deps.db.selectFrom('submissions').select(['title', 'status', 'version', 'tracking_number']).where('id', '=', id).executeTakeFirstOrThrow();

const cases: Array<[string, string, 'draft' | 'filed', object | null]> = [
  ['GET', '/api/v1/submissions/:id', 'draft', null],
  ['PATCH', '/api/v1/submissions/:id', 'draft', { title: 'hijacked' }],
  ['POST', '/api/v1/submissions/:id/submit', 'draft', { certification: { accepted: true, signature: 'B' } }],
  ['POST', '/api/v1/submissions/:id/withdraw', 'filed', { reason: 'B wants it gone' }],
  ['GET', '/api/v1/submissions/:id/receipt', 'filed', null],
  ['GET', '/api/v1/submissions/:id/receipt?format=pdf', 'filed', null],
  ['GET', '/api/v1/submissions/:id/information-requests', 'filed', null],
];

describe('vendor B and vendor A\'s submissions', () => {
  it.each(cases)('when B calls %s %s on A\'s %s submission, then 404, the denial is audited and nothing of A\'s changes', async (method, path, state, body) => {
    const id = await submissionOfA(state);
    const before = await snapshot(id);
    const req = request(t.app)[method.toLowerCase() as 'get' | 'patch' | 'post'](path.replace(':id', id)).set('Authorization', `Bearer ${bToken}`);
    const res = await (body ? req.send(body) : req);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const denials = await t.deps.db.selectFrom('audit_events').select('seq')
      .where('action', '=', 'access.denied').where('actor_id', '=', b.id).where('subject_id', '=', id).execute();
    expect(denials).toHaveLength(1);
    expect(await snapshot(id)).toEqual(before);
  });

  it('when B lists submissions, then A\'s never appear; filtering by A\'s organization is 404 and audited', async () => {
    const id = await submissionOfA('draft');
    const list = await request(t.app).get('/api/v1/submissions').set('Authorization', `Bearer ${bToken}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(id);
    const own = await request(t.app).get('/api/v1/submissions').set('Authorization', `Bearer ${aToken}`);
    expect(own.body.items.map((s: { id: string }) => s.id)).toContain(id);
    const filtered = await request(t.app).get(`/api/v1/submissions?organizationId=${a.organizationId}`).set('Authorization', `Bearer ${bToken}`);
    expect(filtered.status).toBe(404);
    const denial = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'access.denied')
      .where('actor_id', '=', b.id).where('subject_id', '=', a.organizationId!).execute();
    expect(denial.length).toBeGreaterThan(0);
  });

  it('when B starts a supplement naming A\'s filed response as its parent, then 422 invalid_parent as for an unknown id, audited, and no draft', async () => {
    const parent = await submissionOfA('filed');
    const res = await request(t.app).post(`/api/v1/proceedings/${docket}/submissions`).set('Authorization', `Bearer ${bToken}`)
      .send({ kind: 'supplement', parentId: parent, title: 'B piggybacks' });
    expect([res.status, res.body.error.code]).toEqual([422, 'invalid_parent']);
    const unknown = await request(t.app).post(`/api/v1/proceedings/${docket}/submissions`).set('Authorization', `Bearer ${bToken}`)
      .send({ kind: 'supplement', parentId: '00000000-0000-4000-8000-000000000000', title: 'B guesses' });
    expect(unknown.body.error).toEqual(res.body.error);
    const denials = await t.deps.db.selectFrom('audit_events').select('data')
      .where('action', '=', 'access.denied').where('actor_id', '=', b.id).where('subject_id', '=', parent).execute();
    expect(denials).toEqual([{ data: expect.objectContaining({ decision: 'submission.act' }) }]);
    const drafts = await t.deps.db.selectFrom('submissions').select('id').where('organization_id', '=', b.organizationId!).execute();
    expect(drafts).toEqual([]);
  });
});
