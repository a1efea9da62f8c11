import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';

/**
 * SECURITY.md, Access: vendor B asking for anything of vendor A gets 404 (never 403, which would
 * confirm it exists), and every such denial is in the audit trail.
 */
let t: TestApp;
let a: TestUser;
let bToken: string;
let b: TestUser;
let draftId: string;
let filedId: string;
beforeAll(async () => {
  t = await startTestApp();
  a = await buildUser(t.deps);
  b = await buildUser(t.deps);
  const aToken = await tokenFor(t.app, a);
  bToken = await tokenFor(t.app, b);
  const p = await buildProceeding(t.deps);
  const make = async () => (await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`)
    .set('Authorization', `Bearer ${aToken}`).send({ title: 'A response', argument: 'An argument.' })).body.id as string;
  draftId = await make();
  filedId = await make();
  await request(t.app).post(`/api/v1/submissions/${filedId}/submit`).set('Authorization', `Bearer ${aToken}`)
    .send({ certification: { accepted: true, signature: 'A Person' } }).expect(200);
});
afterAll(async () => { await t.close(); });

const cases: Array<[string, string, () => string, object | null]> = [
  ['GET', '/api/v1/submissions/:id', () => draftId, null],
  ['PATCH', '/api/v1/submissions/:id', () => draftId, { title: 'hijacked' }],
  ['POST', '/api/v1/submissions/:id/submit', () => draftId, { certification: { accepted: true, signature: 'B' } }],
  ['POST', '/api/v1/submissions/:id/withdraw', () => filedId, { reason: 'B wants it gone' }],
  ['GET', '/api/v1/submissions/:id/receipt', () => filedId, null],
  ['GET', '/api/v1/submissions/:id/receipt?format=pdf', () => filedId, null],
  ['GET', '/api/v1/submissions/:id/information-requests', () => filedId, null],
];

describe('vendor B and vendor A\'s submissions', () => {
  it.each(cases)('when B calls %s %s on A\'s submission, then 404 and the denial is audited', async (method, path, id, body) => {
    const url = path.replace(':id', id());
    const req = request(t.app)[method.toLowerCase() as 'get' | 'patch' | 'post'](url).set('Authorization', `Bearer ${bToken}`);
    const res = await (body ? req.send(body) : req);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const denials = await t.deps.db.selectFrom('audit_events').select(['subject_id', 'data'])
      .where('action', '=', 'access.denied').where('actor_id', '=', b.id).where('subject_id', '=', id()).execute();
    expect(denials.length).toBeGreaterThan(0);
  });

  it('when B lists submissions, then A\'s never appear; filtering by A\'s organization is 404 and audited', async () => {
    const list = await request(t.app).get('/api/v1/submissions').set('Authorization', `Bearer ${bToken}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    const filtered = await request(t.app).get(`/api/v1/submissions?organizationId=${a.organizationId}`).set('Authorization', `Bearer ${bToken}`);
    expect(filtered.status).toBe(404);
    const denial = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'access.denied')
      .where('actor_id', '=', b.id).where('subject_id', '=', a.organizationId!).execute();
    expect(denial.length).toBe(1);
  });

  it('when A\'s draft is unchanged after B\'s attempts, then nothing was half-written', async () => {
    const row = await t.deps.db.selectFrom('submissions').select(['title', 'status', 'version']).where('id', '=', draftId).executeTakeFirstOrThrow();
    expect(row).toEqual({ title: 'A response', status: 'draft', version: 1 });
    const filed = await t.deps.db.selectFrom('submissions').select('status').where('id', '=', filedId).executeTakeFirstOrThrow();
    expect(filed.status).toBe('submitted');
  });
});
