import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db/database';
import { keysetRows } from '../db/keyset';
import type { Asker } from '../access/authorize';
import { hiddenOrganizations } from '../access/submission.policy';
import { encodeCursor } from '../http/pagination';
import { listDocumentsFor } from '../documents/documents.repository';
import { submissionJson } from './submission.json';
import { parseQueueCounts, parseQueuePage, type QueueFilter, type QueuePageRequest } from './queue.params';
import { countByState, estimateByState, estimateMatches, listQueueRows, queueDetails, queueHighlights, type QueueAsker } from './queue.repository';

/**
 * The staff queue (GET /submissions for staff, and its counts). docs/review-queue.md has the
 * measurements behind these choices. The queue orders by date and never ranks: ranking every match
 * of a common word is what made search slow. Which plan a search gets depends on how common the
 * planner's statistics say its words are: common (at least WALK_SHARE of the filtered rows) walks the
 * date index newest first, where a page fills within a few rows; anything rarer reads the GIN bitmap
 * and sorts the few matches, since a walk for a rare or absent word would read the whole index.
 */
export const WALK_SHARE = 0.01;
/** Counts are exact when the planner expects at most this many rows; above, they are its estimates. */
export const EXACT_COUNT_MAX = 10_000;

const whoAsks = (asker: Asker): QueueAsker => ({ userId: asker.actor.userId, hiddenOrganizations: hiddenOrganizations(asker.actor) });

// Planner settings for one transaction, each sent as one round trip (no parameters: simple protocol).
// The GIN bitmap only; work_mem keeps the bitmap exact (a lossy one rechecks every row of its pages).
const BITMAP_ONLY = sql`SET TRANSACTION READ ONLY; SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL work_mem = '32MB'`;
// The date index only: never a bitmap of a third of the table and a sort.
const INDEX_WALK = sql`SET TRANSACTION READ ONLY; SET LOCAL enable_bitmapscan = off`;

/** True when the search's words are common enough among the filtered rows for a newest-first walk. */
async function isCommon(db: DbOrTrx, f: QueueFilter, who: QueueAsker): Promise<boolean> {
  const [matching, all] = await Promise.all([estimateMatches(db, f, who), estimateMatches(db, { ...f, text: undefined }, who)]);
  return matching > 0 && matching >= WALK_SHARE * all;
}

/** Runs `work` in a read-only transaction with the plan settings that suit the search (none without one). */
async function withSearchPlan<T>(db: Db, f: QueueFilter, who: QueueAsker, work: (trx: DbOrTrx) => Promise<T>): Promise<T> {
  if (!f.text) return work(db);
  return db.transaction().execute(async (trx) => {
    await (await isCommon(trx, f, who) ? INDEX_WALK : BITMAP_ONLY).execute(trx);
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
  return withSearchPlan(db, req.filter, who, (trx) => queuePage(trx, who, req));
}

/**
 * GET /submissions/counts: rows per state under the same filters. Exact when the planner expects at
 * most EXACT_COUNT_MAX rows (`estimated: false`); above that, exact counts cost hundreds of
 * milliseconds at a million rows, so each state gets the planner's estimate and `estimated: true`.
 */
export async function countQueue(db: Db, asker: Asker, query: Record<string, unknown>) {
  const filter = parseQueueCounts(query);
  const who = whoAsks(asker);
  const estimated = await estimateMatches(db, filter, who) > EXACT_COUNT_MAX;
  if (estimated) return { counts: await estimateByState(db, filter, who), estimated };
  const counts = filter.text
    ? await db.transaction().execute(async (trx) => { await BITMAP_ONLY.execute(trx); return countByState(trx, filter, who); })
    : await countByState(db, filter, who);
  return { counts, estimated };
}

/** Private-use characters around matches in highlights: a page escapes the text, then turns these into <mark>. */
export const MARK_START = '\uE000';
export const MARK_STOP = '\uE001';

/** ts_headline of title, organization name and an excerpt of summary and argument, per submission id. */
export async function highlightQueue(db: Db, ids: readonly string[], text: string) {
  const rows = await queueHighlights(db, ids, text, MARK_START, MARK_STOP);
  return new Map(rows.map((r) => [r.id, r]));
}
