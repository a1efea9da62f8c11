import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

// Each test registers from an address of its own (the app trusts X-Forwarded-For from loopback),
// so the per-address throttle only bites where a test means it to.
let lastOctet = 1;
const freshIp = () => `198.51.100.${lastOctet++}`;
const unique = () => randomBytes(4).toString('hex');
const PASSWORD = 'tundra lantern orchard 42';
const registration = (over: { organization?: object; standing?: object; user?: object } = {}) => {
  const id = unique();
  return {
    organization: { legalName: `Kaspersky Lab ${id}`, country: 'RU', uei: 'KL1234567890', ...over.organization },
    standing: { basis: 'named_party', statement: 'Our products are named in BOD 17-01.', ...over.standing },
    user: { email: `counsel-${id}@kaspersky.example`, name: 'Outside Counsel', password: PASSWORD, ...over.user },
  };
};
const register = (body: object, ip = freshIp()) => request(t.app).post('/api/v1/auth/register').set('X-Forwarded-For', ip).send(body);
const verify = (token: string) => request(t.app).post('/api/v1/auth/verify-email').send({ token });
const mailTo = (email: string) => t.deps.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', email).orderBy('created_at').execute();
const tokenIn = (text: string) => /verify-email\?token=([\w-]+)/.exec(text)![1]!;
/** Signs a registered (not yet verified) vendor in: they may, but may not file until verified. */
const bearerFor = async (user: { email: string; password: string }): Promise<string> =>
  (await request(t.app).post('/api/v1/auth/tokens').send({ email: user.email, password: user.password }).expect(201)).body.token;
const orgRows = (legalName: string) => t.deps.db.selectFrom('organizations').select('id').where('legal_name', '=', legalName).execute();
const userRows = (email: string) => t.deps.db.selectFrom('users').select('id').where('email', '=', email).execute();

describe('POST /api/v1/auth/register', () => {
  it('when a company registers, then 201 with ids, an unverified vendor, a hashed 24-hour link e-mailed, and audit events', async () => {
    const body = registration();
    const res = await register(body);
    expect(res.status).toBe(201);
    const { organizationId, userId } = res.body;
    const org = await t.deps.db.selectFrom('organizations').selectAll().where('id', '=', organizationId).executeTakeFirstOrThrow();
    expect(org).toMatchObject({ legal_name: body.organization.legalName, country: 'RU', uei: 'KL1234567890', standing_basis: 'named_party', standing_statement: body.standing.statement });
    const user = await t.deps.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ role: 'vendor', organization_id: organizationId, email_verified_at: null, totp_secret: null });

    const [mail] = await mailTo(body.user.email);
    expect(mail!.text_body).toContain(`${t.url}/verify-email?token=`);
    const token = tokenIn(mail!.text_body);
    const stored = await t.deps.db.selectFrom('one_time_tokens').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.purpose).toBe('verify_email');
    expect(stored.token_hash.equals(createHash('sha256').update(token).digest())).toBe(true);
    expect(stored.expires_at.getTime() - Date.now()).toBeGreaterThan(23.9 * 3600e3);
    expect(stored.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600e3);

    const audit = await t.deps.db.selectFrom('audit_events').select(['action', 'actor_id', 'data'])
      .where('subject_id', 'in', [organizationId, userId]).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['organization.registered', 'user.created']);
    expect(audit.every((a) => a.actor_id === userId)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it('when the password is too short for an account without MFA, then 422 weak_password and no organization or user row', async () => {
    const body = registration({ user: { password: 'short but 14ch' } });
    const res = await register(body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('weak_password');
    expect(res.body.error.message).toMatch(/at least 15 characters/);
    expect(await orgRows(body.organization.legalName)).toHaveLength(0);
    expect(await userRows(body.user.email)).toHaveLength(0);
    expect(await mailTo(body.user.email)).toHaveLength(0);
  });

  it('when the e-mail already has an account (in any case), then 409 email_taken and no second organization', async () => {
    const first = registration();
    await register(first).expect(201);
    const again = registration({ user: { email: first.user.email.toUpperCase() } });
    const res = await register(again);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_taken');
    expect(await orgRows(again.organization.legalName)).toHaveLength(0);
  });

  it.each([
    ['an unknown field', { organization: { duns: '123456789' } }, 'organization.duns'],
    ['a country that is not ISO 3166-1', { organization: { country: 'EU' } }, 'organization.country'],
    ['a lower-case country', { organization: { country: 'ru' } }, 'organization.country'],
    ['a UEI of the wrong length', { organization: { uei: 'KL123' } }, 'organization.uei'],
    ['a UEI with the letter O, which SAM.gov never uses', { organization: { uei: 'KLO234567890' } }, 'organization.uei'],
    ['an unknown standing basis', { standing: { basis: 'competitor' } }, 'standing.basis'],
    ['an empty statement', { standing: { statement: '' } }, 'standing.statement'],
    ['a name with a line break', { user: { name: 'Eve\r\nBcc: all@example.test' } }, 'user.name'],
    ['an e-mail that is not one', { user: { email: 'not-an-address' } }, 'user.email'],
  ])('when the body has %s, then 400 naming the field and nothing is written', async (_what, over, field) => {
    const body = registration(over);
    const res = await register(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe(field);
    expect(await orgRows(body.organization.legalName)).toHaveLength(0);
  });

  it('when one address registers ten times in an hour, then the eleventh gets 429 and writes nothing; other addresses still can', async () => {
    const ip = freshIp();
    const taken = registration();
    await register(taken, ip).expect(201);
    // A refused attempt (probing for an existing account) counts too.
    await register(registration({ user: { email: taken.user.email } }), ip).expect(409);
    for (let i = 0; i < 8; i += 1) await register(registration(), ip).expect(201);
    const body = registration();
    const res = await register(body, ip);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('too_many_registrations');
    expect(res.headers['retry-after']).toBe('3600');
    expect(await orgRows(body.organization.legalName)).toHaveLength(0);
    expect((await register(registration())).status).toBe(201);
  });
});

describe('POST /api/v1/auth/verify-email', () => {
  const registered = async () => {
    const body = registration();
    const { userId } = (await register(body).expect(201)).body;
    const [mail] = await mailTo(body.user.email);
    return { body, userId: userId as string, token: tokenIn(mail!.text_body) };
  };

  it('when the link is followed, then 204, the address is verified and audited; the same link a second time is 400', async () => {
    const { userId, token } = await registered();
    expect((await verify(token)).status).toBe(204);
    const user = await t.deps.db.selectFrom('users').select('email_verified_at').where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeInstanceOf(Date);
    const used = await t.deps.db.selectFrom('one_time_tokens').select('used_at').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(used.used_at).toBeInstanceOf(Date);
    const audit = await t.deps.db.selectFrom('audit_events').select('actor_id').where('action', '=', 'user.email_verified').where('subject_id', '=', userId).execute();
    expect(audit).toEqual([{ actor_id: userId }]);

    const again = await verify(token);
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'invalid_token', message: expect.stringContaining('already used') });
  });

  it('when the link is older than 24 hours, then 400 invalid_token saying it expired, and the address stays unverified', async () => {
    const { userId, token } = await registered();
    await t.deps.db.updateTable('one_time_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', userId).execute();
    const res = await verify(token);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_token', message: expect.stringContaining('expired') });
    const user = await t.deps.db.selectFrom('users').select('email_verified_at').where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeNull();
  });

  it('when the token is unknown or the body is wrong, then 400', async () => {
    const unknown = await verify(randomBytes(32).toString('base64url'));
    expect(unknown.body.error).toMatchObject({ code: 'invalid_token', message: expect.stringContaining('not valid') });
    const extra = await request(t.app).post('/api/v1/auth/verify-email').send({ token: 'x', userId: 'y' });
    expect(extra.body.error.code).toBe('unknown_field');
  });

  it('when an unverified member files, then 422 email_not_verified; after verifying, the filing goes through', async () => {
    const { body, token } = await registered();
    const bearer = await bearerFor(body.user);
    const p = await buildProceeding(t.deps);
    const draft = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set('Authorization', `Bearer ${bearer}`)
      .send({ title: 'Response of Kaspersky Lab', argument: '1. The directive rests on no evidence about our products.' }).expect(201);
    const file = () => request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set('Authorization', `Bearer ${bearer}`)
      .send({ certification: { accepted: true, signature: 'Outside Counsel' } });
    const refused = await file();
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('email_not_verified');
    await verify(token).expect(204);
    expect((await file()).status).toBe(200);
  });
});

