import type { AttemptKind, Db } from '../db/database';
import { AppError } from '../http/errors';
import { recordAuditNow, type AuditContext } from '../audit/audit.service';
import {
  countAttempts, deleteAttempt, insertAttempt, isKnownAddress, lockScope, markSucceeded, type AttemptScope,
} from './attempts.repository';

/**
 * Throttles for every step that checks a secret, and for registration. Each attempt is recorded
 * before its work (scrypt, a code check, a token lookup) and counts as a failure until it
 * succeeds, so parallel guesses cannot overshoot a limit. Three limits, so that a stranger's
 * failures never lock the owner out (docs/threat-model.md, "Throttling every secret check"):
 *
 * - per pair (this account from this address): tight, the usual 5 per 15 minutes;
 * - per address (any account): stops one client spraying many accounts;
 * - per account (every address): a much higher ceiling, and addresses that succeeded on the account
 *   in the last 30 days are exempt, so a botnet is refused while the owner at home still gets in.
 */
export interface AttemptPolicy {
  readonly kind: AttemptKind;
  readonly windowMs: number;
  readonly perPair: number;
  readonly perAddress: number;
  readonly perAccount: number;
  /** Registration limits the work itself: successes count too. */
  readonly countSuccesses?: boolean;
  /** The refusal's stable code and words. */
  readonly code: string;
  readonly message: string;
  /** Audit action for a refusal; none for registration (its volume is the abuse). */
  readonly auditAction?: string;
}

const MINUTES_15 = 15 * 60 * 1000;
const signInStep = (kind: AttemptKind, perAccount: number, message: string): AttemptPolicy => ({
  kind, windowMs: MINUTES_15, perPair: 5, perAddress: 30, perAccount, code: 'too_many_attempts', message, auditAction: 'auth.sign_in_throttled',
});
const linkStep = (kind: AttemptKind, message: string): AttemptPolicy => ({
  kind, windowMs: MINUTES_15, perPair: 5, perAddress: 10, perAccount: 10, code: 'too_many_attempts', message, auditAction: 'auth.link_throttled',
});

export const POLICIES = {
  password: signInStep('password', 100, 'Too many failed sign-in attempts. Wait 15 minutes and try again.'),
  totp: signInStep('totp', 20, 'Too many wrong authenticator codes. Wait 15 minutes, then sign in again.'),
  enrol: signInStep('enrol', 20, 'Too many wrong authenticator codes. Wait 15 minutes, then sign in again to set up your authenticator.'),
  verifyEmail: linkStep('verify_email', 'Too many confirmation links were tried from your network. Wait 15 minutes and try again.'),
  activate: linkStep('activate', 'Too many activation attempts. Wait 15 minutes and try again.'),
  register: {
    kind: 'register', windowMs: 60 * 60 * 1000, perPair: Infinity, perAddress: 10, perAccount: Infinity, countSuccesses: true,
    code: 'too_many_registrations', message: 'Too many registrations from your network in the last hour. Try again in an hour.',
  },
} satisfies Record<string, AttemptPolicy>;

/** A claimed attempt: settle it with succeedAttempt or forgetAttempt; left alone, it stays a failure. */
export interface Attempt {
  readonly id: string;
  readonly scope: AttemptScope;
  /** Further failures this account and address may have before the next attempt is refused. */
  readonly remaining: number;
}

/**
 * Claims one attempt, or throws 429 (with Retry-After) when a limit is reached. The count and the
 * insert happen under locks on the address and the account, so concurrent claims are counted one
 * after the other. `accountKey` is '' when the step has no account.
 */
export async function claimAttempt(db: Db, ctx: AuditContext, policy: AttemptPolicy, accountKey: string): Promise<Attempt> {
  const scope: AttemptScope = { kind: policy.kind, accountKey, ip: ctx.ip ?? 'unknown' };
  const claimed = await db.transaction().execute(async (trx) => {
    await lockScope(trx, scope);
    const n = await countAttempts(trx, scope, policy.windowMs, policy.countSuccesses === true);
    const refused = n.pair >= policy.perPair || n.address >= policy.perAddress
      || (n.account >= policy.perAccount && !(await isKnownAddress(trx, scope)));
    if (refused) return null;
    return { id: await insertAttempt(trx, scope), remaining: Math.min(policy.perPair - n.pair, policy.perAddress - n.address) - 1 };
  });
  if (claimed) return { ...claimed, scope };
  if (policy.auditAction) await recordAuditNow(db, ctx, { action: policy.auditAction, data: { step: policy.kind, account: accountKey || null } });
  throw new AppError(429, policy.code, policy.message, [{ retryAfterSeconds: Math.ceil(policy.windowMs / 1000) }]);
}

/** The attempt worked: it no longer counts, and this address becomes one the account is known from. */
export const succeedAttempt = (db: Db, attempt: Attempt): Promise<void> => markSucceeded(db, attempt.id, attempt.scope);

/** The attempt was not a guess after all (the request was refused before any secret was judged). */
export const forgetAttempt = (db: Db, attempt: Attempt): Promise<void> => deleteAttempt(db, attempt.id);
