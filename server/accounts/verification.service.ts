import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import type { Actor } from '../access/actor';
import { authorize } from '../access/authorize';
import { deniedNow, recordAudit, type AuditContext } from '../audit/audit.service';
import { AppError, badRequest, conflict } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { sha256 } from './credentials.repository';
import { countTokensSince, expireUnusedTokens, issueOneTimeToken, lockTokenWithOwner, useToken } from './one-time-tokens.repository';
import { lockUserContact, markEmailVerified } from './users.repository';
import { POLICIES, claimAttempt, succeedAttempt } from './attempts';

const VERIFICATION_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** New links a person may ask for per hour: enough for a lost mail, too few to flood an inbox. */
const MAX_RESENDS_PER_HOUR = 5;

/** Where links in e-mails point. */
export interface Links { publicUrl: string; mailDomain: string }

/**
 * Issues a one-time `verify_email` link (24 h, stored hashed) and queues the e-mail, inside the
 * caller's transaction. Older unused links of the same person stop working: only the newest
 * mail in their inbox is good.
 */
export async function issueVerification(trx: Transaction<Database>, user: { id: string; email: string; name: string }, links: Links): Promise<void> {
  await expireUnusedTokens(trx, user.id, 'verify_email');
  const token = await issueOneTimeToken(trx, user.id, 'verify_email', VERIFICATION_LIFETIME_MS);
  const link = `${links.publicUrl}/verify-email?token=${token}`;
  await enqueueMail(trx, {
    to: user.email,
    subject: 'Confirm your e-mail address for the Vendor Response Portal',
    carriesSecret: true,
    text: 'Someone (we hope you) registered this e-mail address on the Vendor Response Portal.\n\n'
      + `To confirm it, open this link within 24 hours:\n${link}\n\n`
      + 'You can prepare a response before confirming, but you cannot file one until you do.\n'
      + 'If this was not you, ignore this message: the account cannot file anything without the confirmation.',
  }, links.mailDomain);
}

const invalidToken = (why: string) => badRequest('invalid_token', why);

/**
 * POST /auth/verify-email: uses up the link and marks the address verified, with the audit event,
 * in one transaction. The row lock makes a link work exactly once, even when clicked twice at once.
 * Throttled before the lookup: a refused link counts against the link and the client's address.
 */
export async function verifyEmail(db: Db, ctx: AuditContext, token: string): Promise<void> {
  const attempt = await claimAttempt(db, ctx, POLICIES.verifyEmail, sha256(token).toString('hex'));
  await db.transaction().execute(async (trx) => {
    const row = await lockTokenWithOwner(trx, token, 'verify_email');
    if (!row || row.disabled_at) throw invalidToken('This verification link is not valid. Copy the whole link from the e-mail, or sign in and ask for a new one.');
    if (row.used_at) throw invalidToken('This verification link was already used. If your address is not yet confirmed, sign in and ask for a new link.');
    if (row.expires_at <= new Date()) {
      throw invalidToken('This verification link has expired (links work for 24 hours, and only the newest one works). Sign in and ask for a new link.');
    }
    await useToken(trx, token);
    await markEmailVerified(trx, row.user_id);
    await recordAudit(trx, { ...ctx, actorId: row.user_id, actorRole: row.role }, { action: 'user.email_verified', subjectType: 'user', subjectId: row.user_id });
  });
  await succeedAttempt(db, attempt);
}

/**
 * POST /auth/verify-email/resend: a signed-in vendor whose address is not yet confirmed gets a
 * fresh link (the older ones stop working). Limited per hour, counted from the links themselves.
 */
export async function resendVerification(db: Db, ctx: AuditContext, actor: Actor, links: Links): Promise<void> {
  await authorize({ actor, recordDenial: deniedNow(db, ctx) }, 'account.resend_verification', { type: 'user', id: actor.userId }, { id: actor.userId });
  await db.transaction().execute(async (trx) => {
    // Locks the person's row, so two resends at once are counted one after the other.
    const user = await lockUserContact(trx, actor.userId);
    if (user.email_verified_at) throw conflict('email_already_verified', 'Your e-mail address is already confirmed; there is nothing to resend.');
    const recent = await countTokensSince(trx, user.id, 'verify_email', new Date(Date.now() - 60 * 60 * 1000));
    if (recent >= MAX_RESENDS_PER_HOUR) {
      throw new AppError(429, 'too_many_requests', `You asked for ${MAX_RESENDS_PER_HOUR} links in the last hour. Check your spam folder, then try again in an hour.`,
        [{ retryAfterSeconds: 3600 }]);
    }
    await issueVerification(trx, user, links);
    await recordAudit(trx, ctx, { action: 'user.verification_resent', subjectType: 'user', subjectId: user.id });
  });
}
