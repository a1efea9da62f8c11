import { sql } from 'kysely';
import type { DbOrTrx, Role } from '../db/database';

export interface NewUser {
  /** Set when the caller needs the id before the insert (a sealed TOTP secret is bound to it). */
  id?: string;
  email: string;
  name: string;
  role: Role;
  organizationId: string | null;
  passwordHash: string;
  emailVerified: boolean;
  /** Sealed by TotpVault, never the plain secret. */
  totpSecret: string | null;
}

/** Inserts a user; returns its id. The e-mail must not already exist (unique, case-insensitive). */
export async function insertUser(db: DbOrTrx, u: NewUser): Promise<string> {
  const row = await db.insertInto('users').values({
    ...(u.id ? { id: u.id } : {}),
    email: u.email,
    name: u.name,
    role: u.role,
    organization_id: u.organizationId,
    password_hash: u.passwordHash,
    email_verified_at: u.emailVerified ? new Date() : null,
    totp_secret: u.totpSecret,
    totp_enrolled_at: u.totpSecret ? new Date() : null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export const findUserByEmail = (db: DbOrTrx, email: string) =>
  db.selectFrom('users').selectAll().where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();

export const findUserById = (db: DbOrTrx, id: string) =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export type UserRow = NonNullable<Awaited<ReturnType<typeof findUserById>>>;

/** An organization's members who are not disabled, in the order they joined. */
export const listActiveMembers = (db: DbOrTrx, organizationId: string) =>
  db.selectFrom('users').select(['id', 'name', 'email', 'email_verified_at'])
    .where('organization_id', '=', organizationId).where('disabled_at', 'is', null).orderBy('created_at').orderBy('id').execute();

/**
 * Marks a TOTP step used, atomically: false when that step (or a later one) was already used,
 * so a code can never be replayed, even by two requests racing.
 */
export async function consumeTotpStep(db: DbOrTrx, userId: string, step: number): Promise<boolean> {
  const res = await db.updateTable('users').set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', String(step))]))
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

/** Stores a confirmed TOTP secret (sealed) and the step that confirmed it. */
export async function enrolTotp(db: DbOrTrx, userId: string, sealedSecret: string, step: number): Promise<void> {
  await db.updateTable('users')
    .set({ totp_secret: sealedSecret, totp_enrolled_at: new Date(), totp_last_step: step, updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', userId).execute();
}

export async function setPassword(db: DbOrTrx, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users')
    .set({ password_hash: passwordHash, updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', userId).execute();
}

/** Marks the address confirmed (the first confirmation's time is kept). */
export async function markEmailVerified(db: DbOrTrx, userId: string): Promise<void> {
  await db.updateTable('users')
    .set({ email_verified_at: sql`coalesce(email_verified_at, now())`, updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', userId).execute();
}

/** The person's contact fields, row locked until the transaction ends (one resend at a time). */
export const lockUserContact = (db: DbOrTrx, id: string) =>
  db.selectFrom('users').select(['id', 'email', 'name', 'email_verified_at']).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();

/** Keeps the sealed secret of an authenticator being set up (never over an enrolled one). */
export async function setPendingTotpSecret(db: DbOrTrx, userId: string, sealedSecret: string): Promise<void> {
  await db.updateTable('users').set({ totp_secret: sealedSecret }).where('id', '=', userId).where('totp_enrolled_at', 'is', null).execute();
}

/** Disables an active account; false when there was none to disable. */
export async function markDisabled(db: DbOrTrx, userId: string): Promise<boolean> {
  const res = await db.updateTable('users').set({ disabled_at: new Date(), updated_at: new Date() })
    .where('id', '=', userId).where('disabled_at', 'is', null).executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

/** Ids of administrators who can sign in (activated, not disabled), their rows locked in id order. */
export async function lockActiveAdministrators(db: DbOrTrx): Promise<string[]> {
  const rows = await db.selectFrom('users').select('id')
    .where('role', '=', 'admin').where('disabled_at', 'is', null).where('totp_enrolled_at', 'is not', null)
    .orderBy('id').forUpdate().execute();
  return rows.map((r) => r.id);
}
