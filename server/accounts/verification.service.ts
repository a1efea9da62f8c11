import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import type { Actor } from '../access/actor';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { AppError, badRequest, conflict, forbidden } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { sha256 } from './credentials.repository';
import { issueOneTimeToken } from './one-time-tokens.repository';
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
  await trx.updateTable('one_time_tokens').set({ expires_at: sql`now()` })
    .where('user_id', '=', user.id).where('purpose', '=', 'verify_email').where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`).execute();
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
    const row = await trx.selectFrom('one_time_tokens').innerJoin('users', 'users.id', 'one_time_tokens.user_id')
      .select(['one_time_tokens.user_id', 'one_time_tokens.expires_at', 'one_time_tokens.used_at', 'users.role', 'users.disabled_at'])
      .where('one_time_tokens.token_hash', '=', sha256(token)).where('one_time_tokens.purpose', '=', 'verify_email')
      .forUpdate('one_time_tokens').executeTakeFirst();
    if (!row || row.disabled_at) throw invalidToken('This verification link is not valid. Copy the whole link from the e-mail, or sign in and ask for a new one.');
    if (row.used_at) throw invalidToken('This verification link was already used. If your address is not yet confirmed, sign in and ask for a new link.');
    if (row.expires_at <= new Date()) {
      throw invalidToken('This verification link has expired (links work for 24 hours, and only the newest one works). Sign in and ask for a new link.');
    }
    await trx.updateTable('one_time_tokens').set({ used_at: sql`now()` }).where('token_hash', '=', sha256(token)).execute();
    await trx.updateTable('users')
      .set({ email_verified_at: sql`coalesce(email_verified_at, now())`, updated_at: new Date(), version: sql`version + 1` })
      .where('id', '=', row.user_id).execute();
    await recordAudit(trx, { ...ctx, actorId: row.user_id, actorRole: row.role }, { action: 'user.email_verified', subjectType: 'user', subjectId: row.user_id });
  });
  await succeedAttempt(db, attempt);
}

/**
 * POST /auth/verify-email/resend: a signed-in vendor whose address is not yet confirmed gets a
 * fresh link (the older ones stop working). Limited per hour, counted from the links themselves.
 */
export async function resendVerification(db: Db, ctx: AuditContext, actor: Actor, links: Links): Promise<void> {
  if (actor.role !== 'vendor') throw forbidden('Staff addresses are confirmed when the account is created.');
  await db.transaction().execute(async (trx) => {
    // Locks the person's row, so two resends at once are counted one after the other.
    const user = await trx.selectFrom('users').select(['id', 'email', 'name', 'email_verified_at'])
      .where('id', '=', actor.userId).forUpdate().executeTakeFirstOrThrow();
    if (user.email_verified_at) throw conflict('email_already_verified', 'Your e-mail address is already confirmed; there is nothing to resend.');
    const recent = await trx.selectFrom('one_time_tokens').select(sql<number>`count(*)::int`.as('n'))
      .where('user_id', '=', user.id).where('purpose', '=', 'verify_email')
      .where('created_at', '>', new Date(Date.now() - 60 * 60 * 1000)).executeTakeFirstOrThrow();
    if (recent.n >= MAX_RESENDS_PER_HOUR) {
      throw new AppError(429, 'too_many_requests', `You asked for ${MAX_RESENDS_PER_HOUR} links in the last hour. Check your spam folder, then try again in an hour.`,
        [{ retryAfterSeconds: 3600 }]);
    }
    await issueVerification(trx, user, links);
    await recordAudit(trx, ctx, { action: 'user.verification_resent', subjectType: 'user', subjectId: user.id });
  });
}
