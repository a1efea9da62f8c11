import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { DEFAULT_RESPONSE_SCHEMA } from '../../server/proceedings/response-schema';

let t: TestApp;
let admin: TestUser;
let adminToken: string;
let vendorToken: string;
let reviewer: TestUser;
let reviewerToken: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await buildUser(t.deps, { role: 'admin' });
  adminToken = await tokenFor(t.app, admin);
  vendorToken = await tokenFor(t.app, await buildUser(t.deps));
  reviewer = await buildUser(t.deps, { role: 'reviewer' });
  reviewerToken = await tokenFor(t.app, reviewer);
});
afterAll(async () => { await t.close(); });

const docket = () => `DHS-2017-${randomBytes(3).toString('hex').toUpperCase()}`;
/** The Kaspersky notice (82 FR 43782): responses due 3 Nov 2017, 11:59 PM Eastern. */
const notice = (over: object = {}) => ({
  docket: docket(), title: 'BOD 17-01: Kaspersky-branded products', summary: 'Removal of Kaspersky-branded products.',
  noticeText: 'Any entity that claims its commercial interests will be directly impacted may respond.',
  opensAt: '2017-09-19T00:00:00-04:00', closesAt: '2017-11-03T23:59:00-04:00', timeZone: 'America/New_York', latePolicy: 'reject', ...over,
});
const create = (body: object, token = adminToken) =>
  request(t.app).post('/api/v1/proceedings').set('Authorization', `Bearer ${token}`).send(body);
const rowCount = async (d: string) => (await t.deps.db.selectFrom('proceedings').select('id').where('docket', '=', d).execute()).length;
const auditFor = (subjectId: string, action: string) => t.deps.db.selectFrom('audit_events').select(['actor_id', 'data'])
  .where('subject_id', '=', subjectId).where('action', '=', action).execute();

