import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';

/** Which events to count: any of `actions` since a moment, optionally about one subject or from one address. */
export interface EventCount {
  actions: readonly string[];
  since: Date;
  subjectId?: string;
  /** The client address (null: events recorded without one). */
  ip?: string | null;
}

/** How many audit events match (throttles count what the trail already records, index-only). */
export async function countEvents(db: DbOrTrx, c: EventCount): Promise<number> {
  let q = db.selectFrom('audit_events').select(sql<number>`count(*)::int`.as('n'))
    .where('action', 'in', c.actions).where('occurred_at', '>', c.since);
  if (c.subjectId !== undefined) q = q.where('subject_id', '=', c.subjectId);
  if (c.ip !== undefined) q = q.where('ip', c.ip === null ? 'is' : '=', c.ip);
  return (await q.executeTakeFirstOrThrow()).n;
}

/** Filters of the audit list (checked by the route); all optional. */
export interface EventFilter { subjectId?: string; actorId?: string; action?: string }

/** Events after sequence number `after`, in order, one more than `limit` (to know if a page follows). */
export function listEvents(db: DbOrTrx, f: EventFilter, after: number, limit: number) {
  let q = db.selectFrom('audit_events').selectAll().where('seq', '>', String(after)).orderBy('seq').limit(limit + 1);
  if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.action) q = q.where('action', '=', f.action);
  return q.execute();
}
