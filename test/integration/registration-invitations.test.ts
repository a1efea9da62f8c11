import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildOrganization, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../server/audit/audit.service';
import { activateAccount } from '../../server/accounts/enrolment.service';
import { MAX_INVITATIONS_PER_DAY } from '../../server/accounts/invitations.service';

let t: TestApp;
let a: TestUser;
let aToken: string;
let b: TestUser;
let bToken: string;
beforeAll(async () => {
  t = await startTestApp();
  a = await buildUser(t.deps);
  aToken = await tokenFor(t.app, a);
  b = await buildUser(t.deps);
  bToken = await tokenFor(t.app, b);
});
afterAll(async () => { await t.close(); });

const colleague = () => ({ email: `colleague-${randomBytes(4).toString('hex')}@acme.example`, name: 'A Colleague' });
const invite = (orgId: string, body: object, token = aToken) =>
  request(t.app).post(`/api/v1/organizations/${orgId}/invitations`).set('Authorization', `Bearer ${token}`).send(body);
const denialsOf = (actorId: string, subjectId: string) => t.deps.db.selectFrom('audit_events').select('data')
  .where('action', '=', 'access.denied').where('actor_id', '=', actorId).where('subject_id', '=', subjectId).execute();
const userRows = (email: string) => t.deps.db.selectFrom('users').select('id').where('email', '=', email).execute();

describe('POST /api/v1/organizations/:id/invitations', () => {
  it('when a verified member invites a colleague, then 201, an unusable unverified account, a 72-hour link by e-mail, and audit events', async () => {
    const who = colleague();
    const res = await invite(a.organizationId!, who);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), ...who, organizationId: a.organizationId });
    const user = await t.deps.db.selectFrom('users').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ role: 'vendor', organization_id: a.organizationId, email_verified_at: null, totp_secret: null });
    const link = await t.deps.db.selectFrom('one_time_tokens').select(['purpose', 'expires_at']).where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(link.purpose).toBe('activate');
    expect(link.expires_at.getTime() - Date.now()).toBeGreaterThan(71.9 * 3600e3);
    const mail = await t.deps.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', who.email).executeTakeFirstOrThrow();
    expect(mail.text_body).toMatch(new RegExp(`${t.url}/account/activate\\?token=[\\w-]{43}`));
    expect(mail.text_body).toContain(a.name);
    const audit = await t.deps.db.selectFrom('audit_events').select(['action', 'actor_id']).where('subject_id', 'in', [user.id, a.organizationId!]).execute();
    expect(audit).toEqual(expect.arrayContaining([{ action: 'user.created', actor_id: a.id }, { action: 'organization.member_invited', actor_id: a.id }]));
  });

  it('when the invitee follows the link with a 15-character password and no authenticator code, then they are active and verified', async () => {
    const who = colleague();
    await invite(a.organizationId!, who).expect(201);
    const mail = await t.deps.db.selectFrom('outbox').select('text_body').where('to_address', '=', who.email).executeTakeFirstOrThrow();
    const token = /token=([\w-]+)/.exec(mail.text_body)![1]!;
    await expect(activateAccount(t.deps.db, t.deps.totpVault, SYSTEM_CONTEXT, token, { password: 'fourteen chars', code: '' })).rejects.toMatchObject({ code: 'weak_password' });
    await activateAccount(t.deps.db, t.deps.totpVault, SYSTEM_CONTEXT, token, { password: 'fifteen chars!!', code: '' });
    const user = await t.deps.db.selectFrom('users').selectAll().where('email', '=', who.email).executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeInstanceOf(Date);
    expect(user.totp_enrolled_at).toBeNull();
    const signIn = await request(t.app).post('/api/v1/auth/tokens').send({ email: who.email, password: 'fifteen chars!!' });
    expect(signIn.status).toBe(201);
  });

  it('when vendor B invites into A\'s organization, then 404, nothing is created, and the denial is audited', async () => {
    const who = colleague();
    const res = await invite(a.organizationId!, who, bToken);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(await userRows(who.email)).toHaveLength(0);
    expect(await denialsOf(b.id, a.organizationId!)).toHaveLength(1);
  });

  it('when a member has not confirmed their own address, then 403 email_not_verified, audited', async () => {
    const unverified = await buildUser(t.deps, { organizationId: a.organizationId! });
    await t.deps.db.updateTable('users').set({ email_verified_at: null }).where('id', '=', unverified.id).execute();
    const res = await invite(a.organizationId!, colleague(), await tokenFor(t.app, unverified));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('email_not_verified');
    expect(await denialsOf(unverified.id, a.organizationId!)).toHaveLength(1);
  });

  it('when staff invite into an organization, then 403, audited', async () => {
    const admin = await buildUser(t.deps, { role: 'admin' });
    const res = await invite(a.organizationId!, colleague(), await tokenFor(t.app, admin));
    expect(res.status).toBe(403);
    expect(await denialsOf(admin.id, a.organizationId!)).toHaveLength(1);
  });

  it('when the e-mail has an account, the body has extra fields, or the id is not one, then 409, 400 and 404', async () => {
    const taken = await invite(a.organizationId!, { email: b.email.toUpperCase(), name: 'Someone' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('email_taken');
    const extra = await invite(a.organizationId!, { ...colleague(), role: 'admin' });
    expect(extra.body.error).toMatchObject({ code: 'unknown_field' });
    expect((await invite('not-a-uuid', colleague())).status).toBe(404);
    expect((await request(t.app).post(`/api/v1/organizations/${a.organizationId}/invitations`).send(colleague())).status).toBe(401);
  });
});

