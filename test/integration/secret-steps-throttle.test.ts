import { randomBytes } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { csrfFrom, sessionCookie } from '../helpers/session';
import { currentTotp } from '../../server/accounts/totp';
import { pruneAttempts } from '../../server/accounts/attempts.repository';

let t: TestApp;
let adminToken: string;
beforeAll(async () => {
  t = await startTestApp();
  adminToken = await tokenFor(t.app, await buildUser(t.deps, { role: 'admin' }));
});
afterAll(async () => { await t.close(); });

// The app believes X-Forwarded-For from loopback (TRUST_PROXY's default), where supertest connects from.
let n = 0;
const freshIp = () => { n += 1; return `198.19.${Math.floor(n / 250)}.${n % 250}`; };
const unique = () => randomBytes(4).toString('hex');
const bogusToken = () => randomBytes(32).toString('base64url');
const wrongCode = (secret: string): string => {
  const valid = new Set([-2, -1, 0, 1, 2].map((k) => currentTotp(secret, Date.now() + k * 30_000)));
  for (let c = 100000; ; c += 1) if (!valid.has(String(c))) return String(c);
};
const secretOn = (html: string): string => /data-totp-secret="([A-Z2-7]+)"/.exec(html)?.[1] ?? /([A-Z2-7]{32})/.exec(html)![1]!;
const linkIn = async (email: string, path: string): Promise<string> => {
  const mail = await t.deps.db.selectFrom('outbox').select('text_body').where('to_address', '=', email).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  return new RegExp(`${path}\\?token=([\\w-]+)`).exec(mail.text_body)![1]!;
};
/** A CSRF token for a form posted without a session (pre-session cookie kept by the agent: fetch it before building the POST). */
const preSessionCsrf = async (agent: ReturnType<typeof request.agent>) => csrfFrom((await agent.get('/sign-in')).text);

const registration = () => {
  const id = unique();
  return {
    organization: { legalName: `Throttle Test ${id} LLC`, country: 'US' },
    standing: { basis: 'named_party', statement: 'Named in the notice.' },
    user: { email: `owner-${id}@vendor.example`, name: 'Owner Person', password: 'tundra lantern orchard 42' },
  };
};
const register = (body: object, ip = freshIp()) => request(t.app).post('/api/v1/auth/register').set('X-Forwarded-For', ip).send(body);
const verifyApi = (token: string, ip: string) => request(t.app).post('/api/v1/auth/verify-email').set('X-Forwarded-For', ip).send({ token });
async function verifyPage(token: string, ip: string) {
  const agent = request.agent(t.app).set('X-Forwarded-For', ip);
  const csrf = await preSessionCsrf(agent);
  return agent.post('/verify-email').type('form').send({ token, _csrf: csrf });
}
async function registeredToken(): Promise<string> {
  const body = registration();
  await register(body).expect(201);
  return linkIn(body.user.email, 'verify-email');
}

/** A staff member whose authenticator is not set up yet, signed in with the password (session at the setup step). */
async function atSetupStep(ip: string, user?: TestUser) {
  const u = user ?? await buildUser(t.deps, { role: 'reviewer' });
  if (!user) await t.deps.db.updateTable('users').set({ totp_enrolled_at: null, totp_secret: null }).where('id', '=', u.id).execute();
  const agent = request.agent(t.app).set('X-Forwarded-For', ip);
  const csrf = await preSessionCsrf(agent);
  const res = await agent.post('/sign-in').type('form').send({ email: u.email, password: u.password, _csrf: csrf, next: '/account' });
  expect(res.headers['location']).toMatch(/^\/account\/authenticator/);
  const page = await agent.get('/account/authenticator');
  return { user: u, agent, sessionId: sessionCookie(res)!, csrf: csrfFrom(page.text), secret: secretOn(page.text) };
}

