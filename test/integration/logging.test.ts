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
});
