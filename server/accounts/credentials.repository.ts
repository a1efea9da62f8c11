import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db, DbOrTrx, SessionStage } from '../db/database';
import { queryPrepared } from '../db/prepared';
import { recusedFromColumn } from './conflicts.repository';

export const IDLE_TIMEOUT_MS = 60 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 24 * 60 * 60 * 1000;
export const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so every request does not cost an UPDATE. */
const TOUCH_INTERVAL_MS = 60 * 1000;

/** 256 random bits, URL-safe. */
export const newSecret = (prefix = ''): string => prefix + randomBytes(32).toString('base64url');
/** Only hashes of session ids and tokens are stored: a database leak yields no usable credential. */
export const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

export async function createSession(db: DbOrTrx, userId: string, stage: SessionStage, meta: { ip: string | null; userAgent: string | null }) {
  const id = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(Date.now() + ABSOLUTE_TIMEOUT_MS);
  await db.insertInto('sessions').values({
    id_hash: sha256(id), user_id: userId, stage, csrf_token: csrfToken, expires_at: expiresAt,
    revoked_at: null, ip: meta.ip, user_agent: meta.userAgent?.slice(0, 500) ?? null,
  }).execute();
  return { id, csrfToken, expiresAt };
}

/** The live session for a raw id (not revoked, within idle and absolute limits), with its user. */
export async function findLiveSession(db: Db, pool: pg.Pool, id: string) {
  const [row] = await queryPrepared(pool, 'vrp_live_session', db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id_hash', 'sessions.stage', 'sessions.csrf_token', 'sessions.last_seen_at', 'sessions.expires_at',
      'users.id as user_id', 'users.role', 'users.organization_id', 'users.email', 'users.name', recusedFromColumn, auditHeadColumn])
    .where('sessions.id_hash', '=', sha256(id))
    .where('sessions.revoked_at', 'is', null)
    .where('users.disabled_at', 'is', null)
    .where('sessions.expires_at', '>', new Date())
    .where('sessions.last_seen_at', '>', new Date(Date.now() - IDLE_TIMEOUT_MS)));
  if (row && Date.now() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
    await db.updateTable('sessions').set({ last_seen_at: new Date() }).where('id_hash', '=', row.id_hash).execute();
  }
  return row;
}

export async function revokeSession(db: DbOrTrx, id: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: new Date() })
    .where('id_hash', '=', sha256(id)).where('revoked_at', 'is', null).execute();
}

/** Ends every session and token of a user (sign-out everywhere, account disabled). */
export async function revokeAllCredentials(db: DbOrTrx, userId: string): Promise<void> {
  const now = new Date();
  await db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  await db.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

export async function createApiToken(db: DbOrTrx, userId: string) {
  const token = newSecret('vrp_');
  const expiresAt = new Date(Date.now() + TOKEN_LIFETIME_MS);
  const row = await db.insertInto('api_tokens').values({ token_hash: sha256(token), user_id: userId, expires_at: expiresAt, revoked_at: null, last_used_at: null })
    .returning('id').executeTakeFirstOrThrow();
  return { id: row.id, token, expiresAt };
}

/**
 * The audit chain's head sequence when the caller was looked up: every change to the record writes
 * an audit event in its own transaction, so this names the state the request starts from
 * (server/submissions/queue.cache.ts keys cached queue pages on it).
 */
const auditHeadColumn = sql<string | null>`(SELECT max(seq) FROM audit_events)::text`.as('audit_head');

/** The live token for a raw bearer value, with its user. A prepared statement: every API request runs it. */
export async function findLiveToken(db: Db, pool: pg.Pool, token: string) {
  const [row] = await queryPrepared(pool, 'vrp_live_token', db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id as token_id', 'api_tokens.expires_at', 'users.id as user_id', 'users.role', 'users.organization_id', 'users.email', 'users.name', recusedFromColumn, auditHeadColumn])
    .where('api_tokens.token_hash', '=', sha256(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where('api_tokens.expires_at', '>', new Date())
    .where('users.disabled_at', 'is', null));
  return row;
}

export async function revokeApiToken(db: DbOrTrx, tokenId: string): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', tokenId).execute();
}
