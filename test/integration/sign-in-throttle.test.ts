import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, totpFor, type TestUser } from '../helpers/factories';
import { csrfFrom, sessionCookie } from '../helpers/session';
import { currentTotp } from '../../server/accounts/totp';
import type { AttemptKind } from '../../server/db/database';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

// The app believes X-Forwarded-For from loopback (TRUST_PROXY's default), which is where supertest
// connects from: each request names the client address it stands for.
let n = 0;
const freshIp = () => { n += 1; return `198.18.${Math.floor(n / 250)}.${n % 250}`; };

/** A six-digit code that no clock drift makes valid for this secret during the test. */
const wrongCode = (secret: string): string => {
  const valid = new Set([-2, -1, 0, 1, 2].map((k) => currentTotp(secret, Date.now() + k * 30_000)));
  for (let c = 100000; ; c += 1) if (!valid.has(String(c))) return String(c);
};

const apiSignIn = (user: TestUser, ip: string, over: { password?: string; totp?: string } = {}) =>
  request(t.app).post('/api/v1/auth/tokens').set('X-Forwarded-For', ip)
    .send({ email: user.email, password: over.password ?? user.password, ...(over.totp ? { totp: over.totp } : {}) });

/** Signs in on the page with the password only: for staff, the session waits at the code step. */
async function passwordStep(user: TestUser, ip: string) {
  const agent = request.agent(t.app).set('X-Forwarded-For', ip);
  const form = await agent.get('/sign-in');
  const res = await agent.post('/sign-in').type('form').send({ email: user.email, password: user.password, _csrf: csrfFrom(form.text), next: '/account' });
  const page = res.status === 303 && res.headers['location']!.startsWith('/sign-in/totp') ? await agent.get('/sign-in/totp') : undefined;
  return { agent, res, sessionId: sessionCookie(res), csrf: page ? csrfFrom(page.text) : '' };
}

/** Rows as many addresses would leave them (a botnet), without paying scrypt for each in the test. */
const strangersFailed = (kind: AttemptKind, accountKey: string, count: number) =>
  t.deps.db.insertInto('auth_attempts')
    .values(Array.from({ length: count }, (_, i) => ({ kind, account_key: accountKey, ip: `10.66.${Math.floor(i / 250)}.${i % 250}` })))
    .execute();

