import { sql, type Kysely } from 'kysely';

/**
 * Mails that carry a one-time link (e-mail verification, invitations, staff activation) are marked
 * sensitive; their body is replaced once delivered (or given up on), so the database keeps no usable
 * link. Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('sensitive', 'boolean', (c) => c.notNull().defaultTo(sql`false`)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('sensitive').execute();
}