describe('POST /api/v1/auth/verify-email/resend', () => {
  it('when an unverified vendor asks again, then 202, a new link works and the old one no longer does', async () => {
    const body = registration();
    await register(body).expect(201);
    const bearer = await bearerFor(body.user);
    const resend = () => request(t.app).post('/api/v1/auth/verify-email/resend').set('Authorization', `Bearer ${bearer}`);
    expect((await resend()).status).toBe(202);
    const mails = await mailTo(body.user.email);
    expect(mails).toHaveLength(2);
    const [oldToken, newToken] = mails.map((m) => tokenIn(m.text_body));
    expect((await verify(oldToken!)).body.error.message).toContain('expired');
    expect((await verify(newToken!)).status).toBe(204);
    const done = await resend();
    expect(done.status).toBe(409);
    expect(done.body.error.code).toBe('email_already_verified');
  });

  it('when links are asked for too often, then 429 after five in an hour', async () => {
    const body = registration();
    await register(body).expect(201);
    const bearer = await bearerFor(body.user);
    const resend = () => request(t.app).post('/api/v1/auth/verify-email/resend').set('Authorization', `Bearer ${bearer}`);
    for (let i = 0; i < 4; i += 1) await resend().expect(202);
    const res = await resend();
    expect(res.status).toBe(429);
    expect(await mailTo(body.user.email)).toHaveLength(5);
  });

  it('when staff or nobody asks, then 403 (the refusal audited) or 401', async () => {
    const legalUser = await buildUser(t.deps, { role: 'legal' });
    const legal = await tokenFor(t.app, legalUser);
    expect((await request(t.app).post('/api/v1/auth/verify-email/resend').set('Authorization', `Bearer ${legal}`)).status).toBe(403);
    const denied = await t.deps.db.selectFrom('audit_events').select(['subject_id', 'data']).where('action', '=', 'access.denied')
      .where('actor_id', '=', legalUser.id).execute();
    expect(denied).toEqual([{ subject_id: legalUser.id, data: expect.objectContaining({ decision: 'account.resend_verification' }) }]);
    expect((await request(t.app).post('/api/v1/auth/verify-email/resend')).status).toBe(401);
  });
});