describe('authenticator enrolment (/account/authenticator)', () => {
  it('when a session at the setup step sends five wrong codes, then the fifth ends it (429, Retry-After) and its cookie no longer reaches the setup page', async () => {
    const { agent, sessionId, csrf, secret } = await atSetupStep(freshIp());
    for (let i = 0; i < 4; i += 1) {
      const r = await agent.post('/account/authenticator').type('form').send({ code: wrongCode(secret), _csrf: csrf });
      expect(r.status).toBe(422);
      expect(r.text).toContain('<code>invalid_totp</code>');
    }
    const fifth = await agent.post('/account/authenticator').type('form').send({ code: wrongCode(secret), _csrf: csrf });
    expect(fifth.status).toBe(429);
    expect(fifth.headers['retry-after']).toBe('900');
    expect(fifth.text).toContain('<code>too_many_attempts</code>');
    const old = await request(t.app).get('/account/authenticator').set('Cookie', `vrp_session=${sessionId}`);
    expect(old.status).toBe(303);
    expect(old.headers['location']).toMatch(/^\/sign-in\?/);
  });

  it('when they sign in again from that address, then even the right code is refused; from another address it enrols', async () => {
    const ip = freshIp();
    const first = await atSetupStep(ip);
    for (let i = 0; i < 5; i += 1) await first.agent.post('/account/authenticator').type('form').send({ code: wrongCode(first.secret), _csrf: first.csrf });
    const again = await atSetupStep(ip, first.user);
    const refused = await again.agent.post('/account/authenticator').type('form').send({ code: currentTotp(again.secret), _csrf: again.csrf });
    expect(refused.status).toBe(429);
    const elsewhere = await atSetupStep(freshIp(), first.user);
    const done = await elsewhere.agent.post('/account/authenticator').type('form').send({ code: currentTotp(elsewhere.secret), _csrf: elsewhere.csrf, next: '/account' });
    expect(done.status).toBe(303);
    expect(done.headers['location']).toBe('/account');
  });
});

describe('e-mail verification (API and page)', () => {
  it('when one address tries ten unknown links, half by the API and half by the page, then the eleventh, even a good link, is 429 with Retry-After; the good link still works elsewhere', async () => {
    const good = await registeredToken();
    const ip = freshIp();
    for (let i = 0; i < 5; i += 1) expect((await verifyApi(bogusToken(), ip)).status).toBe(400);
    for (let i = 0; i < 5; i += 1) expect((await verifyPage(bogusToken(), ip)).status).toBe(400);
    const api = await verifyApi(good, ip);
    expect(api.status).toBe(429);
    expect(api.body.error.code).toBe('too_many_attempts');
    expect(api.headers['retry-after']).toBe('900');
    const page = await verifyPage(good, ip);
    expect(page.status).toBe(429);
    expect(page.headers['retry-after']).toBe('900');
    expect(page.text).toContain('<code>too_many_attempts</code>');
    expect((await verifyApi(good, freshIp())).status).toBe(204);
  });

  it('when one link is tried again and again from several addresses, then after five from one address and ten in all it is refused', async () => {
    const token = await registeredToken();
    const first = freshIp();
    expect((await verifyApi(token, first)).status).toBe(204);
    for (let i = 0; i < 5; i += 1) expect((await verifyApi(token, first)).status).toBe(400);
    expect((await verifyApi(token, first)).status).toBe(429);
    const second = freshIp();
    for (let i = 0; i < 5; i += 1) expect((await verifyApi(token, second)).status).toBe(400);
    const third = await verifyApi(token, freshIp());
    expect(third.status).toBe(429);
  });

  it('when twenty unknown links race from one address, then at most ten are judged and the rest are 429', async () => {
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 20 }, () => verifyApi(bogusToken(), ip)));
    expect(results.filter((r) => r.status === 400)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(10);
  });
});