describe('the authenticator step of the page sign-in (/sign-in/totp)', () => {
  it('when a password-accepted session sends five wrong codes, then the fifth ends it (429, Retry-After) and its cookie no longer reaches the code step, even with the right code', async () => {
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const { agent, sessionId, csrf } = await passwordStep(reviewer, freshIp());
    for (let i = 1; i <= 4; i += 1) {
      const r = await agent.post('/sign-in/totp').type('form').send({ code: wrongCode(reviewer.totpSecret!), _csrf: csrf });
      expect(r.status).toBe(401);
      expect(r.text).toContain('<code>invalid_totp</code>');
    }
    const fifth = await agent.post('/sign-in/totp').type('form').send({ code: wrongCode(reviewer.totpSecret!), _csrf: csrf });
    expect(fifth.status).toBe(429);
    expect(fifth.headers['retry-after']).toBe('900');
    expect(fifth.text).toContain('<code>too_many_attempts</code>');
    expect(String(fifth.headers['set-cookie'])).toMatch(/vrp_session=;/);

    const withOldCookie = () => request(t.app).post('/sign-in/totp').set('Cookie', `vrp_session=${sessionId}`).type('form');
    const right = await withOldCookie().send({ code: totpFor(reviewer), _csrf: csrf });
    expect(right.status).not.toBe(303);
    expect(right.headers['location'] ?? '').not.toBe('/account');
    const page = await request(t.app).get('/sign-in/totp').set('Cookie', `vrp_session=${sessionId}`);
    expect(page.status).toBe(303);
    expect(page.headers['location']).toMatch(/^\/sign-in\?/);
    const rows = await t.deps.db.selectFrom('sessions').select(['stage', 'revoked_at']).where('user_id', '=', reviewer.id).execute();
    expect(rows).toEqual([{ stage: 'mfa', revoked_at: expect.any(Date) }]);
  });

  it('when the person signs in again from that address within the window, then even the right code is refused with 429', async () => {
    const supervisor = await buildUser(t.deps, { role: 'supervisor' });
    const ip = freshIp();
    const first = await passwordStep(supervisor, ip);
    for (let i = 0; i < 5; i += 1) await first.agent.post('/sign-in/totp').type('form').send({ code: wrongCode(supervisor.totpSecret!), _csrf: first.csrf });
    const again = await passwordStep(supervisor, ip);
    expect(again.res.headers['location']).toMatch(/^\/sign-in\/totp/);
    const right = await again.agent.post('/sign-in/totp').type('form').send({ code: totpFor(supervisor), _csrf: again.csrf });
    expect(right.status).toBe(429);
    expect((await again.agent.get('/api/v1/me')).status).toBe(401);
  });

  it('when wrong codes are spread over the API and the page, then they share one count: the page ends the session at the fifth', async () => {
    const legal = await buildUser(t.deps, { role: 'legal' });
    const ip = freshIp();
    for (let i = 0; i < 3; i += 1) expect((await apiSignIn(legal, ip, { totp: wrongCode(legal.totpSecret!) })).status).toBe(401);
    const { agent, csrf } = await passwordStep(legal, ip);
    expect((await agent.post('/sign-in/totp').type('form').send({ code: wrongCode(legal.totpSecret!), _csrf: csrf })).status).toBe(401);
    const fifth = await agent.post('/sign-in/totp').type('form').send({ code: wrongCode(legal.totpSecret!), _csrf: csrf });
    expect(fifth.status).toBe(429);
    expect((await apiSignIn(legal, ip, { totp: totpFor(legal) })).status).toBe(429);
  });
});

describe('the authenticator code in POST /api/v1/auth/tokens', () => {
  it('when five wrong codes come from one address, then the sixth is 429 too_many_attempts even with the right code; another address still gets in', async () => {
    const admin = await buildUser(t.deps, { role: 'admin' });
    const ip = freshIp();
    for (let i = 0; i < 5; i += 1) {
      const r = await apiSignIn(admin, ip, { totp: wrongCode(admin.totpSecret!) });
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'invalid_totp', details: [{ attemptsLeft: 4 - i }] });
    }
    const blocked = await apiSignIn(admin, ip, { totp: totpFor(admin) });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    expect(blocked.headers['retry-after']).toBe('900');
    expect((await apiSignIn(admin, freshIp(), { totp: totpFor(admin) })).status).toBe(201);
  });
});

