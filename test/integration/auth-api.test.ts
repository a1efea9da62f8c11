import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor, totpFor } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

describe('POST /api/v1/auth/tokens', () => {
  it('when a vendor gives the right password, then a token works for GET /me', async () => {
    const vendor = await buildUser(t.deps);
    const token = await tokenFor(t.app, vendor);
    const me = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: vendor.id, email: vendor.email, name: vendor.name, role: 'vendor', organizationId: vendor.organizationId });
  });

  it('when the password is wrong or the account unknown, then both get the same 401', async () => {
    const vendor = await buildUser(t.deps);
    const wrong = await request(t.app).post('/api/v1/auth/tokens').send({ email: vendor.email, password: 'not the password at all' });
    const unknown = await request(t.app).post('/api/v1/auth/tokens').send({ email: 'nobody-here@example.test', password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it('when a staff member omits the TOTP code, then 401 totp_required', async () => {
    const legal = await buildUser(t.deps, { role: 'legal' });
    const res = await request(t.app).post('/api/v1/auth/tokens').send({ email: legal.email, password: legal.password });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('totp_required');
  });

  it('when a TOTP code is reused, then the second sign-in is refused', async () => {
    const legal = await buildUser(t.deps, { role: 'legal' });
    const code = totpFor(legal);
    const first = await request(t.app).post('/api/v1/auth/tokens').send({ email: legal.email, password: legal.password, totp: code });
    const again = await request(t.app).post('/api/v1/auth/tokens').send({ email: legal.email, password: legal.password, totp: code });
    expect(first.status).toBe(201);
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_totp');
  });

  it('when staff have an authenticator, then the database holds only a sealed secret, and one copied into another staff row lets no code through', async () => {
    const attacker = await buildUser(t.deps, { role: 'reviewer' });
    const victim = await buildUser(t.deps, { role: 'supervisor' });
    const rows = await t.deps.db.selectFrom('users').select(['id', 'totp_secret']).where('id', 'in', [attacker.id, victim.id]).execute();
    for (const row of rows) expect(row.totp_secret).toMatch(/^v1\./);
    expect(JSON.stringify(rows)).not.toContain(attacker.totpSecret!);
    expect(JSON.stringify(rows)).not.toContain(victim.totpSecret!);

    // An insider with write access to the table puts their own sealed secret on the victim's row.
    const sealed = rows.find((r) => r.id === attacker.id)!.totp_secret!;
    await t.deps.db.updateTable('users').set({ totp_secret: sealed }).where('id', '=', victim.id).execute();
    const res = await request(t.app).post('/api/v1/auth/tokens').send({ email: victim.email, password: victim.password, totp: totpFor(attacker) });

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_totp');
  });

  it('when the body has an unknown field, then 400 unknown_field', async () => {
    const res = await request(t.app).post('/api/v1/auth/tokens').send({ email: 'a@b.test', password: 'x', role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'unknown_field' });
    expect(res.body.error.message).toContain('role');
  });

  it('when the JSON is malformed, then 400 malformed_json without a stack trace', async () => {
    const res = await request(t.app).post('/api/v1/auth/tokens').set('Content-Type', 'application/json').send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js/);
  });

  it('when the body is over the limit, then 413', async () => {
    const res = await request(t.app).post('/api/v1/auth/tokens').set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(600_000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});

describe('DELETE /api/v1/auth/tokens/current', () => {
  it('when a token is revoked, then it no longer authenticates', async () => {
    const vendor = await buildUser(t.deps);
    const token = await tokenFor(t.app, vendor);
    const del = await request(t.app).delete('/api/v1/auth/tokens/current').set('Authorization', `Bearer ${token}`);
    expect(del.status).toBe(204);
    const me = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('invalid_token');
  });
});
