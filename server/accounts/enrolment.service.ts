import type { Db } from '../db/database';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { AppError, unprocessable } from '../http/errors';
import { isStaff } from '../access/actor';
import { hashPassword, passwordProblem } from './password';
import { newTotpSecret, totpStep } from './totp';
import type { TotpVault } from './totp-vault';
import { enrolTotp, findUserById, markEmailVerified, setPassword, setPendingTotpSecret, type UserRow } from './users.repository';
import { usableTokenOwner, useToken } from './one-time-tokens.repository';
import { sha256 } from './credentials.repository';
import { POLICIES, claimAttempt, forgetAttempt, succeedAttempt, type Attempt } from './attempts';

/** The secret an unenrolled user is setting up; made once and kept until confirmed. */
export async function pendingTotpSecret(db: Db, vault: TotpVault, user: UserRow): Promise<string> {
  if (user.totp_enrolled_at) throw new AppError(409, 'totp_already_enrolled', 'An authenticator is already set up for this account.');
  const pending = user.totp_secret && vault.openOrNull(user.id, user.totp_secret);
  if (pending) return pending;
  const secret = newTotpSecret();
  await setPendingTotpSecret(db, user.id, vault.seal(user.id, secret));
  return secret;
}

/**
 * The authenticator secret an activation page should offer: staff must enrol one; vendors do not
 * use one (null), so none is created for them.
 */
export async function activationTotpSecret(db: Db, vault: TotpVault, user: UserRow): Promise<string | null> {
  return isStaff(user.role) ? pendingTotpSecret(db, vault, user) : null;
}

/** A wrong code; `attemptsLeft` lets the page end a half-signed-in session that has no tries left. */
const wrongCode = (attempt: Attempt) => unprocessable('invalid_totp', 'That code does not match. Check the clock on your device and enter the current 6-digit code.',
  [{ attemptsLeft: Math.max(0, attempt.remaining) }]);

/** Confirms enrolment with a first code from the authenticator (throttled like sign-in); that code is then used up. */
export async function confirmTotp(db: Db, vault: TotpVault, ctx: AuditContext, userId: string, code: string): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user?.totp_secret || user.totp_enrolled_at) throw new AppError(409, 'totp_already_enrolled', 'An authenticator is already set up for this account.');
  const attempt = await claimAttempt(db, ctx, POLICIES.enrol, user.id);
  const secret = vault.openOrNull(user.id, user.totp_secret);
  const step = secret ? totpStep(secret, code.trim()) : null;
  if (!secret || step === null) throw wrongCode(attempt);
  await db.transaction().execute(async (trx) => {
    await enrolTotp(trx, user.id, vault.seal(user.id, secret), step);
    await recordAudit(trx, { ...ctx, actorId: user.id, actorRole: user.role }, { action: 'auth.totp_enrolled', subjectType: 'user', subjectId: user.id });
  });
  await succeedAttempt(db, attempt);
}

/** Attempts on one link are counted under its digest: whoever knows the link is its account. */
const linkKey = (token: string): string => sha256(token).toString('hex');

/**
 * GET /account/activate: the user of an activation link, throttled like every other token check
 * (an unknown link counts as a failure from this address; a good one is not counted).
 */
export async function openActivation(db: Db, ctx: AuditContext, token: string): Promise<UserRow> {
  const attempt = await claimAttempt(db, ctx, POLICIES.activate, linkKey(token));
  const user = await findActivation(db, token);
  await forgetAttempt(db, attempt);
  return user;
}

/** The user an unused, unexpired activation link belongs to (callers throttle first). */
export async function findActivation(db: Db, token: string): Promise<UserRow> {
  const ownerId = await usableTokenOwner(db, token, 'activate');
  const user = ownerId ? await findUserById(db, ownerId) : undefined;
  if (!user || user.disabled_at) {
    throw new AppError(404, 'activation_invalid', 'This activation link is invalid, expired or already used. Ask an administrator for a new one.');
  }
  return user;
}

/**
 * Completes an invitation: sets the password and (for staff) enrols the authenticator, in one
 * transaction that also uses up the link. Throttled before the link is looked up or the password
 * hashed; a refused new password is not counted (no secret was judged).
 */
export async function activateAccount(db: Db, vault: TotpVault, ctx: AuditContext, token: string, input: { password: string; code: string }): Promise<void> {
  const attempt = await claimAttempt(db, ctx, POLICIES.activate, linkKey(token));
  const user = await findActivation(db, token);
  const problem = passwordProblem(input.password, { mfa: isStaff(user.role), email: user.email, name: user.name });
  if (problem) {
    await forgetAttempt(db, attempt);
    throw unprocessable('weak_password', problem);
  }
  // Vendors sign in with a long password alone (15+ characters, no authenticator); a pending
  // secret left on a vendor by an older activation page is ignored, never enrolled.
  const secret = isStaff(user.role) && user.totp_secret ? vault.openOrNull(user.id, user.totp_secret) : null;
  const step = secret ? totpStep(secret, input.code.trim()) : null;
  if (isStaff(user.role) && step === null) throw wrongCode(attempt);
  const hash = await hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    if (!(await useToken(trx, token))) throw new AppError(409, 'activation_used', 'This activation link was just used. Sign in instead.');
    await setPassword(trx, user.id, hash);
    if (secret && step !== null) await enrolTotp(trx, user.id, vault.seal(user.id, secret), step);
    // An invited vendor got the link by e-mail: following it proves the address (staff are verified at creation).
    if (!isStaff(user.role)) {
      await markEmailVerified(trx, user.id);
    }
    await recordAudit(trx, { ...ctx, actorId: user.id, actorRole: user.role }, { action: 'user.activated', subjectType: 'user', subjectId: user.id });
  });
  await succeedAttempt(db, attempt);
}
