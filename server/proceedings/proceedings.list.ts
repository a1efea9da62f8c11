import { sql } from 'kysely';
import type { Db } from '../db/database';
import { badRequest } from '../http/errors';
import { decodeCursor, encodeCursor, parseLimit, singleQuery } from '../http/pagination';
import { proceedingSummaryJson } from './proceeding.view';

/**
 * Each status filter has the order people want (the nearest deadline or opening first; the most
 * recently closed first), keyed here so no client text ever reaches the SQL.
 */
const ORDERS = {
  open: { column: 'closes_at', dir: 'asc' },
  upcoming: { column: 'opens_at', dir: 'asc' },
  closed: { column: 'closes_at', dir: 'desc' },
  all: { column: 'created_at', dir: 'desc' },
} as const;
type Filter = keyof typeof ORDERS;
const STATUSES = ['open', 'upcoming', 'closed'] as const;

interface Cursor { s: Filter; t: string; id: string }
const isCursor = (v: unknown): v is Cursor => typeof v === 'object' && v !== null
  && Object.hasOwn(ORDERS, String((v as Cursor).s))
  && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(String((v as Cursor).t))
  && /^[0-9a-f-]{36}$/.test(String((v as Cursor).id));

/**
 * GET /proceedings (public): `?status=open|upcoming|closed&limit&cursor`, keyset-paginated on
 * (order column, id). `upcoming` is what the JSON calls windowState `not_open`.
 */
export async function listProceedings(db: Db, query: Record<string, unknown>, now = new Date()) {
  const q = singleQuery(query, ['status', 'limit', 'cursor']);
  const limit = parseLimit(q['limit']);
  const status = q['status'];
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
    throw badRequest('invalid_status', `"status" must be one of: ${STATUSES.join(', ')}.`);
  }
  const filter: Filter = (status as Filter | undefined) ?? 'all';
  const order = ORDERS[filter];
  const cursor = decodeCursor(q['cursor'], isCursor);
  if (cursor && cursor.s !== filter) throw badRequest('invalid_cursor', '"cursor" belongs to another status filter. Start again without it.');

  const column = sql.ref(`proceedings.${order.column}`);
  let rows = db.selectFrom('proceedings').selectAll()
    // Microsecond-exact cursor value: a JavaScript Date would round it and skip rows.
    .select(sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_t'))
    .orderBy(`proceedings.${order.column}`, order.dir).orderBy('proceedings.id', order.dir).limit(limit + 1);
  if (filter === 'open') rows = rows.where('opens_at', '<=', now).where('closes_at', '>', now);
  if (filter === 'upcoming') rows = rows.where('opens_at', '>', now);
  if (filter === 'closed') rows = rows.where('closes_at', '<=', now);
  if (cursor) {
    const op = order.dir === 'asc' ? sql`>` : sql`<`;
    rows = rows.where(sql<boolean>`(${column}, proceedings.id) ${op} (${cursor.t}::timestamptz, ${cursor.id}::uuid)`);
  }
  const found = await rows.execute();
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((p) => proceedingSummaryJson(p, now)),
    nextCursor: found.length > limit && last ? encodeCursor({ s: filter, t: last.cursor_t, id: last.id }) : null,
  };
}
