import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, Db, Role } from '../db/database';
import { recordAudit, recordAuditNow, type AuditContext } from '../audit/audit.service';
import { AppError, conflict, unprocessable } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { isStaff } from '../access/actor';
import { hashPassword, passwordProblem, unusablePasswordHash } from './password';
import { newTotpSecret } from './totp';
import type { TotpVault } from './totp-vault';
import { insertUser, lockActiveAdministrators, markDisabled, type NewUser } from './users.repository';
import { revokeAllCredentials } from './credentials.repository';
import { issueOneTimeToken } from './one-time-tokens.repository';

const ACTIVATION_LIFETIME_MS = 72 * 60 * 60 * 1000;

/** Inserts a user, turning a duplicate e-mail into a clear 409. */
export async function insertUniqueUser(trx: Transaction<Database>, user: NewUser): Promise<string> {
  try {
    return await insertUser(trx, user);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new AppError(409, 'email_taken', 'An account with this e-mail address already exists.');
    }
    throw err;
  }
}

/**
 * POST /users: an administrator adds a staff member. The person gets an e-mail with a one-time
 * link (72 h) to choose a password and enrol an authenticator; no password ever travels by mail.
 */
export async function inviteStaffUser(db: Db, ctx: AuditContext, input: { email: string; name: string; role: Role }, links: { publicUrl: string; mailDomain: string }) {
  return db.transaction().execute(async (trx) => {
    const id = await insertUniqueUser(trx, { ...input, organizationId: null, passwordHash: unusablePasswordHash(), emailVerified: true, totpSecret: null });
    const token = await issueOneTimeToken(trx, id, 'activate', ACTIVATION_LIFETIME_MS);
    const link = `${links.publicUrl}/account/activate?token=${token}`;
    await enqueueMail(trx, {
      to: input.email,
      subject: 'Your Vendor Response Portal account',
      carriesSecret: true,
      text: `An administrator created a ${input.role} account for you on the Vendor Response Portal.\n\n`
        + `Choose your password and set up your authenticator within 72 hours:\n${link}\n\n`
        + 'If you did not expect this, ignore this message.',
    }, links.mailDomain);
    await recordAudit(trx, ctx, { action: 'user.created', subjectType: 'user', subjectId: id, data: { after: { email: input.email, name: input.name, role: input.role } } });
    return { id, email: input.email, name: input.name, role: input.role };
  });
}

export interface DirectUser {
  email: string;
  name: string;
  role: Role;
  organizationId?: string | null;
  password: string;
}

/**
 * Creates a ready-to-use account (CLI, demo seed, tests): the password must meet the rules, and a
 * staff account gets its TOTP secret now (returned once, to show to the person).
 */
export async function createUserDirect(db: Db, vault: TotpVault, ctx: AuditContext, input: DirectUser): Promise<{ id: string; totpSecret: string | null }> {
  const staff = isStaff(input.role);
  const problem = passwordProblem(input.password, { mfa: staff, email: input.email, name: input.name });
  if (problem) throw unprocessable('weak_password', problem);
  const passwordHash = await hashPassword(input.password);
  const totpSecret = staff ? newTotpSecret() : null;
  const id = randomUUID();
  return db.transaction().execute(async (trx) => {
    await insertUniqueUser(trx, {
      id, email: input.email, name: input.name, role: input.role, organizationId: input.organizationId ?? null,
      passwordHash, emailVerified: true, totpSecret: totpSecret && vault.seal(id, totpSecret),
    });
    await recordAudit(trx, ctx, { action: 'user.created', subjectType: 'user', subjectId: id, data: { after: { email: input.email, name: input.name, role: input.role } } });
    return { id, totpSecret };
  });
}

const REFUSALS = new Set(['cannot_disable_self', 'last_administrator']);

/**
 * An administrator disables an account: every session and token ends now; the row stays for the
 * record. Nobody disables their own account, and the last administrator who can sign in is never
 * disabled (so no one can lock every administrator out); those refusals are audited like access
 * denials. Active administrators' rows are locked first, so two administrators disabling each
 * other at once cannot both succeed.
 */
export async function disableUser(db: Db, ctx: AuditContext, userId: string, reason: string): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      if (ctx.actorId === userId) throw conflict('cannot_disable_self', 'You cannot disable your own account. Ask another administrator to do it.');
      await assertNotLastAdministrator(trx, userId);
      if (!(await markDisabled(trx, userId))) throw new AppError(404, 'not_found', 'No such active account.');
      await revokeAllCredentials(trx, userId);
      await recordAudit(trx, ctx, { action: 'user.disabled', subjectType: 'user', subjectId: userId, data: { reason } });
    });
  } catch (err) {
    if (err instanceof AppError && REFUSALS.has(err.code)) {
      await recordAuditNow(db, ctx, { action: 'access.denied', subjectType: 'user', subjectId: userId, data: { reason: err.message, code: err.code } });
    }
    throw err;
  }
}

/**
 * Refuses to disable the last administrator who can sign in (activated: authenticator set up, not
 * disabled). Locks every such row, so a concurrent disable waits and then counts what committed.
 */
async function assertNotLastAdministrator(trx: Transaction<Database>, userId: string): Promise<void> {
  const admins = await lockActiveAdministrators(trx);
  if (admins.includes(userId) && admins.length <= 1) {
    throw conflict('last_administrator', 'This is the last administrator who can sign in. Make another administrator first, then disable this account.');
  }
}
