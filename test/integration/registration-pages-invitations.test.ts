import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser } from '../helpers/factories';
import { csrfFrom, signInBrowser } from '../helpers/session';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

const colleague = () => ({ name: 'A <Colleague>', email: `colleague-${randomBytes(4).toString('hex')}@acme.example` });
const activationTokenFor = async (email: string) => {
  const mail = await t.deps.db.selectFrom('outbox').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
  return /account\/activate\?token=([\w-]+)/.exec(mail.text_body)![1]!;
};

describe('GET/POST /organization/invitations', () => {
  it('when a verified vendor invites a colleague, then the list shows them unconfirmed and the activation link is e-mailed', async () => {
    const vendor = await buildUser(t.deps);
    const { agent, csrf } = await signInBrowser(t.app, vendor);
    const page = await agent.get('/organization/invitations');
    expect(page.status).toBe(200);
    expect(page.text).toContain(vendor.email);
    expect(page.text).toContain('Send invitation');

    const who = colleague();
    const res = await agent.post('/organization/invitations').type('form').send({ ...who, _csrf: csrf });
    expect(res.status).toBe(303);
    const after = await agent.get(res.headers['location']!);
    expect(after.text).toMatch(/role="status"[\s\S]*Invitation sent/);
    expect(after.text).toContain('A &lt;Colleague&gt;');
    expect(after.text).not.toContain('A <Colleague>');
    expect(after.text).toMatch(new RegExp(`${who.email}</td>\\s*<td data-label="Address confirmed">Not yet`));
    expect(await activationTokenFor(who.email)).toMatch(/^[\w-]{43}$/);
  });

  it('when the invitation is refused, then the status and code show and both fields are kept', async () => {
    const vendor = await buildUser(t.deps);
    const { agent, csrf } = await signInBrowser(t.app, vendor);
    const taken = await agent.post('/organization/invitations').type('form').send({ name: 'Someone', email: vendor.email, _csrf: csrf });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('<code>email_taken</code>');
    expect(taken.text).toContain(`value="${vendor.email}"`);
    const bad = await agent.post('/organization/invitations').type('form').send({ name: 'Someone', email: 'not-an-address', _csrf: csrf });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter your colleague’s e-mail address');
    expect(bad.text).toContain('value="Someone"');
  });

  it('when the vendor has not confirmed their own address, then no form, and a POST is 403 email_not_verified, audited', async () => {
    const vendor = await buildUser(t.deps);
    await t.deps.db.updateTable('users').set({ email_verified_at: null }).where('id', '=', vendor.id).execute();
    const { agent, csrf } = await signInBrowser(t.app, vendor);
    const page = await agent.get('/organization/invitations');
    expect(page.text).not.toContain('Send invitation');
    expect(page.text).toContain('href="/verify-email/resend"');
    const who = colleague();
    const res = await agent.post('/organization/invitations').type('form').send({ ...who, _csrf: csrf });
    expect(res.status).toBe(403);
    expect(res.text).toContain('<code>email_not_verified</code>');
    const denials = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'access.denied').where('actor_id', '=', vendor.id).execute();
    expect(denials).toHaveLength(1);
    expect(await t.deps.db.selectFrom('users').select('id').where('email', '=', who.email).execute()).toHaveLength(0);
  });

  it('when staff open the page, then 403, audited; when nobody is signed in, then sign in first', async () => {
    const admin = await buildUser(t.deps, { role: 'admin' });
    const { agent } = await signInBrowser(t.app, admin);
    expect((await agent.get('/organization/invitations')).status).toBe(403);
    const denials = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'access.denied').where('actor_id', '=', admin.id).execute();
    expect(denials).toHaveLength(1);
    const anonymous = await request(t.app).get('/organization/invitations');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers['location']).toBe('/sign-in?next=%2Forganization%2Finvitations');
  });
});

describe('GET/POST /account/activate for an invited vendor', () => {
  it('when the invitee opens the link, then no authenticator is offered; a 15-character password activates and confirms them', async () => {
    const vendor = await buildUser(t.deps);
    const { agent, csrf } = await signInBrowser(t.app, vendor);
    const who = colleague();
    await agent.post('/organization/invitations').type('form').send({ ...who, _csrf: csrf }).expect(303);
    const token = await activationTokenFor(who.email);

    const invitee = request.agent(t.app);
    const page = await invitee.get(`/account/activate?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('At least 15 characters');
    expect(page.text).not.toContain('id="code"');
    expect(page.text).not.toContain('otpauth://');
    const short = await invitee.post('/account/activate').type('form').send({ token, password: 'fourteen chars', _csrf: csrfFrom(page.text) });
    expect(short.status).toBe(422);
    expect(short.text).toContain('<code>weak_password</code>');
    expect(short.text).not.toContain('id="code"');

    const done = await invitee.post('/account/activate').type('form').send({ token, password: 'fifteen chars!!', _csrf: csrfFrom(page.text) });
    expect(done.status).toBe(303);
    expect(done.headers['location']).toBe('/sign-in?activated=1');
    const user = await t.deps.db.selectFrom('users').selectAll().where('email', '=', who.email).executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeInstanceOf(Date);
    expect(user.totp_secret).toBeNull();
    expect(user.totp_enrolled_at).toBeNull();
  });
});
