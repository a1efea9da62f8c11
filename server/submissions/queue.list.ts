import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db/database';
import { keysetRows } from '../db/keyset';
import type { Asker } from '../access/authorize';
import { hiddenOrganizations } from '../access/submission.policy';
import { encodeCursor } from '../http/pagination';
import { listDocumentsFor } from '../documents/documents.repository';
import { submissionJson } from './submission.json';
import { parseQueueCounts, parseQueuePage, type QueueFilter, type QueuePageRequest } from './queue.params';
import { COUNTED_STATES, countByState, countMatchesUpTo, listQueueRows, queueDetails, queueHighlights, type QueueAsker } from './queue.repository';

/**
 * The staff queue (GET /submissions for staff, and its counts). Full-text search picks its plan
 * from how many rows match (docs/review-queue.md): up to SEARCH_PROBE matches are found through the
 * GIN index and sorted; more than that, the date index is walked newest first, where a common word
 * fills a page within a few rows. Ranking every match is what made common words slow; the queue
 * orders by date, so it never ranks.
 */
export const SEARCH_PROBE = 1000;
/** Counts per state stop at this many: exact counts of huge sets cost hundreds of milliseconds. */
export const COUNT_CAP = 1000;

const whoAsks = (asker: Asker): QueueAsker => ({ userId: asker.actor.userId, hiddenOrganizations: hiddenOrganizations(asker.actor) });

// Planner settings for one transaction, each sent as one round trip (no parameters: simple protocol).
// The GIN bitmap only: few matches are fetched and sorted; a bitmap count skips ranking and walking.
// work_mem keeps the bitmap of a common word exact (a lossy one rechecks every row of its pages).
const BITMAP_ONLY = sql`SET TRANSACTION READ ONLY; SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL work_mem = '32MB'`;
// The date index only: a common word fills a page within a few rows, newest first.
const INDEX_WALK = sql`SET LOCAL enable_indexscan = on; SET LOCAL enable_bitmapscan = off`;

/**
 * Runs `work` in a read-only transaction whose planner settings suit the search. For a page
 * (`probe`), few matches are read through the GIN bitmap only (never a walk of the whole date index
 * for nothing), many along the date index only (never a bitmap of a third of the table and a sort).
 * Counts always use the bitmap: it needs no ranking and stops at the cap.
 */
async function withSearchPlan<T>(db: Db, f: QueueFilter, who: QueueAsker, probe: boolean, work: (trx: DbOrTrx) => Promise<T>): Promise<T> {
  if (!f.text) return work(db);
  return db.transaction().execute(async (trx) => {
    await BITMAP_ONLY.execute(trx);
    if (probe && await countMatchesUpTo(trx, f, who, SEARCH_PROBE + 1) > SEARCH_PROBE) await INDEX_WALK.execute(trx);
    return work(trx);
  });
}

/** The JSON of a queue page: each submission as elsewhere, plus what triage needs to see. */
async function queuePage(db: DbOrTrx, who: QueueAsker, req: QueuePageRequest) {
  const { rows, next } = keysetRows(await listQueueRows(db, req.filter, who, req.order, req.cursor, req.limit), req.limit);
  const ids = rows.map((s) => s.id);
  const [docs, details] = await Promise.all([listDocumentsFor(db, ids), queueDetails(db, ids)]);
  const byId = new Map(details.map((d) => [d.id, d]));
  const items = rows.map((s) => {
    const d = byId.get(s.id);
    const assignees = d?.assignees ?? [];
    return {
      ...submissionJson(s, docs.filter((doc) => doc.submission_id === s.id)),
      organizationName: d?.legal_name ?? null, priority: s.priority, tags: s.tags, assignees,
      dueAt: assignees[0]?.dueAt ?? null, overdue: d?.overdue ?? false, confidential: d?.confidential ?? false,
      flagged: d?.flagged ?? false, openRequest: d?.open_request ?? false,
    };
  });
  return { items, nextCursor: next ? encodeCursor(next) : null };
}

/** GET /submissions for staff: filtered, searched, sorted, keyset-paged; recusals and drafts never appear. */
export async function listQueue(db: Db, asker: Asker, query: Record<string, unknown>) {
  const req = parseQueuePage(query);
  const who = whoAsks(asker);
  return withSearchPlan(db, req.filter, who, true, (trx) => queuePage(trx, who, req));
}

/** GET /submissions/counts: rows per state under the same filters, each exact up to COUNT_CAP. */
export async function countQueue(db: Db, asker: Asker, query: Record<string, unknown>) {
  const filter = parseQueueCounts(query);
  const who = whoAsks(asker);
  const raw = await withSearchPlan(db, filter, who, false, (trx) => countByState(trx, filter, who, COUNT_CAP));
  const counts: Record<string, number> = {};
  const capped: string[] = [];
  for (const s of COUNTED_STATES) {
    counts[s] = Math.min(raw[s] ?? 0, COUNT_CAP);
    if ((raw[s] ?? 0) > COUNT_CAP) capped.push(s);
  }
  return { counts, cap: COUNT_CAP, capped };
}

/** Private-use characters around matches in highlights: a page escapes the text, then turns these into <mark>. */
export const MARK_START = '\uE000';
export const MARK_STOP = '\uE001';

/** ts_headline of title, organization name and an excerpt of summary and argument, per submission id. */
export async function highlightQueue(db: Db, ids: readonly string[], text: string) {
  const rows = await queueHighlights(db, ids, text, MARK_START, MARK_STOP);
  return new Map(rows.map((r) => [r.id, r]));
}
