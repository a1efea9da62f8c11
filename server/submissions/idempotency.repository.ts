import type { DbOrTrx } from '../db/database';

/** The stored outcome of an earlier request with this key, if any. */
export async function findIdempotentResult(db: DbOrTrx, userId: string, key: string, scope: string) {
  const row = await db.selectFrom('idempotency_keys').select(['request_hash', 'response', 'scope'])
    .where('user_id', '=', userId).where('key', '=', key).executeTakeFirst();
  if (!row) return undefined;
  // A key reused for another resource is a different request.
  return { requestHash: row.scope === scope ? row.request_hash : `other-scope:${row.scope}`, response: row.response };
}

export async function saveIdempotentResult(db: DbOrTrx, r: { userId: string; key: string; scope: string; requestHash: string; response: object }): Promise<void> {
  await db.insertInto('idempotency_keys').values({
    user_id: r.userId, key: r.key, scope: r.scope, request_hash: r.requestHash, response: JSON.stringify(r.response),
  }).execute();
}
