import type { Db } from '../db/database';
import { isKeysetCursor, keysetRows, type KeysetCursor, type KeysetOrder } from '../db/keyset';
import { badRequest } from '../http/errors';
import { decodeCursor, encodeCursor, parseLimit, singleQuery } from '../http/pagination';
import { proceedingSummaryJson } from './proceeding.json';
import { listProceedingRows, type WindowFilter } from './proceedings.repository';

/**
 * Each status filter has the order people want (the nearest deadline or opening first; the most
 * recently closed first), keyed here so no client text ever reaches the SQL.
 */
const ORDERS = {
  open: { column: 'proceedings.closes_at', id: 'proceedings.id', dir: 'asc' },
  upcoming: { column: 'proceedings.opens_at', id: 'proceedings.id', dir: 'asc' },
  closed: { column: 'proceedings.closes_at', id: 'proceedings.id', dir: 'desc' },
  all: { column: 'proceedings.created_at', id: 'proceedings.id', dir: 'desc' },
} as const satisfies Record<WindowFilter, KeysetOrder>;
const STATUSES = ['open', 'upcoming', 'closed'] as const;

/** A keyset cursor that also names its status filter: a page continues only the list it came from. */
interface Cursor extends KeysetCursor { s: WindowFilter }
const isCursor = (v: unknown): v is Cursor => isKeysetCursor(v) && Object.hasOwn(ORDERS, String((v as Cursor).s));

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
  const filter: WindowFilter = (status as WindowFilter | undefined) ?? 'all';
  const order = ORDERS[filter];
  const cursor = decodeCursor(q['cursor'], isCursor);
  if (cursor && cursor.s !== filter) throw badRequest('invalid_cursor', '"cursor" belongs to another status filter. Start again without it.');

  const { rows, next } = keysetRows(await listProceedingRows(db, filter, now, order, cursor, limit), limit);
  return {
    items: rows.map((p) => proceedingSummaryJson(p, now)),
    nextCursor: next ? encodeCursor({ s: filter, ...next }) : null,
  };
}
