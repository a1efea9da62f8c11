import { sql, type Transaction } from 'kysely';
import type { Database, DbOrTrx } from '../db/database';

import { BATES_MAX, BATES_PREFIX, defaultBatesPrefix } from './bates-label';

export { pageCountOrSlip } from './pdf-stamp';
export { BATES_DIGITS, BATES_MAX, batesLabel, batesNumber, defaultBatesPrefix } from './bates-label';

/**
 * Bates numbers (issue 10; docs/export-stamping.md): `<prefix><6 digits>`, one per produced page
 * (one for a slip sheet), given to a document once and stored, so every later export gives the
 * same page the same number. Allocation happens under the proceeding's series row lock, so two
 * exports at once never hand out the same number; the database refuses overlaps, reuse and edits
 * as well (migrations/2026-12-02T1100_bates.ts).
 */

/** Suffixes tried, in order, when another proceeding already holds the default prefix. */
const SUFFIXES = ['', ...'BCDEFGHJKLMNPQRSTUVWXYZ'];

const inTransaction = async <T>(db: DbOrTrx, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> =>
  db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);

/**
 * The proceeding's prefix, creating its series with the default prefix on first use (the docket
 * without hyphens; a letter B, C, ... is added when another proceeding already has that prefix).
 */
export async function batesPrefix(db: DbOrTrx, proceedingId: string): Promise<string> {
  const existing = await db.selectFrom('bates_series').select('prefix').where('proceeding_id', '=', proceedingId).executeTakeFirst();
  if (existing) return existing.prefix;
  const proceeding = await db.selectFrom('proceedings').select('docket').where('id', '=', proceedingId).executeTakeFirst();
  if (!proceeding) throw new Error(`no proceeding ${proceedingId}`);
  const base = defaultBatesPrefix(proceeding.docket);
  for (const suffix of SUFFIXES) {
    // ON CONFLICT DO NOTHING covers both races: the same proceeding created by a concurrent export
    // (then the row below is that one) and the prefix taken by another proceeding (then try the next).
    await sql`INSERT INTO bates_series (proceeding_id, prefix) VALUES (${proceedingId}, ${base + suffix}) ON CONFLICT DO NOTHING`.execute(db);
    const row = await db.selectFrom('bates_series').select('prefix').where('proceeding_id', '=', proceedingId).executeTakeFirst();
    if (row) return row.prefix;
  }
  throw new Error(`no free Bates prefix for docket ${proceeding.docket}`);
}

/**
 * Sets a proceeding's prefix before any number is given out (the database refuses a change after).
 * Throws when the prefix is malformed, held by another proceeding, or already in use here.
 */
export async function setBatesPrefix(db: DbOrTrx, proceedingId: string, prefix: string): Promise<void> {
  if (!BATES_PREFIX.test(prefix)) throw new Error(`not a Bates prefix: ${JSON.stringify(prefix)} (2 to 48 capital letters and digits)`);
  await db.insertInto('bates_series').values({ proceeding_id: proceedingId, prefix })
    .onConflict((oc) => oc.column('proceeding_id').doUpdateSet({ prefix })).execute();
}

export interface BatesRange { first: number; last: number }

/** Ranges already stored for these documents (any proceeding). */
export async function findBatesRanges(db: DbOrTrx, documentIds: readonly string[]): Promise<Map<string, BatesRange>> {
  const out = new Map<string, BatesRange>();
  for (const ids of chunks([...new Set(documentIds)], 5000)) {
    const rows = await db.selectFrom('bates_ranges').select(['document_id', 'first_number', 'last_number'])
      .where('document_id', 'in', ids).execute();
    for (const r of rows) out.set(r.document_id, { first: Number(r.first_number), last: Number(r.last_number) });
  }
  return out;
}

/** The last number the proceeding has given out (0 before the first); its series must exist (batesPrefix). */
export async function lastBatesNumber(db: DbOrTrx, proceedingId: string): Promise<number> {
  const row = await db.selectFrom('bates_series').select('last_number').where('proceeding_id', '=', proceedingId).executeTakeFirstOrThrow();
  return Number(row.last_number);
}

/**
 * Each document's range: existing ranges unchanged; missing ones allocated in the given order, one
 * number per page (`pages` >= 1; a slip sheet is 1), after every number the proceeding has given
 * out. Runs in `db`'s transaction when it is one (the series lock is then held until it commits;
 * the numbers stay given out even if nothing else of it commits), or in one of its own.
 */
