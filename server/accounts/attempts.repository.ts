import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { AttemptKind, Database, DbOrTrx } from '../db/database';

/** What an attempt is counted against: its step, its account ('' for none) and its client address. */
export interface AttemptScope {
  kind: AttemptKind;
  accountKey: string;
  ip: string;
}

/** Unresolved and failed attempts in the window: on this account from this address, from this address, on this account. */
export interface AttemptCounts {
  pair: number;
  address: number;
  account: number;
}

/** How long a successful sign-in keeps its address known to the account, and how long rows are kept. */
export const KNOWN_ADDRESS_DAYS = 30;

const lockKey = (name: string): bigint => createHash('sha256').update(name).digest().readBigInt64BE(0);
const since = (windowMs: number) => sql<Date>`now() - ${`${windowMs} milliseconds`}::interval`;

/**
 * Serializes claims on the scope's address and account with transaction-scoped advisory locks,
 * always taken in ascending key order so two claims can never wait on each other in a cycle. A
 * claim holds them only to count and insert, never while a password is hashed.
 */
export async function lockScope(trx: Transaction<Database>, scope: AttemptScope): Promise<void> {
  const names = [`attempts:${scope.kind}:ip:${scope.ip}`];
  if (scope.accountKey) names.push(`attempts:${scope.kind}:account:${scope.accountKey}`);
  const keys = names.map(lockKey).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) await sql`SELECT pg_advisory_xact_lock(${key.toString()}::bigint)`.execute(trx);
}

/** Counts the scope's attempts in the window; successes only when `includeSucceeded` (registration counts the work itself). */
export async function countAttempts(db: DbOrTrx, scope: AttemptScope, windowMs: number, includeSucceeded: boolean): Promise<AttemptCounts> {
  const account = scope.accountKey;
  const row = await db.selectFrom('auth_attempts')
    .select([
      sql<number>`count(*) FILTER (WHERE account_key = ${account} AND ip = ${scope.ip})::int`.as('pair'),
      sql<number>`count(*) FILTER (WHERE ip = ${scope.ip})::int`.as('address'),
      sql<number>`count(*) FILTER (WHERE account_key = ${account})::int`.as('account'),
    ])
    .where('kind', '=', scope.kind)
    .where('at', '>', since(windowMs))
    .$if(!includeSucceeded, (qb) => qb.where('succeeded', '=', false))
    .where((eb) => (account ? eb.or([eb('ip', '=', scope.ip), eb('account_key', '=', account)]) : eb('ip', '=', scope.ip)))
    .executeTakeFirstOrThrow();
  return { pair: account ? row.pair : 0, address: row.address, account: account ? row.account : 0 };
}

/** True when this address succeeded at this step for this account lately: the owner's own address. */
export async function isKnownAddress(db: DbOrTrx, scope: AttemptScope): Promise<boolean> {
  const row = await db.selectFrom('auth_attempts').select('id')
    .where('kind', '=', scope.kind).where('account_key', '=', scope.accountKey).where('ip', '=', scope.ip)
    .where('succeeded', '=', true).where('at', '>', since(KNOWN_ADDRESS_DAYS * 86_400_000))
    .limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Records an attempt before its work starts; it counts as failed until marked succeeded. */
export async function insertAttempt(db: DbOrTrx, scope: AttemptScope): Promise<string> {
  const row = await db.insertInto('auth_attempts').values({ kind: scope.kind, account_key: scope.accountKey, ip: scope.ip })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Marks an attempt succeeded and forgives the earlier failures of the same account from the same
 * address (the owner's own typos). Failures from other addresses stay counted.
 */
export async function markSucceeded(db: DbOrTrx, id: string, scope: AttemptScope): Promise<void> {
  await db.updateTable('auth_attempts').set({ succeeded: true }).where('id', '=', id).execute();
  await db.deleteFrom('auth_attempts')
    .where('kind', '=', scope.kind).where('account_key', '=', scope.accountKey).where('ip', '=', scope.ip)
    .where('succeeded', '=', false).where('id', '<', id).execute();
}

/** Removes an attempt that turned out not to be a guess (e.g. a refused new password). */
export async function deleteAttempt(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('auth_attempts').where('id', '=', id).execute();
}

/** Deletes attempts older than any window or known-address period (hourly job). Returns how many. */
export async function pruneAttempts(db: DbOrTrx): Promise<number> {
  const res = await db.deleteFrom('auth_attempts').where('at', '<', since(KNOWN_ADDRESS_DAYS * 86_400_000)).executeTakeFirst();
  return Number(res.numDeletedRows);
}
