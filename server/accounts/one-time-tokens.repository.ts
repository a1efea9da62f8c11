import { sql, type Transaction } from 'kysely';
import type { Database, DbOrTrx, OneTimeTokenTable } from '../db/database';
import { newSecret, sha256 } from './credentials.repository';

/**
 * Issues a one-time link token (activation, e-mail confirmation): only its SHA-256 is stored, and
 * the raw token is returned once, for the e-mail that carries it.
 */
export async function issueOneTimeToken(db: DbOrTrx, userId: string, purpose: OneTimeTokenTable['purpose'], lifetimeMs: number): Promise<string> {
  const token = newSecret();
  await db.insertInto('one_time_tokens').values({
    token_hash: sha256(token), user_id: userId, purpose, expires_at: new Date(Date.now() + lifetimeMs), used_at: null,
  }).execute();
  return token;
}

/** Older unused links of a purpose stop working (only the newest mail in an inbox is good). */
export async function expireUnusedTokens(db: DbOrTrx, userId: string, purpose: OneTimeTokenTable['purpose']): Promise<void> {
  await db.updateTable('one_time_tokens').set({ expires_at: sql`now()` })
    .where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`).execute();
}

/** A link's row with its owner's role and state, locked until the transaction ends. */
export function lockTokenWithOwner(trx: Transaction<Database>, token: string, purpose: OneTimeTokenTable['purpose']) {
  return trx.selectFrom('one_time_tokens').innerJoin('users', 'users.id', 'one_time_tokens.user_id')
    .select(['one_time_tokens.user_id', 'one_time_tokens.expires_at', 'one_time_tokens.used_at', 'users.role', 'users.disabled_at'])
    .where('one_time_tokens.token_hash', '=', sha256(token)).where('one_time_tokens.purpose', '=', purpose)
    .forUpdate('one_time_tokens').executeTakeFirst();
}

/** Whose unused, unexpired link of this purpose `token` is, if anyone's. */
export async function usableTokenOwner(db: DbOrTrx, token: string, purpose: OneTimeTokenTable['purpose']): Promise<string | undefined> {
  const row = await db.selectFrom('one_time_tokens').select('user_id')
    .where('token_hash', '=', sha256(token)).where('purpose', '=', purpose)
    .where('used_at', 'is', null).where('expires_at', '>', new Date()).executeTakeFirst();
  return row?.user_id;
}

/** Uses the link up; false when it was already used (a concurrent click won). */
export async function useToken(db: DbOrTrx, token: string): Promise<boolean> {
  const res = await db.updateTable('one_time_tokens').set({ used_at: sql`now()` })
    .where('token_hash', '=', sha256(token)).where('used_at', 'is', null).executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

/** Links of a purpose a person was sent since `since` (the resend limit). */
export async function countTokensSince(db: DbOrTrx, userId: string, purpose: OneTimeTokenTable['purpose'], since: Date): Promise<number> {
  const row = await db.selectFrom('one_time_tokens').select(sql<number>`count(*)::int`.as('n'))
    .where('user_id', '=', userId).where('purpose', '=', purpose).where('created_at', '>', since).executeTakeFirstOrThrow();
  return row.n;
}