describe('GET /api/v1/organizations/:id', () => {
  it('when a member asks, then the organization, its standing and its members', async () => {
    const res = await request(t.app).get(`/api/v1/organizations/${a.organizationId}`).set('Authorization', `Bearer ${aToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: a.organizationId, country: 'US', uei: null, legalName: expect.any(String),
      standing: { basis: 'directly_impacted', statement: '' },
    });
    expect(res.body.members).toEqual(expect.arrayContaining([{ id: a.id, name: a.name, email: a.email, emailVerified: true }]));
    expect(res.body.members.map((m: { id: string }) => m.id)).not.toContain(b.id);
  });

  it('when staff ask, then 200; when another vendor asks, then 404 and the denial is audited', async () => {
    const reviewer = await tokenFor(t.app, await buildUser(t.deps, { role: 'reviewer' }));
    expect((await request(t.app).get(`/api/v1/organizations/${a.organizationId}`).set('Authorization', `Bearer ${reviewer}`)).status).toBe(200);
    const res = await request(t.app).get(`/api/v1/organizations/${a.organizationId}`).set('Authorization', `Bearer ${bToken}`);
    expect(res.status).toBe(404);
    expect((await denialsOf(b.id, a.organizationId!)).length).toBeGreaterThan(0);
  });

  it('when the organization does not exist, then 404 for staff too', async () => {
    const reviewer = await tokenFor(t.app, await buildUser(t.deps, { role: 'reviewer' }));
    const res = await request(t.app).get('/api/v1/organizations/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${reviewer}`);
    expect(res.status).toBe(404);
  });
});

describe('the invitation cap', () => {
  it(`when an organization has sent ${MAX_INVITATIONS_PER_DAY} invitations in a day, then the next is 429 with Retry-After, and no account or mail is made`, async () => {
    const orgId = await buildOrganization(t.deps);
    const member = await buildUser(t.deps, { organizationId: orgId });
    const token = await tokenFor(t.app, member);
    for (let i = 0; i < MAX_INVITATIONS_PER_DAY; i += 1) await invite(orgId, colleague(), token).expect(201);

    const who = colleague();
    const res = await invite(orgId, who, token);

    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('too_many_invitations');
    expect(res.headers['retry-after']).toBe('86400');
    expect(await userRows(who.email)).toEqual([]);
    const mail = await t.deps.db.selectFrom('outbox').select('id').where('to_address', '=', who.email).execute();
    expect(mail).toEqual([]);
    const other = await invite(b.organizationId!, colleague(), bToken);
    expect(other.status).toBe(201);
  });
});

