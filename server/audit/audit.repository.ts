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

/** Filters of the audit list (checked by the route); all optional. Time is half-open: `from` <= t < `before`. */
export interface EventFilter { subjectId?: string; actorId?: string; action?: string; from?: Date; before?: Date }

/**
 * Events after sequence number `after`, in order, one more than `limit` (to know if a page follows).
 * A time range becomes a seq range first: the writer never lets time run backwards along the chain
 * (audit.service.ts), so the first event at or after `from` and the last before `before` bound it,
 * each found with one probe of (occurred_at, seq). The walk then uses the primary key or the
 * (subject|actor|action, seq) index, whatever the filters; the time predicates stay, exactly.
 */
export function eventsQuery(db: DbOrTrx, f: EventFilter, after: number, limit: number) {
  let q = db.selectFrom('audit_events').selectAll().where('seq', '>', String(after)).orderBy('seq').limit(limit + 1);
  if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.from) {
    const from = f.from;
    q = q.where('occurred_at', '>=', from).where('seq', '>=', (eb) => eb.selectFrom('audit_events').select('seq')
      .where('occurred_at', '>=', from).orderBy('occurred_at').orderBy('seq').limit(1));
  }
  if (f.before) {
    const before = f.before;
    q = q.where('occurred_at', '<', before).where('seq', '<=', (eb) => eb.selectFrom('audit_events').select('seq')
      .where('occurred_at', '<', before).orderBy('occurred_at', 'desc').orderBy('seq', 'desc').limit(1));
  }
  return q;
}

/** Runs eventsQuery (kept apart so a test can EXPLAIN the very statement the route runs). */
export const listEvents = (db: DbOrTrx, f: EventFilter, after: number, limit: number) => eventsQuery(db, f, after, limit).execute();

export type AuditEventRow = Awaited<ReturnType<typeof listEvents>>[number];

/** One event by its sequence number. */
export const findEvent = (db: DbOrTrx, seq: number) =>
  db.selectFrom('audit_events').selectAll().where('seq', '=', String(seq)).executeTakeFirst();

/**
 * Every distinct action in the trail, in order: a loose index scan of (action, seq), one probe per
 * action, so it stays cheap however many events there are.
 */
export async function knownActions(db: DbOrTrx): Promise<string[]> {
  const { rows } = await sql<{ action: string }>`
    WITH RECURSIVE a(action) AS (
      (SELECT action FROM audit_events ORDER BY action LIMIT 1)
      UNION ALL
      SELECT (SELECT e.action FROM audit_events e WHERE e.action > a.action ORDER BY e.action LIMIT 1) FROM a WHERE a.action IS NOT NULL
    ) SELECT action FROM a WHERE action IS NOT NULL`.execute(db);
  return rows.map((r) => r.action);
}

/** The newest event with this action (the last verification run, shown beside the button). */
export const latestEvent = (db: DbOrTrx, action: string) =>
  db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirst();

/** Names and e-mail addresses of the people who acted, by id (people are shown, not only ids). */
export async function actorsByIds(db: DbOrTrx, ids: readonly string[]): Promise<Map<string, { email: string; name: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, { email: r.email, name: r.name }]));
}

/** The account with this e-mail address (case-insensitive, as sign-in reads it), for the actor filter. */
export async function userIdByEmail(db: DbOrTrx, email: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
  return row?.id;
}
