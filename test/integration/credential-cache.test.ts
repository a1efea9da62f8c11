import pg from 'pg';
import request from 'supertest';
import { sql } from 'kysely';
import { createApp } from '../../server/app';
import { changeFeedOf, createDb, createPool } from '../../server/db/pool';
import type { ChangeFeed } from '../../server/db/change-feed';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor } from '../helpers/factories';
import { fileResponse, staffWithToken } from '../helpers/filings';

// Bearer-token lookups are kept between changes (docs/credential-cache.md). These hold that no
// change is missed: through the portal (seen by the very next request), from another process
// (within the notification's latency), by hand in SQL, while the change feed is down, and at expiry.
let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

const me = (token: string, app = t.app) => request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
const feedOf = (pool: pg.Pool): ChangeFeed => changeFeedOf(pool)!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean> | boolean, ms: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await sleep(10);
  }
  return Date.now() - started;
}

/** A vendor whose token has been looked up (and so kept) with the feed live. */
async function keptVendor(app = t.app, pool = t.deps.pool) {
  const user = await buildUser(t.deps);
  const token = await tokenFor(app, user);
  await me(token, app).expect(200);
  await until(() => feedOf(pool).live, 5_000);
  await me(token, app).expect(200);
  return { user, token };
}

/** Sets a user's column by hand, as the owner, with the change triggers off (session_replication_role). */
async function silently(statement: string, values: unknown[], ownerUrl = t.ownerUrl) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(statement, values);
  } finally {
    await client.end();
  }
}

describe('changes made through the portal are seen by the very next request', () => {
  it('when a token is revoked, then the next request with it is 401 invalid_token', async () => {
    const { token } = await keptVendor();
    await request(t.app).delete('/api/v1/auth/tokens/current').set('Authorization', `Bearer ${token}`).expect(204);
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('when an administrator disables an account, then its kept token stops working at once', async () => {
    const { user, token } = await keptVendor();
    const admin = await staffWithToken(t, 'admin');
    await request(t.app).post(`/api/v1/users/${user.id}/disable`).set('Authorization', `Bearer ${admin.token}`).send({ reason: 'Left the company' }).expect(204);
    expect((await me(token)).status).toBe(401);
  });

  it('when a reviewer declares a conflict, then their next queue request no longer shows the organization', async () => {
    const filed = await fileResponse(t);
    const reviewer = await staffWithToken(t, 'reviewer');
    const queue = async () => (await request(t.app).get(`/api/v1/submissions?organizationId=${filed.organizationId}`)
      .set('Authorization', `Bearer ${reviewer.token}`).expect(200)).body.items.map((i: { id: string }) => i.id);
    await until(() => feedOf(t.deps.pool).live, 5_000);
    expect(await queue()).toEqual([filed.id]);
    expect(await queue()).toEqual([filed.id]);
    await request(t.app).post('/api/v1/conflicts').set('Authorization', `Bearer ${reviewer.token}`)
      .send({ organizationId: filed.organizationId, kind: 'competitor', statement: 'We bid against them.' }).expect(201);
    expect(await queue()).toEqual([]);
  });
});

describe('changes from elsewhere', () => {
  it('when another process revokes a token, then this process refuses it within a second (well inside the 5 s bound)', async () => {
    const pool = createPool({ connectionString: t.ownerUrl, role: t.deps.config.databaseAppRole, logger: t.deps.logger, max: 2 });
    const db = createDb(pool);
    try {
      const other = createApp({ ...t.deps, pool, db });
      const { token } = await keptVendor(other, pool);
      await request(t.app).delete('/api/v1/auth/tokens/current').set('Authorization', `Bearer ${token}`).expect(204);
      const took = await until(async () => (await me(token, other)).status === 401, 1_000);
      expect(took).toBeLessThan(1_000);
    } finally {
      await db.destroy();
    }
  });

  it('when a row is changed by hand in SQL, then the change is seen once its notification has arrived', async () => {
    const { user, token } = await keptVendor();
    await sql`UPDATE users SET disabled_at = now() WHERE id = ${user.id}`.execute(t.deps.db);
    await t.changesSeen();
    expect((await me(token)).status).toBe(401);
  });

  it('when a change bypasses the triggers, then the kept answer is used, and for at most five seconds', async () => {
    const { user, token } = await keptVendor();
    await silently('UPDATE users SET name = $1 WHERE id = $2', ['Renamed Silently', user.id]);
    const kept = await me(token);
    expect(kept.status).toBe(200);
    expect(kept.body.name).not.toBe('Renamed Silently'); // proves the answer was kept: the database already says otherwise
    await until(async () => (await me(token)).body.name === 'Renamed Silently', 6_000);
  });

  it('when a kept answer is in its last second, then it is served while a lookup in the background replaces it', async () => {
    const { user, token } = await keptVendor();
    const keptAt = Date.now();
    await silently('UPDATE users SET name = $1 WHERE id = $2', ['Renamed Silently', user.id]);
    await sleep(4_300 - (Date.now() - keptAt));
    expect((await me(token)).body.name).not.toBe('Renamed Silently'); // kept, and starts the refresh
    await sleep(150);
    expect(Date.now() - keptAt).toBeLessThan(5_000); // still inside the first answer's life
    expect((await me(token)).body.name).toBe('Renamed Silently');
  });

  it('when a kept token reaches its expiry, then it is refused without any change being told', async () => {
    const { user, token } = await keptVendor();
    await sql`UPDATE api_tokens SET expires_at = now() + interval '1 second' WHERE user_id = ${user.id}`.execute(t.deps.db);
    await t.changesSeen();
    await me(token).expect(200);
    await me(token).expect(200);
    await sleep(1_100);
    expect((await me(token)).status).toBe(401);
  });
});

describe('while the change feed is down, nothing is kept', () => {
  it('when the listening connection is killed, then lookups go to the database until it is back, and it comes back', async () => {
    const { user, token } = await keptVendor();
    const feed = feedOf(t.deps.pool);
    const owner = new pg.Client({ connectionString: t.ownerUrl });
    await owner.connect();
    const killed = await owner.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = 'vendor-response-portal-changes' AND datname = current_database()`).finally(() => owner.end());
    expect(killed.rows).toEqual([{ pg_terminate_backend: true }]);
    await until(() => !feed.live, 2_000);
    await me(token).expect(200); // looked up while down: must not be kept
    await silently('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1', [user.id]);
    expect((await me(token)).status).toBe(401);
    await until(() => feed.live, 5_000);
    const again = await keptVendor();
    await sql`UPDATE users SET disabled_at = now() WHERE id = ${again.user.id}`.execute(t.deps.db);
    await t.changesSeen();
    expect((await me(again.token)).status).toBe(401);
  });
});

describe('CREDENTIAL_CACHE=false', () => {
  let off: TestApp;
  beforeAll(async () => { off = await startTestApp({ env: { CREDENTIAL_CACHE: 'false' } }); });
  afterAll(async () => { await off.close(); });

  it('when the cache is off, then a change that bypasses the triggers is seen by the next request', async () => {
    const user = await buildUser(off.deps);
    const token = await tokenFor(off.app, user);
    await me(token, off.app).expect(200);
    await me(token, off.app).expect(200);
    await silently('UPDATE users SET name = $1 WHERE id = $2', ['Renamed Silently', user.id], off.ownerUrl);
    expect((await me(token, off.app)).body.name).toBe('Renamed Silently');
  });
});
