import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { csrfFrom, signInBrowser } from '../helpers/session';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

// Each test registers from an address of its own, so the per-address throttle bites only where meant to.
let lastOctet = 1;
const freshIp = () => `203.0.113.${lastOctet++}`;
const unique = () => randomBytes(4).toString('hex');
const PASSWORD = 'tundra lantern orchard 42';
const form = (over: Record<string, string> = {}) => {
  const id = unique();
  return {
    legalName: `Kaspersky Lab ${id} <AO>`, country: 'RU', uei: 'kl1234567890', basis: 'named_party',
    statement: 'Our products are named in BOD 17-01.\n\nWe answer every point.', name: 'Outside Counsel',
    email: `counsel-${id}@kaspersky.example`, password: PASSWORD, ...over,
  };
};

/** Posts the registration page like a browser: the form's CSRF token, the pre-session cookie, one address. */
async function registerViaPage(body: Record<string, string>, ip = freshIp()) {
  const agent = request.agent(t.app);
  const page = await agent.get('/register').expect(200);
  return agent.post('/register').set('X-Forwarded-For', ip).type('form').send({ ...body, _csrf: csrfFrom(page.text) });
}
const mailTo = (email: string) => t.deps.db.selectFrom('outbox').select('text_body').where('to_address', '=', email).orderBy('created_at').execute();
const tokenIn = (text: string) => /verify-email\?token=([\w-]+)/.exec(text)![1]!;
const userByEmail = (email: string) => t.deps.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

describe('GET/POST /register', () => {
  it('when a company registers through the page, then "Check your e-mail", an unverified vendor, and the link in the outbox', async () => {
    const body = form();
    const res = await registerViaPage(body);
    expect(res.status).toBe(201);
    expect(res.text).toContain('Check your e-mail');
    expect(res.text).toMatch(/role="status"[\s\S]*Your organization is registered/);
    expect(res.text).toContain(body.email);
    const user = await userByEmail(body.email);
    expect(user).toMatchObject({ role: 'vendor', email_verified_at: null, totp_secret: null });
    const org = await t.deps.db.selectFrom('organizations').selectAll().where('id', '=', user!.organization_id!).executeTakeFirstOrThrow();
    expect(org).toMatchObject({ legal_name: body.legalName, country: 'RU', uei: 'KL1234567890', standing_basis: 'named_party', standing_statement: body.statement });
    const [mail] = await mailTo(body.email);
    expect(mail!.text_body).toContain(`${t.url}/verify-email?token=`);
  });

  it('when the password is too short, then 422 weak_password with every field kept but the password, and nothing written', async () => {
    const body = form({ password: 'short but 14ch', basis: 'directly_impacted' });
    const res = await registerViaPage(body);
    expect(res.status).toBe(422);
    expect(res.text).toContain('<code>weak_password</code>');
    expect(res.text).toContain('at least 15 characters');
    expect(res.text).toContain(`value="${body.legalName.replace('<', '&lt;').replace('>', '&gt;')}"`);
    expect(res.text).toContain('<option value="RU" selected>Russia</option>');
    expect(res.text).toContain('value="kl1234567890"');
    expect(res.text).toMatch(/value="directly_impacted" checked/);
    expect(res.text).toContain('>Our products are named in BOD 17-01.\n\nWe answer every point.</textarea>');
    expect(res.text).toContain(`value="${body.email}"`);
    expect(res.text).not.toContain(body.password);
    expect(res.text).toMatch(/id="password"[^>]*aria-describedby="password-error password-hint"/);
    expect(await userByEmail(body.email)).toBeUndefined();
  });

  it('when a required choice is missing, then 400 invalid_request in words a person can act on, the field marked', async () => {
    const body = form({ country: '' });
    const res = await registerViaPage(body);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<code>invalid_request</code>');
    expect(res.text).toContain('Choose the country where your organization is registered.');
    expect(res.text).toMatch(/<select class="usa-select usa-input--error" id="country"/);
    expect(res.text).toContain(`value="${body.email}"`);
    expect(await userByEmail(body.email)).toBeUndefined();
  });

  it('when the e-mail already has an account, then 409 email_taken and the page offers to sign in', async () => {
    const first = form();
    expect((await registerViaPage(first)).status).toBe(201);
    const res = await registerViaPage(form({ email: first.email }));
    expect(res.status).toBe(409);
    expect(res.text).toContain('<code>email_taken</code>');
    expect(res.text).toContain('href="/sign-in"');
  });

  it('when the address is over its hourly limit, then 429 too_many_registrations with Retry-After', async () => {
    const ip = freshIp();
    // Ten earlier attempts from this address, whatever became of them.
    await t.deps.db.insertInto('auth_attempts').values(Array.from({ length: 10 }, () => ({ kind: 'register' as const, account_key: '', ip }))).execute();
    const body = form();
    const res = await registerViaPage(body, ip);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('3600');
    expect(res.text).toContain('<code>too_many_registrations</code>');
    expect(res.text).toContain(`value="${body.email}"`);
  });

  it('when the form comes without its CSRF token, then 403 and nothing is written', async () => {
    const body = form();
    const res = await request(t.app).post('/register').set('X-Forwarded-For', freshIp()).type('form').send(body);
    expect(res.status).toBe(403);
    expect(await userByEmail(body.email)).toBeUndefined();
  });
});

