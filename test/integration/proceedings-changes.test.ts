import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { DEFAULT_RESPONSE_SCHEMA } from '../../server/proceedings/response-schema';

let t: TestApp;
let adminToken: string;
let vendorToken: string;
beforeAll(async () => {
  t = await startTestApp();
  adminToken = await tokenFor(t.app, await buildUser(t.deps, { role: 'admin' }));
  vendorToken = await tokenFor(t.app, await buildUser(t.deps));
});
afterAll(async () => { await t.close(); });

const DAY = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const open = async (opensIn: number, closesIn: number) => {
  const res = await request(t.app).post('/api/v1/proceedings').set('Authorization', `Bearer ${adminToken}`).send({
    docket: `P-${randomBytes(4).toString('hex').toUpperCase()}`, title: 'A proceeding', summary: 'Summary.', noticeText: 'Notice.',
    opensAt: iso(opensIn), closesAt: iso(closesIn), timeZone: 'UTC', latePolicy: 'accept_flagged',
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; docket: string; version: number; closesAt: string; opensAt: string };
};
const patch = (docket: string, body: object, ifMatch?: string, token = adminToken) => {
  const r = request(t.app).patch(`/api/v1/proceedings/${docket}`).set('Authorization', `Bearer ${token}`);
  if (ifMatch !== undefined) r.set('If-Match', ifMatch);
  return r.send(body);
};

describe('PATCH /api/v1/proceedings/:docket', () => {
  it('when an admin extends the deadline with the current version, then 200, version 2, and only closesAt in the audit', async () => {
    const p = await open(-DAY, DAY);
    const later = iso(10 * DAY);
    const res = await patch(p.docket, { closesAt: later }, '"1"');
    expect(res.status).toBe(200);
    expect(res.headers['etag']).toBe('"2"');
    expect(res.body).toMatchObject({ version: 2, closesAt: later, opensAt: p.opensAt, windowState: 'open' });
    const audit = await t.deps.db.selectFrom('audit_events').select('data').where('subject_id', '=', p.id).where('action', '=', 'proceeding.updated').executeTakeFirstOrThrow();
    expect(audit.data).toEqual({ docket: p.docket, version: 2, before: { closesAt: p.closesAt }, after: { closesAt: later } });
  });

  it('when If-Match names an older version, then 409 version_conflict and nothing changes', async () => {
    const p = await open(-DAY, DAY);
    await patch(p.docket, { title: 'First edit' }).expect(200);
    const stale = await patch(p.docket, { title: 'Second edit' }, '1');
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');
    const row = await t.deps.db.selectFrom('proceedings').select(['title', 'version']).where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ title: 'First edit', version: 2 });
  });

  it('when the change would end the window before it opens, then 422 invalid_window and nothing changes', async () => {
    const p = await open(-DAY, DAY);
    const res = await patch(p.docket, { closesAt: iso(-2 * DAY) });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_window');
    const row = await t.deps.db.selectFrom('proceedings').select('version').where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.version).toBe(1);
  });

  it('when the body renames the docket, blanks a field or names an unknown zone, then 400', async () => {
    const p = await open(-DAY, DAY);
    const rename = await patch(p.docket, { docket: 'OTHER-1' });
    expect(rename.body.error).toMatchObject({ code: 'unknown_field' });
    const blank = await patch(p.docket, { title: null });
    expect(blank.status).toBe(400);
    expect(blank.body.error.message).toContain('"title" cannot be null');
    const zone = await patch(p.docket, { timeZone: 'Atlantis/Capital' });
    expect(zone.status).toBe(400);
    expect(zone.body.error.code).toBe('invalid_time_zone');
    expect((await patch(p.docket, {})).status).toBe(400);
  });

  it('when the schema is replaced and then reset with null, then the default applies again', async () => {
    const p = await open(-DAY, DAY);
    const custom = { type: 'object', properties: { note: { type: 'string', maxLength: 10 } } };
    expect((await patch(p.docket, { responseSchema: custom })).body.responseSchema).toEqual(custom);
    const bad = await patch(p.docket, { responseSchema: { type: 'object', properties: { a: { type: 7 } } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_response_schema');
    expect((await patch(p.docket, { responseSchema: null })).body.responseSchema).toEqual(DEFAULT_RESPONSE_SCHEMA);
  });

  it('when a vendor patches, then 403; an unknown docket is 404', async () => {
    const p = await open(-DAY, DAY);
    expect((await patch(p.docket, { title: 'Hijacked' }, undefined, vendorToken)).status).toBe(403);
    expect((await patch('NO-SUCH-DOCKET', { title: 'x' })).status).toBe(404);
  });
});

describe('GET /api/v1/proceedings', () => {
  it('when filtered by status, then each list holds only proceedings in that state', async () => {
    const [past, current, future] = [await open(-3 * DAY, -2 * DAY), await open(-DAY, DAY), await open(DAY, 2 * DAY)];
    const dockets = async (status: string) => (await request(t.app).get(`/api/v1/proceedings?status=${status}&limit=200`)).body.items
      .map((i: { docket: string }) => i.docket);
    expect(await dockets('open')).toEqual(expect.arrayContaining([current.docket]));
    expect(await dockets('open')).not.toEqual(expect.arrayContaining([past.docket]));
    expect(await dockets('closed')).toEqual(expect.arrayContaining([past.docket]));
    expect(await dockets('closed')).not.toEqual(expect.arrayContaining([current.docket]));
    const upcoming = (await request(t.app).get('/api/v1/proceedings?status=upcoming')).body.items;
    expect(upcoming.map((i: { docket: string }) => i.docket)).toEqual([future.docket]);
    expect(upcoming[0]).toMatchObject({ windowState: 'not_open', timeLeft: expect.any(String) });
  });

  it('when walked one page at a time, then every proceeding appears once, in order', async () => {
    for (let i = 0; i < 3; i += 1) await buildProceeding(t.deps);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.app).get(`/api/v1/proceedings?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { docket: string }) => i.docket));
      cursor = res.body.nextCursor;
    } while (cursor);
    const all = await t.deps.db.selectFrom('proceedings').select('docket').orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    expect(seen).toEqual(all.map((r) => r.docket));
  });

  it('when the query is bad, then 400 with a code saying which part', async () => {
    const code = async (q: string) => (await request(t.app).get(`/api/v1/proceedings?${q}`)).body.error.code;
    expect(await code('status=pending')).toBe('invalid_status');
    expect(await code('limit=0')).toBe('invalid_limit');
    expect(await code('cursor=garbage')).toBe('invalid_cursor');
    expect(await code('sort=title')).toBe('unknown_parameter');
    expect(await code('status=open&status=closed')).toBe('invalid_parameter');
    await open(-3 * DAY, -2 * DAY);
    await open(-3 * DAY, -2 * DAY);
    const first = (await request(t.app).get('/api/v1/proceedings?status=closed&limit=1')).body.nextCursor;
    expect(first).toEqual(expect.any(String));
    expect(await code(`status=open&cursor=${first}`)).toBe('invalid_cursor');
  });
});
