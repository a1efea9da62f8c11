import type { Kysely } from 'kysely';

/**
 * The registration throttle counts recent registration events by client address: index exactly
 * that (action, ip, time), so the check stays cheap however long the trail grows. Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_events_action_ip_idx').on('audit_events').columns(['action', 'ip', 'occurred_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_action_ip_idx').execute();
}
