import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import request from 'supertest';
import type { Express } from 'express';
import type { Role } from '../../server/db/database';
import type { Deps } from '../../server/deps';
import { SYSTEM_CONTEXT } from '../../server/audit/audit.service';
import { createUserDirect } from '../../server/accounts/users.service';
import { currentTotp } from '../../server/accounts/totp';
import { ContentStore } from '../../server/documents/content-store';
import { pdf } from '../fixtures/uploads';

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
  const { id, totpSecret } = await createUserDirect(deps.db, deps.totpVault, SYSTEM_CONTEXT, { email, name, role, organizationId, password });
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

const HOUR = 3_600_000;

/** A proceeding of its own; open for responses unless the window is given. */
export async function buildProceeding(deps: Deps, attrs: { opensAt?: Date; closesAt?: Date; latePolicy?: 'reject' | 'accept_flagged'; responseSchema?: object | null } = {}) {
  const docket = `T-${unique().toUpperCase()}`;
  const row = await deps.db.insertInto('proceedings').values({
    docket, title: `Test proceeding ${docket}`, summary: 'A proceeding made for one test.', notice_text: 'Notice text.',
    opens_at: attrs.opensAt ?? new Date(Date.now() - HOUR), closes_at: attrs.closesAt ?? new Date(Date.now() + 24 * HOUR),
    time_zone: 'America/New_York', late_policy: attrs.latePolicy ?? 'reject',
    response_schema: attrs.responseSchema === undefined ? JSON.stringify({ type: 'object' }) : attrs.responseSchema && JSON.stringify(attrs.responseSchema),
    limits: JSON.stringify({ maxFileBytes: 10 * 1024 * 1024, maxFiles: 20, maxTotalBytes: 100 * 1024 * 1024 }),
  }).returning(['id', 'docket']).executeTakeFirstOrThrow();
  return row;
}

/**
 * A document on a draft exactly as the upload feature stores it: the bytes written through
 * ContentStore to their content address (`sha256/<aa>/<hex>`) and a row pointing at them, so the
 * document can be downloaded, filed and swept like an uploaded one (for tests of filing rules
 * that do not exercise the upload path itself). The content is a small PDF unique to this call.
 */
export async function buildDocumentRow(deps: Deps, submissionId: string, createdBy: string, attrs: { confidential?: boolean; publicVersionOf?: string; label?: string; data?: Buffer } = {}) {
  const data = attrs.data ?? pdf(`/Subject (factory ${unique()}) `);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const store = new ContentStore(deps.config.uploadsDir);
  const temp = await store.newTempPath();
  await writeFile(temp, data);
  const placement = await store.place(temp, sha256);
  await store.dropTemp(placement.keptTemp);
  const row = await deps.db.insertInto('documents').values({
    submission_id: submissionId, label: attrs.label ?? `Exhibit ${unique()}`, original_name: 'evidence.pdf', media_type: 'application/pdf',
    size: data.length, sha256, storage_key: placement.key, confidential: attrs.confidential ?? false,
    public_version_of: attrs.publicVersionOf ?? null, created_by: createdBy,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}
