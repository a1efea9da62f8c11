import { sql, type Transaction } from 'kysely';
import type { Database } from './database';

/**
 * Takes a transaction-scoped advisory lock on a name (`invitations:<org id>`, `content:<key>`...),
 * held until commit or rollback: everything that takes the same name runs one at a time.
 */
export async function lockName(trx: Transaction<Database>, name: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))`.execute(trx);
}