describe('GET/POST /verify-email', () => {
  const registered = async () => {
    const body = form();
    expect((await registerViaPage(body)).status).toBe(201);
    const [mail] = await mailTo(body.email);
    return { body, token: tokenIn(mail!.text_body) };
  };

  it('when the link is opened, then only a button shows and nothing changes; pressing it confirms the address', async () => {
    const { body, token } = await registered();
    const agent = request.agent(t.app);
    const page = await agent.get(`/verify-email?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Confirm my e-mail address');
    expect(page.text).toContain(`name="token" value="${token}"`);
    expect((await userByEmail(body.email))!.email_verified_at).toBeNull();

    const done = await agent.post('/verify-email').type('form').send({ token, _csrf: csrfFrom(page.text) });
    expect(done.status).toBe(303);
    expect(done.headers['location']).toBe('/verify-email/confirmed');
    expect((await userByEmail(body.email))!.email_verified_at).toBeInstanceOf(Date);
    const confirmed = await agent.get('/verify-email/confirmed');
    expect(confirmed.text).toMatch(/role="status"/);
  });

  it('when a used link is pressed again, then 400 invalid_token saying so, and a way to a new link', async () => {
    const { token } = await registered();
    const agent = request.agent(t.app);
    const page = await agent.get(`/verify-email?token=${token}`);
    await agent.post('/verify-email').type('form').send({ token, _csrf: csrfFrom(page.text) }).expect(303);
    const again = await agent.post('/verify-email').type('form').send({ token, _csrf: csrfFrom(page.text) });
    expect(again.status).toBe(400);
    expect(again.text).toContain('<code>invalid_token</code>');
    expect(again.text).toContain('already used');
    expect(again.text).toContain('href="/sign-in?next=%2Fverify-email%2Fresend"');
  });

  it('when the link has no token, then 400 invalid_token', async () => {
    const res = await request(t.app).get('/verify-email');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<code>invalid_token</code>');
  });

  it('when a signed-in unverified vendor asks for a new link, then a new mail goes out and the old link stops working', async () => {
    const { body, token } = await registered();
    const { agent, csrf } = await signInBrowser(t.app, { id: '', email: body.email, name: body.name, role: 'vendor', password: body.password, organizationId: null, totpSecret: null });
    const home = await agent.get('/');
    expect(home.text).toMatch(/role="status"[\s\S]*not confirmed yet[\s\S]*href="\/verify-email\/resend"/);
    const page = await agent.get('/verify-email/resend');
    expect(page.text).toContain('Send a new link');
    const sent = await agent.post('/verify-email/resend').type('form').send({ _csrf: csrf });
    expect(sent.status).toBe(303);
    const after = await agent.get(sent.headers['location']!);
    expect(after.text).toMatch(/role="status"[\s\S]*We sent a new link/);
    const mails = await mailTo(body.email);
    expect(mails).toHaveLength(2);
    expect(tokenIn(mails[1]!.text_body)).not.toBe(token);

    const old = await agent.post('/verify-email').type('form').send({ token, _csrf: csrf });
    expect(old.status).toBe(400);
    expect(old.text).toContain('expired');
    expect(old.text).toContain('action="/verify-email/resend"');
  });

  it('when nobody is signed in, then the resend page sends them to sign in first', async () => {
    const res = await request(t.app).get('/verify-email/resend');
    expect(res.status).toBe(303);
    expect(res.headers['location']).toBe('/sign-in?next=%2Fverify-email%2Fresend');
  });
});
