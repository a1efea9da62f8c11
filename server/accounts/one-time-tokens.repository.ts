import type { DbOrTrx, OneTimeTokenTable } from '../db/database';
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
