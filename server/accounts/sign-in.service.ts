import type { Db, SessionStage } from '../db/database';
import { AppError } from '../http/errors';
import { recordAudit, recordAuditNow, type AuditContext } from '../audit/audit.service';
import { isStaff } from '../access/actor';
import { DUMMY_HASH, verifyPassword } from './password';
import { totpStep } from './totp';
import type { TotpVault } from './totp-vault';
import { consumeTotpStep, findUserByEmail, type UserRow } from './users.repository';
import {
  MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP, clearFailures, createApiToken, createSession,
  recentFailures, recordFailure,
} from './credentials.repository';

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'The e-mail address or password is incorrect.');

/**
 * Checks e-mail and password with throttling. Unknown accounts cost the same scrypt work and get
 * the same answer as wrong passwords, so neither the reply nor its timing reveals who has an account.
 */
export async function checkPassword(db: Db, ctx: AuditContext, email: string, password: string): Promise<UserRow> {
  const emailKey = email.trim().toLowerCase();
  const ip = ctx.ip ?? 'unknown';
  const failures = await recentFailures(db, emailKey, ip);
  if (failures.byEmail >= MAX_FAILURES_PER_ACCOUNT || failures.byIp >= MAX_FAILURES_PER_IP) {
    await recordAuditNow(db, ctx, { action: 'auth.sign_in_throttled', data: { email: emailKey } });
    throw new AppError(429, 'too_many_attempts', 'Too many failed sign-in attempts. Wait 15 minutes and try again.',
      [{ retryAfterSeconds: failures.retryAfterSeconds }]);
  }
  const user = await findUserByEmail(db, emailKey);
  const matches = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !matches || user.disabled_at) {
    await db.transaction().execute(async (trx) => {
      await recordFailure(trx, emailKey, ip);
      await recordAudit(trx, ctx, { action: 'auth.sign_in_failed', subjectType: user ? 'user' : null, subjectId: user?.id ?? null, data: { email: emailKey } });
    });
    throw invalidCredentials();
  }
  return user;
}

/** Accepts a TOTP code once: a replayed or wrong code counts as a failed sign-in. */
export async function checkTotp(db: Db, vault: TotpVault, ctx: AuditContext, user: UserRow, code: string): Promise<void> {
  // A secret that does not open (moved from another row, or sealed under another SESSION_SECRET) matches no code.
  const secret = user.totp_secret && user.totp_enrolled_at ? vault.openOrNull(user.id, user.totp_secret) : null;
  const step = secret ? totpStep(secret, code.trim()) : null;
  if (step !== null && (await consumeTotpStep(db, user.id, step))) return;
  await db.transaction().execute(async (trx) => {
    await recordFailure(trx, user.email.toLowerCase(), ctx.ip ?? 'unknown');
    await recordAudit(trx, ctx, { action: 'auth.totp_failed', subjectType: 'user', subjectId: user.id, data: { replay: step !== null } });
  });
  throw new AppError(401, 'invalid_totp', 'The authenticator code is wrong or was already used. Wait for the next code and try again.');
}

/** POST /auth/tokens: password (and TOTP for staff) in, a bearer token out. */
export async function issueApiToken(db: Db, vault: TotpVault, ctx: AuditContext, input: { email: string; password: string; totp?: string }) {
  const user = await checkPassword(db, ctx, input.email, input.password);
  if (isStaff(user.role)) {
    if (!user.totp_enrolled_at) {
      throw new AppError(401, 'totp_enrolment_required', 'Staff accounts need an authenticator. Sign in on the web once to set it up.');
    }
    if (!input.totp) throw new AppError(401, 'totp_required', 'Staff accounts must send the 6-digit code from their authenticator in "totp".');
    await checkTotp(db, vault, ctx, user, input.totp);
  }
  return db.transaction().execute(async (trx) => {
    const token = await createApiToken(trx, user.id);
    await clearFailures(trx, user.email.toLowerCase());
    await recordAudit(trx, { ...ctx, actorId: user.id, actorRole: user.role },
      { action: 'auth.token_issued', subjectType: 'api_token', subjectId: token.id });
    return token;
  });
}

/** The stage a browser session starts in once the password is right. */
export function firstStage(user: UserRow): SessionStage {
  if (!isStaff(user.role)) return 'full';
  return user.totp_enrolled_at ? 'mfa' : 'enrol';
}

/** Starts a browser session with a new id (never reusing one the browser brought). */
export async function startSession(db: Db, ctx: AuditContext, user: UserRow, stage: SessionStage) {
  return db.transaction().execute(async (trx) => {
    const session = await createSession(trx, user.id, stage, { ip: ctx.ip, userAgent: ctx.userAgent });
    if (stage === 'full') await clearFailures(trx, user.email.toLowerCase());
    await recordAudit(trx, { ...ctx, actorId: user.id, actorRole: user.role },
      { action: stage === 'full' ? 'auth.signed_in' : 'auth.password_accepted', subjectType: 'user', subjectId: user.id, data: { stage } });
    return session;
  });
}
