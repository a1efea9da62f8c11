import { sql, type SelectQueryBuilder } from 'kysely';

/**
 * Keyset pagination on (a timestamp column, the row's id), the one way lists page through rows: a
 * page continues strictly after the last row shown, so rows added meanwhile never shift it.
 */

/** The order of a list: a timestamp column and the id column, both in the same direction. */
export interface KeysetOrder {
  column: string;
  id: string;
  dir: 'asc' | 'desc';
}

/** Where a page ended: the order column to the microsecond (ISO text) and the row's id. */
export interface KeysetCursor { t: string; id: string }

/** True for a cursor this server could have written (checked before any of it reaches SQL). */
export const isKeysetCursor = (v: unknown): v is KeysetCursor => typeof v === 'object' && v !== null
  && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(String((v as KeysetCursor).t))
  && /^[0-9a-f-]{36}$/.test(String((v as KeysetCursor).id));

/**
 * The order column as exact ISO text, selected as `cursor_t`: a JavaScript Date would round it to
 * the millisecond, and the next page would skip or repeat rows.
 */
export const cursorColumn = (o: KeysetOrder) =>
  sql<string>`to_char(${sql.ref(o.column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_t');

/** Orders the query, starts it after `cursor` and fetches one row more than a page (to know if another follows). */
export function keysetPage<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>, o: KeysetOrder,
  cursor: KeysetCursor | undefined, limit: number): SelectQueryBuilder<DB, TB, O> {
  let page = q.orderBy(sql.ref(o.column), o.dir).orderBy(sql.ref(o.id), o.dir).limit(limit + 1);
  if (cursor) {
    const op = o.dir === 'asc' ? sql`>` : sql`<`;
    page = page.where(sql<boolean>`(${sql.ref(o.column)}, ${sql.ref(o.id)}) ${op} (${cursor.t}::timestamptz, ${cursor.id}::uuid)`);
  }
  return page;
}

/** The rows of the page and, when one more was found, the cursor after its last row. */
export function keysetRows<R extends { cursor_t: string; id: string }>(found: R[], limit: number): { rows: R[]; next: KeysetCursor | null } {
  const rows = found.slice(0, limit);
  const last = rows.at(-1);
  return { rows, next: found.length > limit && last ? { t: last.cursor_t, id: last.id } : null };
}
