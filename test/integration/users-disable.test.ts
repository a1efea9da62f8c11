import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { SYSTEM_CONTEXT } from '../../server/audit/audit.service';
import { disableUser } from '../../server/accounts/users.service';
import { AppError } from '../../server/http/errors';

// A database of its own: which administrators exist is what these tests are about.
let t: TestApp;
let first: TestUser;
let firstToken: string;
beforeAll(async () => {
  t = await startTestApp();
  first = await buildUser(t.deps, { role: 'admin' });
  firstToken = await tokenFor(t.app, first);
});
afterAll(async () => { await t.close(); });

const disable = (id: string, token: string) =>
  request(t.app).post(`/api/v1/users/${id}/disable`).set('Authorization', `Bearer ${token}`).send({ reason: 'Leaving the agency' });
const activeAdmins = async () => (await t.deps.db.selectFrom('users').select('id')
  .where('role', '=', 'admin').where('disabled_at', 'is', null).where('totp_enrolled_at', 'is not', null).execute()).map((r) => r.id);
const denials = (subjectId: string) => t.deps.db.selectFrom('audit_events').select(['action', 'actor_id', 'data'])
  .where('subject_id', '=', subjectId).where('action', '=', 'access.denied').execute();

describe('POST /api/v1/users/:id/disable refusals', () => {
  it('when an administrator disables their own account, then 409 cannot_disable_self, the account stays active, and the refusal is audited', async () => {
    const res = await disable(first.id, firstToken);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('cannot_disable_self');
    expect(res.body.error.message).toMatch(/another administrator/);
    expect((await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${firstToken}`)).status).toBe(200);
    expect(await denials(first.id)).toEqual([
      { action: 'access.denied', actor_id: first.id, data: { reason: expect.stringContaining('own account'), code: 'cannot_disable_self' } },
    ]);
  });

  it('when a staff member of another role is disabled, or one of two administrators, then 204', async () => {
    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const second = await buildUser(t.deps, { role: 'admin' });
    expect((await disable(reviewer.id, firstToken)).status).toBe(204);
    expect((await disable(second.id, firstToken)).status).toBe(204);
    expect(await activeAdmins()).toEqual([first.id]);
  });

  it('when the only administrator who can sign in is disabled by anyone (the CLI, a system task), then 409 last_administrator, audited; an unactivated invitee does not count', async () => {
    await request(t.app).post('/api/v1/users').set('Authorization', `Bearer ${firstToken}`)
      .send({ email: 'invited.admin@agency.example', name: 'Invited Admin', role: 'admin' }).expect(201);
    const refused = await disableUser(t.deps.db, SYSTEM_CONTEXT, first.id, 'cleanup').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 409, code: 'last_administrator' });
    expect(await activeAdmins()).toEqual([first.id]);
    expect((await denials(first.id)).map((d) => (d.data as { code: string }).code)).toContain('last_administrator');
  });

  it('when two administrators disable each other at the same moment, then at most one succeeds and one administrator remains', async () => {
    for (let round = 0; round < 3; round += 1) {
      const a = await buildUser(t.deps, { role: 'admin' });
      const b = await buildUser(t.deps, { role: 'admin' });
      const [ta, tb] = [await tokenFor(t.app, a), await tokenFor(t.app, b)];
      // The two others leave first, so a and b are the only administrators.
      for (const id of await activeAdmins()) if (id !== a.id && id !== b.id) await disableUser(t.deps.db, { ...SYSTEM_CONTEXT, actorId: a.id }, id, 'rotation');
      expect((await activeAdmins()).sort()).toEqual([a.id, b.id].sort());

      const [ab, ba] = await Promise.all([disable(b.id, ta), disable(a.id, tb)]);
      const statuses = [ab.status, ba.status].sort();
      expect(statuses.filter((s) => s === 204)).toHaveLength(1);
      for (const r of [ab, ba]) if (r.status === 409) expect(r.body.error.code).toBe('last_administrator');
      expect(await activeAdmins()).toHaveLength(1);
    }
  });
});
