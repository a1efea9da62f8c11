import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor } from '../helpers/factories';
import { csrfFrom } from '../helpers/session';
import { currentTotp } from '../../server/accounts/totp';

let t: TestApp;
let adminToken: string;
beforeAll(async () => {
  t = await startTestApp();
  adminToken = await tokenFor(t.app, await buildUser(t.deps, { role: 'admin' }));
});
afterAll(async () => { await t.close(); });

const invite = (body: object, token = adminToken) =>
  request(t.app).post('/api/v1/users').set('Authorization', `Bearer ${token}`).send(body);

describe('POST /api/v1/users', () => {
  it('when an admin invites a reviewer, then 201, an audit row and a queued e-mail with a one-time link', async () => {
    const res = await invite({ email: 'new.reviewer@agency.example', name: 'New Reviewer', role: 'reviewer' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'new.reviewer@agency.example', role: 'reviewer' });
    const mail = await t.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', 'new.reviewer@agency.example').executeTakeFirstOrThrow();
    expect(mail.text_body).toMatch(/\/account\/activate\?token=[\w-]{43}/);
    expect(mail.text_body).not.toMatch(/password:/i);
    const audit = await t.deps.db.selectFrom('audit_events').select('action').where('subject_id', '=', res.body.id).execute();
    expect(audit.map((a) => a.action)).toContain('user.created');
  });

  it('when the e-mail already has an account, then 409 email_taken', async () => {
    await invite({ email: 'dup@agency.example', name: 'A', role: 'legal' }).expect(201);
    const res = await invite({ email: 'DUP@agency.example', name: 'B', role: 'legal' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_taken');
  });

  it('when a vendor calls a staff route, then 403', async () => {
    const vendorToken = await tokenFor(t.app, await buildUser(t.deps));
    const res = await invite({ email: 'x@agency.example', name: 'X', role: 'admin' }, vendorToken);
    expect(res.status).toBe(403);
  });

  it('when the role is not a staff role, then 400 naming the field', async () => {
    const res = await invite({ email: 'v@agency.example', name: 'V', role: 'vendor' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ field: 'role' });
  });

  it('when no one is signed in, then 401', async () => {
    const res = await request(t.app).post('/api/v1/users').send({ email: 'x@agency.example', name: 'X', role: 'admin' });
    expect(res.status).toBe(401);
  });
});

describe('POST /api/v1/users/:id/disable', () => {
  it('when an admin disables an account, then its live token stops working at once and the change is audited', async () => {
    const vendor = await buildUser(t.deps);
    const vendorToken = await tokenFor(t.app, vendor);
    const res = await request(t.app).post(`/api/v1/users/${vendor.id}/disable`).set('Authorization', `Bearer ${adminToken}`).send({ reason: 'Left the company' });
    expect(res.status).toBe(204);
    expect((await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${vendorToken}`)).status).toBe(401);
    const again = await request(t.app).post('/api/v1/auth/tokens').send({ email: vendor.email, password: vendor.password });
    expect(again.status).toBe(401);
    const audit = await t.deps.db.selectFrom('audit_events').select('action').where('subject_id', '=', vendor.id).where('action', '=', 'user.disabled').execute();
    expect(audit).toHaveLength(1);
  });
});

describe('account activation', () => {
  it('when the invitee follows the link, sets a password and confirms a code, then they can sign in; the link then fails', async () => {
    await invite({ email: 'activate.me@agency.example', name: 'Activate Me', role: 'supervisor' }).expect(201);
    const mail = await t.deps.db.selectFrom('outbox').select('text_body').where('to_address', '=', 'activate.me@agency.example').executeTakeFirstOrThrow();
    const token = /token=([\w-]+)/.exec(mail.text_body)![1]!;
    const agent = request.agent(t.app);
    const page = await agent.get(`/account/activate?token=${token}`);
    expect(page.status).toBe(200);
    const secret = /data-totp-secret="([A-Z2-7]+)"/.exec(page.text)?.[1] ?? /([A-Z2-7]{32})/.exec(page.text)![1]!;

    const weak = await agent.post('/account/activate').type('form').send({ token, password: 'password1', code: currentTotp(secret), _csrf: csrfFrom(page.text) });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('weak_password');

    const done = await agent.post('/account/activate').type('form')
      .send({ token, password: 'a sturdy passphrase for work', code: currentTotp(secret), _csrf: csrfFrom(page.text) });
    expect(done.status).toBe(303);
    const again = await agent.get(`/account/activate?token=${token}`);
    expect(again.status).toBe(404);
    expect(again.text).toContain('activation_invalid');

    const signIn = await request(t.app).post('/api/v1/auth/tokens')
      .send({ email: 'activate.me@agency.example', password: 'a sturdy passphrase for work', totp: currentTotp(secret, Date.now() + 30_000) });
    expect(signIn.status).toBe(201);
  });
});
