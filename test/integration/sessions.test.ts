import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, totpFor } from '../helpers/factories';
import { csrfFrom, sessionCookie, signInBrowser } from '../helpers/session';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

const ageSessions = (userId: string, set: { last_seen_at?: Date; expires_at?: Date }) =>
  t.deps.db.updateTable('sessions').set(set).where('user_id', '=', userId).execute();

describe('browser sessions', () => {
  it('when a vendor signs in, then the session id is new (not one the browser brought) and HttpOnly', async () => {
    const vendor = await buildUser(t.deps);
    const agent = request.agent(t.app);
    agent.jar.setCookie('vrp_session=planted-by-an-attacker-0000000000000000000000');
    const form = await agent.get('/sign-in');
    const res = await agent.post('/sign-in').type('form').send({ email: vendor.email, password: vendor.password, _csrf: csrfFrom(form.text) });
    expect(res.status).toBe(303);
    const id = sessionCookie(res);
    expect(id).toBeDefined();
    expect(id).not.toContain('planted');
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/i);
    expect(String(res.headers['set-cookie'])).toMatch(/SameSite=Lax/i);
  });

  it('when the sign-in form is posted without its CSRF token, then 403 csrf_failed and no session', async () => {
    const vendor = await buildUser(t.deps);
    const res = await request(t.app).post('/sign-in').type('form').send({ email: vendor.email, password: vendor.password });
    expect(res.status).toBe(403);
    expect(res.text).toContain('csrf_failed');
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('when a cookie-authenticated API call omits X-CSRF-Token, then 403; with it, the call works', async () => {
    const { agent, csrf } = await signInBrowser(t.app, await buildUser(t.deps));
    const without = await agent.delete('/api/v1/auth/tokens/current');
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf_failed');
    const withToken = await agent.delete('/api/v1/auth/tokens/current').set('X-CSRF-Token', csrf);
    expect(withToken.status).toBe(204);
  });

  it('when a request comes from another site, then 403 even with a token', async () => {
    const { agent, csrf } = await signInBrowser(t.app, await buildUser(t.deps));
    const res = await agent.post('/sign-out').set('Origin', 'https://evil.example').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(403);
  });

  it('when the user signs out, then the old session cookie no longer works', async () => {
    const vendor = await buildUser(t.deps);
    const { agent, csrf, sessionId } = await signInBrowser(t.app, vendor);
    const withOldCookie = () => request(t.app).get('/api/v1/me').set('Cookie', `vrp_session=${sessionId}`);
    expect((await withOldCookie()).status).toBe(200);
    await agent.post('/sign-out').type('form').send({ _csrf: csrf }).expect(303);
    expect((await withOldCookie()).status).toBe(401);
  });

  it.each([
    ['idle for over an hour', { last_seen_at: new Date(Date.now() - 61 * 60_000) }],
    ['older than 24 hours', { expires_at: new Date(Date.now() - 1000) }],
  ])('when the session is %s, then it is refused with 401', async (_label, change) => {
    const vendor = await buildUser(t.deps);
    const { agent } = await signInBrowser(t.app, vendor);
    await ageSessions(vendor.id, change);
    const res = await agent.get('/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('when an account is disabled, then its live session stops working', async () => {
    const vendor = await buildUser(t.deps);
    const { agent } = await signInBrowser(t.app, vendor);
    await t.deps.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', vendor.id).execute();
    expect((await agent.get('/api/v1/me')).status).toBe(401);
  });

  it('when a staff member has given only the password, then they are not signed in until the TOTP step', async () => {
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const agent = request.agent(t.app);
    const form = await agent.get('/sign-in');
    const res = await agent.post('/sign-in').type('form').send({ email: reviewer.email, password: reviewer.password, _csrf: csrfFrom(form.text) });
    expect(res.headers['location']).toMatch(/^\/sign-in\/totp/);
    const pending = sessionCookie(res);
    expect((await agent.get('/api/v1/me')).status).toBe(401);
    const page = await agent.get('/sign-in/totp');
    const done = await agent.post('/sign-in/totp').type('form').send({ code: totpFor(reviewer), _csrf: csrfFrom(page.text) });
    expect(done.status).toBe(303);
    expect(sessionCookie(done)).not.toBe(pending);
    expect((await agent.get('/api/v1/me')).status).toBe(200);
  });

  it('when a session carries only the password step, then /account redirects to sign-in', async () => {
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const agent = request.agent(t.app);
    const form = await agent.get('/sign-in');
    await agent.post('/sign-in').type('form').send({ email: reviewer.email, password: reviewer.password, _csrf: csrfFrom(form.text) });
    const page = await agent.get('/account');
    expect(page.status).toBe(303);
  });
});

describe('sign-in throttling', () => {
  it('when five attempts fail, then the sixth is refused with 429 for real and unknown accounts alike', async () => {
    const vendor = await buildUser(t.deps);
    for (const email of [vendor.email, 'ghost-account@example.test']) {
      for (let i = 0; i < 5; i += 1) {
        const r = await request(t.app).post('/api/v1/auth/tokens').send({ email, password: 'definitely wrong password' });
        expect(r.status).toBe(401);
      }
      const blocked = await request(t.app).post('/api/v1/auth/tokens').send({ email, password: vendor.password });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.code).toBe('too_many_attempts');
      expect(blocked.headers['retry-after']).toBeDefined();
    }
  });
});
