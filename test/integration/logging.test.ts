import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor } from '../helpers/factories';
import { signInBrowser } from '../helpers/session';

let t: TestApp;
const lines: string[] = [];
beforeAll(async () => {
  t = await startTestApp({ env: { LOG_LEVEL: 'debug' }, logStream: { write: (line: string) => { lines.push(line); } } });
});
afterAll(async () => { await t.close(); });

describe('structured logs', () => {
  it('when people sign in and use tokens, then no password, token, TOTP code or session id is ever logged', async () => {
    const vendor = await buildUser(t.deps);
    const staff = await buildUser(t.deps, { role: 'legal' });
    const token = await tokenFor(t.app, staff);
    await request(t.app).get('/api/v1/me?token=leak-me-not').set('Authorization', `Bearer ${token}`).expect(200);
    const { sessionId, csrf } = await signInBrowser(t.app, vendor);
    await request(t.app).post('/api/v1/auth/tokens').send({ email: vendor.email, password: 'a wrong password typed here' }).expect(401);

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [vendor.password, staff.password, token, sessionId, csrf, 'a wrong password typed here', 'leak-me-not']) {
      expect(log).not.toContain(secret);
    }
  });

  it('when a request is logged, then the line is JSON carrying the request id the client saw', async () => {
    lines.length = 0;
    const res = await request(t.app).get('/api/v1/me');
    const entries = lines.map((l) => JSON.parse(l) as { req?: { id: string }; level: number });
    const mine = entries.filter((e) => e.req?.id === res.headers['x-request-id']);
    expect(mine.length).toBeGreaterThan(0);
  });

  it('when requests are served, then each gets exactly one completion line with its method, status and path but never its query', async () => {
    lines.length = 0;
    const ids: string[] = [];
    for (const path of ['/api/v1/me?token=a-secret-in-the-query', '/api/v1/no-such-route?x=1', '/api/v1/proceedings']) {
      ids.push(String((await request(t.app).get(path)).headers['x-request-id']));
    }
    const entries = lines.map((l) => JSON.parse(l) as { msg: string; req?: { id: string; method: string; path: string }; res?: { statusCode: number } });
    const completed = entries.filter((e) => e.msg === 'request completed');
    expect(completed.map((e) => [e.req?.id, e.req?.method, e.req?.path, e.res?.statusCode])).toEqual([
      [ids[0], 'GET', '/api/v1/me', 401],
      [ids[1], 'GET', '/api/v1/no-such-route', 404],
      [ids[2], 'GET', '/api/v1/proceedings', 200],
    ]);
    expect(lines.join('')).not.toContain('a-secret-in-the-query');
  });

  it('when a handler logs (a refusal), then its line is bound to that request id, and another app in the process logs to its own logger', async () => {
    const otherLines: string[] = [];
    const other = await startTestApp({ env: { LOG_LEVEL: 'debug' }, logStream: { write: (line: string) => { otherLines.push(line); } } });
    try {
      lines.length = 0;
      const mine = await request(t.app).get('/api/v1/me').expect(401);
      const theirs = await request(other.app).get('/api/v1/me').expect(401);
      const refusals = (all: string[]) => all.map((l) => JSON.parse(l) as { msg: string; reqId?: string; code?: string }).filter((e) => e.msg === 'request refused');
      expect(refusals(lines)).toEqual([expect.objectContaining({ reqId: mine.headers['x-request-id'], code: 'unauthenticated' })]);
      expect(refusals(otherLines)).toEqual([expect.objectContaining({ reqId: theirs.headers['x-request-id'] })]);
    } finally {
      await other.close();
    }
  });
});