export async function assignBates(trx: DbOrTrx, proceedingId: string, docs: { documentId: string; pages: number }[]): Promise<Map<string, BatesRange>> {
  for (const d of docs) {
    if (!Number.isSafeInteger(d.pages) || d.pages < 1) throw new Error(`document ${d.documentId}: pages must be a positive integer, not ${d.pages}`);
  }
  await batesPrefix(trx, proceedingId);
  return inTransaction(trx, async (t) => {
    // The lock: every allocation of this proceeding waits here for the one before to commit.
    const series = await t.selectFrom('bates_series').select('last_number').where('proceeding_id', '=', proceedingId).forUpdate().executeTakeFirstOrThrow();
    // Read after the lock: under READ COMMITTED this sees the ranges a concurrent export just committed.
    const ranges = await findBatesRanges(t, docs.map((d) => d.documentId));
    const missing: { documentId: string; pages: number }[] = [];
    const seen = new Set<string>();
    for (const d of docs) {
      if (ranges.has(d.documentId) || seen.has(d.documentId)) continue;
      seen.add(d.documentId);
      missing.push(d);
    }
    if (missing.length === 0) return pick(ranges, docs);

    const sources = await documentSources(t, proceedingId, missing.map((d) => d.documentId));
    let next = Number(series.last_number) + 1;
    const rows = missing.map((d) => {
      const source = sources.get(d.documentId);
      if (!source) throw new Error(`document ${d.documentId} is not a document of proceeding ${proceedingId}`);
      const row = { document_id: d.documentId, proceeding_id: proceedingId, source, first_number: next, last_number: next + d.pages - 1 };
      next += d.pages;
      return row;
    });
    const last = next - 1;
    if (last > BATES_MAX) throw new Error(`proceeding ${proceedingId} would pass Bates number ${BATES_MAX} (${last})`);
    await t.updateTable('bates_series').set({ last_number: last }).where('proceeding_id', '=', proceedingId).execute();
    for (const batch of chunks(rows, 1000)) await t.insertInto('bates_ranges').values(batch).execute();
    for (const r of rows) ranges.set(r.document_id, { first: r.first_number, last: r.last_number });
    return pick(ranges, docs);
  });
}

const pick = (ranges: Map<string, BatesRange>, docs: { documentId: string }[]) =>
  new Map(docs.map((d) => [d.documentId, ranges.get(d.documentId)!] as const));

/** Which table each document is in, for this proceeding: a notice document or a submission's. */
async function documentSources(db: DbOrTrx, proceedingId: string, ids: string[]): Promise<Map<string, 'notice' | 'submission'>> {
  const out = new Map<string, 'notice' | 'submission'>();
  for (const part of chunks(ids, 5000)) {
    const notice = await db.selectFrom('notice_documents').select('id').where('proceeding_id', '=', proceedingId).where('id', 'in', part).execute();
    for (const r of notice) out.set(r.id, 'notice');
    const filed = await db.selectFrom('documents').innerJoin('submissions', 'submissions.id', 'documents.submission_id')
      .select('documents.id').where('submissions.proceeding_id', '=', proceedingId).where('documents.id', 'in', part).execute();
    for (const r of filed) out.set(r.id, 'submission');
  }
  return out;
}

/** A document of the record in Bates order. */
export interface BatesOrderDocument {
  documentId: string;
  source: 'notice' | 'submission';
  /** Null for a notice document. */
  submissionId: string | null;
  trackingNumber: string | null;
}

/**
 * Every document of the proceeding's record in the order Bates numbers are given (EXPORT.md):
 * notice documents by creation, then filed (not draft) submissions by tracking number, each
 * submission's documents by creation. Whatever the scope, so public and confidential productions
 * share numbers.
 */
export async function recordDocumentsInBatesOrder(db: DbOrTrx, proceedingId: string): Promise<BatesOrderDocument[]> {
  const notice = await db.selectFrom('notice_documents').select(['id']).where('proceeding_id', '=', proceedingId)
    .orderBy('created_at').orderBy('id').execute();
  const filed = await db.selectFrom('documents').innerJoin('submissions', 'submissions.id', 'documents.submission_id')
    .select(['documents.id as id', 'submissions.id as submissionId', 'submissions.tracking_number as trackingNumber'])
    .where('submissions.proceeding_id', '=', proceedingId).where('submissions.status', '<>', 'draft')
    // Tracking numbers are `<docket>-NNNNNN`, one width per docket; length first all the same (as the record reader).
    .orderBy(sql`length(submissions.tracking_number)`).orderBy('submissions.tracking_number').orderBy('documents.created_at').orderBy('documents.id').execute();
  return [
    ...notice.map((r) => ({ documentId: r.id, source: 'notice' as const, submissionId: null, trackingNumber: null })),
    ...filed.map((r) => ({ documentId: r.id, source: 'submission' as const, submissionId: r.submissionId, trackingNumber: r.trackingNumber })),
  ];
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