describe('POST /api/v1/proceedings', () => {
  it('when an admin opens a proceeding, then 201 with the deadline in UTC and in its zone, the defaults, and an audit event', async () => {
    const body = notice();
    const res = await create(body);
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`/api/v1/proceedings/${body.docket}`);
    expect(res.headers['etag']).toBe('"1"');
    expect(res.body).toMatchObject({
      docket: body.docket, opensAt: '2017-09-19T04:00:00.000Z', closesAt: '2017-11-04T03:59:00.000Z', timeZone: 'America/New_York',
      closesAtLocal: 'November 3, 2017 at 11:59 PM EDT', windowState: 'closed', timeLeft: null, latePolicy: 'reject',
      limits: { maxFileBytes: 100 * 1024 * 1024, maxFiles: 50, maxTotalBytes: 1024 ** 3 }, noticeDocuments: [], version: 1,
    });
    expect(res.body.responseSchema).toEqual(DEFAULT_RESPONSE_SCHEMA);
    const stored = await t.deps.db.selectFrom('proceedings').select('response_schema').where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(stored.response_schema).toEqual(DEFAULT_RESPONSE_SCHEMA);
    const audit = await auditFor(res.body.id, 'proceeding.created');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: admin.id, data: { docket: body.docket, after: { closesAt: '2017-11-04T03:59:00.000Z' } } });
  });

  it('when a response schema and some limits are given, then they are kept and the other limits default', async () => {
    const schema = { type: 'object', required: ['contract'], properties: { contract: { type: 'string', maxLength: 50 } } };
    const res = await create(notice({ responseSchema: schema, limits: { maxFiles: 5 }, timeZone: 'america/chicago' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ responseSchema: schema, limits: { maxFiles: 5, maxFileBytes: 100 * 1024 * 1024 }, timeZone: 'America/Chicago' });
  });

  it('when the docket already exists, then 409 docket_taken and still one row', async () => {
    const body = notice();
    await create(body).expect(201);
    const res = await create({ ...body, title: 'Another' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('docket_taken');
    expect(await rowCount(body.docket)).toBe(1);
  });

  it.each(['dhs-2017-0037', 'AB', '-DHS-2017', 'DHS_2017_0037', `D${'1'.repeat(40)}`])('when the docket is "%s", then 400 naming docket', async (bad) => {
    const res = await create(notice({ docket: bad }));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('docket');
  });

  it('when the body has an unknown field, then 400 unknown_field and nothing is created', async () => {
    const body = notice({ version: 7 });
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_field');
    expect(await rowCount(body.docket)).toBe(0);
  });

  it.each(['Mars/Olympus_Mons', 'Eastern', '+05:00'])('when the time zone is "%s", then 400 and nothing is created', async (zone) => {
    const body = notice({ timeZone: zone });
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('timeZone');
    expect(await rowCount(body.docket)).toBe(0);
  });

  it('when a time has no offset, then 400 naming the field', async () => {
    const res = await create(notice({ closesAt: '2017-11-03T23:59:00' }));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('closesAt');
  });

  it('when the window closes when or before it opens, then 422 invalid_window', async () => {
    for (const closesAt of ['2017-09-19T00:00:00-04:00', '2017-09-01T00:00:00Z']) {
      const body = notice({ closesAt });
      const res = await create(body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('invalid_window');
      expect(await rowCount(body.docket)).toBe(0);
    }
  });

  it.each([
    [{ type: 'object', properties: { a: { type: 'strin' } } }, /type must be equal to one of the allowed values/],
    [{ type: 'object', properties: { a: { minLenght: 3 } } }, /unknown keyword: "minLenght"/],
    [{ type: 'object', properties: { a: { $ref: 'https://evil.example/schema' } } }, /can't resolve reference/],
    [{ type: 'array', items: { type: 'string' } }, /must describe an object/],
    [{ $id: 'https://x.example/s', type: 'object' }, /\$id/],
  ])('when the response schema is %j, then 422 invalid_response_schema with the reason', async (schema, reason) => {
    const body = notice({ responseSchema: schema });
    const res = await create(body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_response_schema');
    expect(res.body.error.message).toMatch(reason);
    expect(await rowCount(body.docket)).toBe(0);
  });

  it('when limits are out of range or disagree, then 400 or 422 invalid_limits', async () => {
    const tooMany = await create(notice({ limits: { maxFiles: 501 } }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0].field).toBe('limits.maxFiles');
    const fraction = await create(notice({ limits: { maxFileBytes: 1.5 } }));
    expect(fraction.status).toBe(400);
    const disagree = await create(notice({ limits: { maxFileBytes: 2000, maxTotalBytes: 1000 } }));
    expect(disagree.status).toBe(422);
    expect(disagree.body.error.code).toBe('invalid_limits');
  });

  it('when a vendor or a reviewer calls it, then 403 and the denial is audited; anonymous gets 401', async () => {
    for (const [token, user] of [[vendorToken, null], [reviewerToken, reviewer]] as const) {
      const res = await create(notice(), token);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      if (user) {
        const denials = await t.deps.db.selectFrom('audit_events').select('data').where('action', '=', 'access.denied').where('actor_id', '=', user.id).execute();
        expect(denials.map((d) => d.data['reason'])).toContain('role reviewer lacks proceeding.create');
      }
    }
    expect((await request(t.app).post('/api/v1/proceedings').send(notice())).status).toBe(401);
  });
});

describe('GET /api/v1/proceedings/:docket', () => {
  it('when anyone asks, then the notice package comes back with its documents and their download links', async () => {
    const made = (await create(notice({ opensAt: new Date(Date.now() - 3600e3).toISOString(), closesAt: new Date(Date.now() + 3 * 86400e3).toISOString() }))).body;
    await t.deps.db.insertInto('notice_documents').values({
      proceeding_id: made.id, title: 'BOD 17-01', original_name: 'bod-17-01.pdf', media_type: 'application/pdf', size: 4321,
      sha256: 'a'.repeat(64), storage_key: 'notice/secret-key', created_by: admin.id,
    }).execute();
    const res = await request(t.app).get(`/api/v1/proceedings/${made.docket}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ windowState: 'open', timeLeft: expect.stringMatching(/^2 days, 23 hours|^3 days/), noticeText: expect.any(String) });
    expect(res.body.noticeDocuments).toEqual([{
      id: expect.any(String), title: 'BOD 17-01', originalName: 'bod-17-01.pdf', mediaType: 'application/pdf', size: 4321, sha256: 'a'.repeat(64),
      url: `/api/v1/proceedings/${made.docket}/notice-documents/${res.body.noticeDocuments[0].id}/content`,
    }]);
    expect(JSON.stringify(res.body)).not.toContain('secret-key');
  });

  it('when the docket is unknown or malformed, then 404', async () => {
    expect((await request(t.app).get('/api/v1/proceedings/NOPE-0000')).status).toBe(404);
    expect((await request(t.app).get('/api/v1/proceedings/not%20a%20docket')).status).toBe(404);
  });
});