describe('invitation activation (/account/activate)', () => {
  const inviteStaff = async () => {
    const email = `invitee-${unique()}@agency.example`;
    await request(t.app).post('/api/v1/users').set('Authorization', `Bearer ${adminToken}`).send({ email, name: 'Invited Person', role: 'reviewer' }).expect(201);
    return { email, token: await linkIn(email, 'account/activate') };
  };

  it('when one address opens or posts ten unknown links, then the eleventh, even a good link, is 429', async () => {
    const { token } = await inviteStaff();
    const ip = freshIp();
    const agent = request.agent(t.app).set('X-Forwarded-For', ip);
    const csrf = await preSessionCsrf(agent);
    for (let i = 0; i < 5; i += 1) expect((await agent.get(`/account/activate?token=${bogusToken()}`)).status).toBe(404);
    for (let i = 0; i < 5; i += 1) {
      const r = await agent.post('/account/activate').type('form').send({ token: bogusToken(), password: 'a sturdy passphrase', code: '123456', _csrf: csrf });
      expect(r.status).toBe(404);
    }
    const open = await agent.get(`/account/activate?token=${token}`);
    expect(open.status).toBe(429);
    expect(open.headers['retry-after']).toBe('900');
    expect(open.text).toContain('<code>too_many_attempts</code>');
    expect((await request(t.app).get(`/account/activate?token=${token}`).set('X-Forwarded-For', freshIp())).status).toBe(200);
  });

  it('when a staff invitee\'s link gets five wrong codes from one address, then the sixth is 429 even with the right code; a refused weak password is not counted; another address activates', async () => {
    const { email, token } = await inviteStaff();
    const agent = request.agent(t.app).set('X-Forwarded-For', freshIp());
    const page = await agent.get(`/account/activate?token=${token}`);
    const secret = secretOn(page.text);
    const post = (password: string, code: string) => agent.post('/account/activate').type('form').send({ token, password, code, _csrf: csrfFrom(page.text) });
    for (let i = 0; i < 3; i += 1) expect((await post('short', currentTotp(secret))).status).toBe(422);
    for (let i = 0; i < 5; i += 1) {
      const r = await post('a sturdy passphrase for work', wrongCode(secret));
      expect(r.status).toBe(422);
      expect(r.text).toContain('<code>invalid_totp</code>');
    }
    const sixth = await post('a sturdy passphrase for work', currentTotp(secret));
    expect(sixth.status).toBe(429);
    const other = request.agent(t.app).set('X-Forwarded-For', freshIp());
    const form = await other.get(`/account/activate?token=${token}`);
    const done = await other.post('/account/activate').type('form').send({ token, password: 'a sturdy passphrase for work', code: currentTotp(secret), _csrf: csrfFrom(form.text) });
    expect(done.status).toBe(303);
    const user = await t.deps.db.selectFrom('users').select('totp_enrolled_at').where('email', '=', email).executeTakeFirstOrThrow();
    expect(user.totp_enrolled_at).toBeInstanceOf(Date);
  });
});

describe('registration counts attempts, not successes', () => {
  it('when registrations fail after the password is hashed, then each still counts, and the eleventh attempt is 429 before any work', async () => {
    // The database refuses every new organization, as a failing constraint or an outage would.
    const owner = new pg.Client({ connectionString: t.ownerUrl });
    await owner.connect();
    await owner.query(`CREATE FUNCTION refuse_org() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
      CREATE TRIGGER refuse_org BEFORE INSERT ON organizations FOR EACH ROW EXECUTE FUNCTION refuse_org();`);
    const ip = freshIp();
    try {
      for (let i = 0; i < 10; i += 1) expect((await register(registration(), ip)).status).toBe(500);
      const eleventh = await register(registration(), ip);
      expect(eleventh.status).toBe(429);
      expect(eleventh.body.error.code).toBe('too_many_registrations');
      expect(eleventh.headers['retry-after']).toBe('3600');
    } finally {
      await owner.query('DROP TRIGGER refuse_org ON organizations; DROP FUNCTION refuse_org();');
      await owner.end();
    }
    const rows = await t.deps.db.selectFrom('auth_attempts').select('id').where('kind', '=', 'register').where('ip', '=', ip).execute();
    expect(rows).toHaveLength(10);
    expect((await register(registration(), ip)).status).toBe(429);
  });
});

describe('old attempt records', () => {
  it('when records are older than 30 days, then the prune removes them and keeps recent ones', async () => {
    const key = `prune-${unique()}@example.test`;
    await t.deps.db.insertInto('auth_attempts').values([
      { kind: 'password', account_key: key, ip: '10.1.1.1', at: new Date(Date.now() - 31 * 86_400_000) },
      { kind: 'password', account_key: key, ip: '10.1.1.2', at: new Date(Date.now() - 29 * 86_400_000), succeeded: true },
    ]).execute();
    expect(await pruneAttempts(t.deps.db)).toBeGreaterThanOrEqual(1);
    const left = await t.deps.db.selectFrom('auth_attempts').select('ip').where('account_key', '=', key).execute();
    expect(left).toEqual([{ ip: '10.1.1.2' }]);
  });
});