describe('a stranger cannot lock the owner out', () => {
  it('when strangers at three addresses fail five times each, then each is refused even with the right password, while the owner at their own address signs in (API and page)', async () => {
    const vendor = await buildUser(t.deps);
    const strangers = [freshIp(), freshIp(), freshIp()];
    for (const ip of strangers) {
      for (let i = 0; i < 5; i += 1) expect((await apiSignIn(vendor, ip, { password: 'a wrong guess at the password' })).status).toBe(401);
    }
    for (const ip of strangers) expect((await apiSignIn(vendor, ip)).status).toBe(429);
    const home = freshIp();
    expect((await apiSignIn(vendor, home)).status).toBe(201);
    const page = await passwordStep(vendor, home);
    expect(page.res.status).toBe(303);
    expect(page.res.headers['location']).toBe('/account');
  });

  it('when a botnet has failed 100 times on an account, then new addresses are refused even with the right password, while the owner\'s known address still gets in (vendor, and staff with their code)', async () => {
    const vendor = await buildUser(t.deps);
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const home = freshIp();
    const office = freshIp();
    expect((await apiSignIn(vendor, home)).status).toBe(201);
    expect((await apiSignIn(reviewer, office, { totp: totpFor(reviewer) })).status).toBe(201);
    await strangersFailed('password', vendor.email.toLowerCase(), 100);
    await strangersFailed('password', reviewer.email.toLowerCase(), 100);

    const stranger = await apiSignIn(vendor, freshIp());
    expect(stranger.status).toBe(429);
    expect(stranger.body.error.code).toBe('too_many_attempts');
    expect((await apiSignIn(reviewer, freshIp(), { totp: totpFor(reviewer, 1) })).status).toBe(429);

    expect((await apiSignIn(vendor, home)).status).toBe(201);
    expect((await passwordStep(vendor, home)).res.headers['location']).toBe('/account');
    expect((await apiSignIn(reviewer, office, { totp: totpFor(reviewer, 1) })).status).toBe(201);
  });

  it('when an unknown account has had the same attack, then a new address gets the same 429 as for a real account', async () => {
    const vendor = await buildUser(t.deps);
    const ghost = { ...vendor, email: 'nobody-registered-this@example.test' };
    await strangersFailed('password', vendor.email.toLowerCase(), 100);
    await strangersFailed('password', ghost.email, 100);
    const real = await apiSignIn(vendor, freshIp());
    const unknown = await apiSignIn(ghost, freshIp());
    expect(real.status).toBe(429);
    expect(unknown.status).toBe(429);
    expect(unknown.body).toEqual(real.body);
    expect(unknown.headers['retry-after']).toBe(real.headers['retry-after']);
  });

  it('when people who have the password guess codes from many addresses, then the code ceiling refuses new addresses while the owner\'s address still gets in', async () => {
    const legal = await buildUser(t.deps, { role: 'legal' });
    const office = freshIp();
    expect((await apiSignIn(legal, office, { totp: totpFor(legal) })).status).toBe(201);
    await strangersFailed('totp', legal.id, 20);
    const stranger = await passwordStep(legal, freshIp());
    const refused = await stranger.agent.post('/sign-in/totp').type('form').send({ code: totpFor(legal, 1), _csrf: stranger.csrf });
    expect(refused.status).toBe(429);
    const owner = await passwordStep(legal, office);
    const done = await owner.agent.post('/sign-in/totp').type('form').send({ code: totpFor(legal, 1), _csrf: owner.csrf, next: '/account' });
    expect(done.status).toBe(303);
    expect(done.headers['location']).toBe('/account');
  });

  it('when the owner signs in after a few typos, then those typos are forgiven, but a stranger\'s failures still count', async () => {
    const vendor = await buildUser(t.deps);
    const home = freshIp();
    const stranger = freshIp();
    for (let i = 0; i < 4; i += 1) await apiSignIn(vendor, stranger, { password: 'not it at all, sorry' }).expect(401);
    for (let i = 0; i < 4; i += 1) await apiSignIn(vendor, home, { password: 'my old password maybe' }).expect(401);
    await apiSignIn(vendor, home).expect(201);
    for (let i = 0; i < 4; i += 1) await apiSignIn(vendor, home, { password: 'my older password maybe' }).expect(401);
    await apiSignIn(vendor, home).expect(201);
    await apiSignIn(vendor, stranger, { password: 'not it at all, sorry' }).expect(401);
    expect((await apiSignIn(vendor, stranger)).status).toBe(429);
  });
});

describe('counting is race-safe', () => {
  it('when twelve wrong passwords race from one address, then at most five are judged (401) and the rest are 429', async () => {
    const vendor = await buildUser(t.deps);
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 12 }, () => apiSignIn(vendor, ip, { password: 'racing wrong guesses here' })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('when one address has failed on thirty accounts, then a thirty-first account is refused from it, and other addresses are not', async () => {
    const ip = freshIp();
    await t.deps.db.insertInto('auth_attempts')
      .values(Array.from({ length: 30 }, (_, i) => ({ kind: 'password' as const, account_key: `sprayed-${i}@example.test`, ip }))).execute();
    const vendor = await buildUser(t.deps);
    expect((await apiSignIn(vendor, ip)).status).toBe(429);
    expect((await apiSignIn(vendor, freshIp())).status).toBe(201);
  });
});
