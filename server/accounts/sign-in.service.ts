import type { Db, SessionStage } from '../db/database';
import { AppError } from '../http/errors';
import { recordAudit, recordAuditNow, type AuditContext } from '../audit/audit.service';
import { isStaff } from '../access/actor';
import { DUMMY_HASH, verifyPassword } from './password';
import { totpStep } from './totp';
import type { TotpVault } from './totp-vault';
import { consumeTotpStep, findUserByEmail, type UserRow } from './users.repository';
import { createApiToken, createSession } from './credentials.repository';
import { POLICIES, claimAttempt, succeedAttempt } from './attempts';

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'The e-mail address or password is incorrect.');

/**
 * Checks e-mail and password, throttled per account and address before scrypt runs (attempts.ts).
 * Unknown accounts cost the same scrypt work and get the same answer as wrong passwords, so neither
 * the reply nor its timing reveals who has an account.
 */
export async function checkPassword(db: Db, ctx: AuditContext, email: string, password: string): Promise<UserRow> {
  const emailKey = email.trim().toLowerCase();
  const attempt = await claimAttempt(db, ctx, POLICIES.password, emailKey);
  const user = await findUserByEmail(db, emailKey);
  const matches = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !matches || user.disabled_at) {
    await recordAuditNow(db, ctx, { action: 'auth.sign_in_failed', subjectType: user ? 'user' : null, subjectId: user?.id ?? null, data: { email: emailKey } });
    throw invalidCredentials();
  }
  await succeedAttempt(db, attempt);
  return user;
}

/**
 * Accepts a TOTP code once, throttled like the password (per account and address, page and API
 * alike). A wrong or replayed code is a failed attempt; the refusal says how many tries are left
 * (`attemptsLeft`), so the sign-in page can end a session that has none.
 */
export async function checkTotp(db: Db, vault: TotpVault, ctx: AuditContext, user: UserRow, code: string): Promise<void> {
  const attempt = await claimAttempt(db, ctx, POLICIES.totp, user.id);
  // A secret that does not open (moved from another row, or sealed under another SESSION_SECRET) matches no code.
  const secret = user.totp_secret && user.totp_enrolled_at ? vault.openOrNull(user.id, user.totp_secret) : null;
  const step = secret ? totpStep(secret, code.trim()) : null;
  if (step !== null && (await consumeTotpStep(db, user.id, step))) {
    await succeedAttempt(db, attempt);
    return;
  }
  await recordAuditNow(db, ctx, { action: 'auth.totp_failed', subjectType: 'user', subjectId: user.id, data: { replay: step !== null } });
  throw new AppError(401, 'invalid_totp', 'The authenticator code is wrong or was already used. Wait for the next code and try again.',
    [{ attemptsLeft: Math.max(0, attempt.remaining) }]);
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
    await recordAudit(trx, { ...ctx, actorId: user.id, actorRole: user.role },
      { action: stage === 'full' ? 'auth.signed_in' : 'auth.password_accepted', subjectType: 'user', subjectId: user.id, data: { stage } });
    return session;
  });
}
