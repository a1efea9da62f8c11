import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';
import { cursorColumn, keysetPage, type KeysetCursor, type KeysetOrder } from '../db/keyset';
import type { CheckedProceeding } from './proceedings.rules';

/** Column values for a checked proceeding (JSON columns are written as text). */
const columns = (p: CheckedProceeding) => ({
  title: p.title,
  summary: p.summary,
  notice_text: p.noticeText,
  opens_at: p.opensAt,
  closes_at: p.closesAt,
  time_zone: p.timeZone,
  late_policy: p.latePolicy,
  response_schema: JSON.stringify(p.responseSchema),
  limits: JSON.stringify(p.limits),
});

/** Inserts a proceeding; a duplicate docket surfaces as the driver's unique violation (23505). */
export async function insertProceeding(db: DbOrTrx, docket: string, p: CheckedProceeding): Promise<ProceedingRow> {
  return db.insertInto('proceedings').values({ docket, ...columns(p) }).returningAll().executeTakeFirstOrThrow();
}

/** Rewrites a proceeding's fields and bumps its version. */
export async function updateProceedingRow(db: DbOrTrx, id: string, p: CheckedProceeding): Promise<ProceedingRow> {
  return db.updateTable('proceedings').set({ ...columns(p), updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** A proceeding by docket; `forUpdate` locks it until the transaction ends (PATCH read-modify-write). */
export async function findProceedingByDocket(db: DbOrTrx, docket: string, opts: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom('proceedings').selectAll().where('docket', '=', docket);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export type ProceedingRow = NonNullable<Awaited<ReturnType<typeof findProceedingByDocket>>>;

/** The proceeding a row refers to by id, if it exists. */
export const findProceedingById = (db: DbOrTrx, id: string): Promise<ProceedingRow | undefined> =>
  db.selectFrom('proceedings').selectAll().where('id', '=', id).executeTakeFirst();

/** Which proceedings a list shows, by where their window stands `now`. */
export type WindowFilter = 'open' | 'upcoming' | 'closed' | 'all';

/** One page of proceedings in `order`, after `cursor` (one row more than `limit`). */
export function listProceedingRows(db: DbOrTrx, filter: WindowFilter, now: Date, order: KeysetOrder, cursor: KeysetCursor | undefined, limit: number) {
  let q = db.selectFrom('proceedings').selectAll().select(cursorColumn(order));
  if (filter === 'open') q = q.where('opens_at', '<=', now).where('closes_at', '>', now);
  if (filter === 'upcoming') q = q.where('opens_at', '>', now);
  if (filter === 'closed') q = q.where('closes_at', '<=', now);
  return keysetPage(q, order, cursor, limit).execute();
}

/** The notice package documents of some proceedings, oldest first (the order the agency added them). */
export async function listNoticeDocuments(db: DbOrTrx, proceedingIds: readonly string[]) {
  if (proceedingIds.length === 0) return [];
  return db.selectFrom('notice_documents')
    .select(['id', 'proceeding_id', 'title', 'original_name', 'media_type', 'size', 'sha256', 'created_at'])
    .where('proceeding_id', 'in', proceedingIds).orderBy('created_at').orderBy('id').execute();
}

export type NoticeDocumentRow = Awaited<ReturnType<typeof listNoticeDocuments>>[number];

/**
 * Proceedings a vendor can respond to now: the window is open, or it has closed but late
 * responses are still accepted (flagged). Soonest deadline first, so the urgent one leads.
 */
export function listAcceptingProceedings(db: DbOrTrx, now: Date, limit = 50) {
  return db.selectFrom('proceedings')
    .select(['id', 'docket', 'title', 'opens_at', 'closes_at', 'time_zone', 'late_policy', 'response_schema'])
    .where('opens_at', '<=', now)
    .where((eb) => eb.or([eb('closes_at', '>', now), eb('late_policy', '=', 'accept_flagged')]))
    .orderBy('closes_at').orderBy('docket').limit(limit).execute();
}
