import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import type { Role } from '../../server/db/database';
import type { Deps } from '../../server/deps';
import { SYSTEM_CONTEXT } from '../../server/audit/audit.service';
import { createUserDirect } from '../../server/accounts/users.service';
import { currentTotp } from '../../server/accounts/totp';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  password: string;
  organizationId: string | null;
  totpSecret: string | null;
}

const unique = () => randomBytes(5).toString('hex');

/** An organization of its own for each test that needs one. */
export async function buildOrganization(deps: Deps, attrs: { legalName?: string; country?: string } = {}): Promise<string> {
  const row = await deps.db.insertInto('organizations')
    .values({ legal_name: attrs.legalName ?? `Acme ${unique()} LLC`, country: attrs.country ?? 'US', uei: null })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A ready account; vendors get an organization of their own unless one is given. */
export async function buildUser(deps: Deps, attrs: { role?: Role; organizationId?: string; email?: string } = {}): Promise<TestUser> {
  const role = attrs.role ?? 'vendor';
  const organizationId = role === 'vendor' ? attrs.organizationId ?? (await buildOrganization(deps)) : null;
  const email = attrs.email ?? `${role}-${unique()}@example.test`;
  const name = `Test ${role} ${unique()}`;
  const password = `correct horse ${unique()} staple`;
  const { id, totpSecret } = await createUserDirect(deps.db, SYSTEM_CONTEXT, { email, name, role, organizationId, password });
  return { id, email, name, role, password, organizationId, totpSecret };
}

/**
 * A TOTP code for the user that has not been used yet: codes work once, so after a sign-in the
 * next code comes from the following 30-second step.
 */
export function totpFor(user: TestUser, offsetSteps = 0): string {
  if (!user.totpSecret) throw new Error('user has no TOTP secret');
  return currentTotp(user.totpSecret, Date.now() + offsetSteps * 30_000);
}

/** Signs in over the API and returns a bearer token. */
export async function tokenFor(app: Express, user: TestUser): Promise<string> {
  const res = await request(app).post('/api/v1/auth/tokens')
    .send({ email: user.email, password: user.password, ...(user.totpSecret ? { totp: totpFor(user) } : {}) });
  if (res.status !== 201) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}
