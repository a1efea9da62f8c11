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

/** The seq range a time range covers (inclusive; an open end stays open), or null when no event falls in it. */
export interface SeqRange { first?: number; last?: number }

/**
 * The writer never lets time run backwards along the chain (audit.service.ts), so a time range is a
 * seq range: the first event at or after `from` and the last before `before`, each one probe of
 * (occurred_at, seq), in one round trip. Null when the range holds no event.
 */
export function seqRangeQuery(from: Date | undefined, before: Date | undefined) {
  const first = from ? sql`(SELECT seq FROM audit_events WHERE occurred_at >= ${from} ORDER BY occurred_at, seq LIMIT 1)` : sql`NULL::bigint`;
  const last = before ? sql`(SELECT seq FROM audit_events WHERE occurred_at < ${before} ORDER BY occurred_at DESC, seq DESC LIMIT 1)` : sql`NULL::bigint`;
  return sql<{ first: string | null; last: string | null }>`SELECT ${first} AS first, ${last} AS last`;
}

/** Runs seqRangeQuery: the range, or null when the time range holds no event. */
export async function seqRangeOf(db: DbOrTrx, from: Date | undefined, before: Date | undefined): Promise<SeqRange | null> {
  const { rows } = await seqRangeQuery(from, before).execute(db);
  const r = rows[0];
  if ((from && !r?.first) || (before && !r?.last)) return null;
  const range: SeqRange = { ...(r?.first ? { first: Number(r.first) } : {}), ...(r?.last ? { last: Number(r.last) } : {}) };
  return range.first !== undefined && range.last !== undefined && range.first > range.last ? null : range;
}

/**
 * Events after sequence number `after` within `range`, in order, one more than `limit` (to know if
 * a page follows). With the seq bounds as plain values the planner walks the primary key or the
 * (subject|actor|action, seq) index over exactly that stretch, whatever the filters; the time
 * predicates stay too, so a row never shows outside the range asked for.
 */
export function eventsQuery(db: DbOrTrx, f: EventFilter, after: number, limit: number, range?: SeqRange) {
  let q = db.selectFrom('audit_events').selectAll().where('seq', '>', String(Math.max(after, (range?.first ?? 1) - 1))).orderBy('seq').limit(limit + 1);
  if (range?.last !== undefined) q = q.where('seq', '<=', String(range.last));
  if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.from) q = q.where('occurred_at', '>=', f.from);
  if (f.before) q = q.where('occurred_at', '<', f.before);
  return q;
}

/** One page of events: the time range turned into seq bounds first (one query), then the walk. */
export async function listEvents(db: DbOrTrx, f: EventFilter, after: number, limit: number) {
  if (!f.from && !f.before) return eventsQuery(db, f, after, limit).execute();
  const range = await seqRangeOf(db, f.from, f.before);
  return range ? eventsQuery(db, f, after, limit, range).execute() : [];
}

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
