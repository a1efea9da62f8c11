import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db/database';
import { keysetRows } from '../db/keyset';
import { memo } from '../db/memo';
import type { Asker } from '../access/authorize';
import { hiddenOrganizations } from '../access/submission.policy';
import { encodeCursor } from '../http/pagination';
import type { submissionJson } from './submission.json';
import { parseQueueCounts, parseQueuePage, type QueueFilter } from './queue.params';
import { countByState, estimateByState, estimateMatches, queueHighlights, queueItemRows, type QueueAsker } from './queue.repository';

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

// Planner settings for one read-only transaction, sent with its BEGIN as one round trip (no
// parameters: simple protocol). The GIN bitmap only; work_mem keeps the bitmap exact (a lossy one
// rechecks every row of its pages).
const BITMAP_ONLY = "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL work_mem = '32MB'";
// The date index only: never a bitmap of a third of the table and a sort.
const INDEX_WALK = 'SET LOCAL enable_bitmapscan = off';

/** Planner estimates change only with ANALYZE: each answer is kept for 30 seconds per database. */
const estimates = memo<number>(30_000, 500);
/** Estimated counts per state: the planner's, so kept as long as its other estimates. */
const estimatedCounts = memo<Record<string, number>>(30_000, 500);
const estimate = (db: Db, f: QueueFilter, who: QueueAsker) => estimates(db, keyOf(f, f, who), () => estimateMatches(db, f, who));

/** True when the search's words are common enough among the filtered rows for a newest-first walk. */
async function isCommon(db: Db, f: QueueFilter, who: QueueAsker): Promise<boolean> {
  const [matching, all] = await Promise.all([estimate(db, f, who), estimate(db, { ...f, text: undefined }, who)]);
  return matching > 0 && matching >= WALK_SHARE * all;
}

/** Runs `work` with the plan settings that suit the search (none without one). */
async function withSearchPlan<T>(db: Db, f: QueueFilter, who: QueueAsker, work: (conn: DbOrTrx) => Promise<T>): Promise<T> {
  if (!f.text) return work(db);
  return withPlan(db, await isCommon(db, f, who) ? INDEX_WALK : BITMAP_ONLY, work);
}

/** On one connection: BEGIN READ ONLY and `settings` in one round trip, the work, COMMIT (ROLLBACK when it failed). */
async function withPlan<T>(db: Db, settings: string, work: (conn: DbOrTrx) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    try {
      // Inside the try: were a setting refused after BEGIN, the connection must not go back to the pool in a transaction.
      await sql.raw(`BEGIN READ ONLY; ${settings}`).execute(conn);
      const result = await work(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (err) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/** A queue item: the submission as elsewhere (submissionJson), plus what triage needs to see. */
export interface QueueItem extends ReturnType<typeof submissionJson> {
  organizationName: string | null; priority: string; tags: string[];
  assignees: { id: string; name: string; dueAt: string }[]; dueAt: string | null;
  overdue: boolean; confidential: boolean; flagged: boolean; openRequest: boolean;
}

/**
 * Answers of the queue at one state of the record (an audit head), for 2 seconds at most: fifty
 * reviewers on the same first page cost one query, and a change anywhere moves the head, so no one
 * is shown a page older than their request. Keyed by everything an answer depends on: the checked
 * request, the asker's recusals, and the asker for `assignee=me`. docs/review-queue.md "Cache".
 */
const STATE_TTL_MS = 2_000;
/**
 * What the kept pages may weigh in all. A page of 200 items with 100,000-character arguments is
 * 20 MB, so 200 kept pages could be gigabytes: the oldest are dropped first, and a page over the
 * budget on its own is served but not kept.
 */
export const PAGE_CACHE_BYTES = 64 * 1024 * 1024;
const pages = memo<Buffer>(STATE_TTL_MS, 200, { maxWeight: PAGE_CACHE_BYTES, weigh: (page) => page.byteLength });
const exactCounts = memo<Record<string, number>>(STATE_TTL_MS, 200);
const keyOf = (parts: unknown, f: QueueFilter, who: QueueAsker) =>
  JSON.stringify([parts, who.hiddenOrganizations, f.assignee?.kind === 'me' ? who.userId : null]);
/** `asOf` undefined (the caller's state is unknown): computed afresh, never kept. */
const atState = <V>(cache: ReturnType<typeof memo<V>>, db: Db, key: string, asOf: string | null | undefined, compute: () => Promise<V>) =>
  (asOf === undefined ? compute() : cache(db, key, compute, `head:${asOf ?? 'none'}`));

/**
 * GET /submissions for staff, as the response body: filtered, searched, sorted, keyset-paged;
 * recusals and drafts never appear. Items are joined as PostgreSQL wrote them, and kept encoded. `asOf` is the
 * audit head the request started from (req.auditHead).
 */
export async function listQueueJson(db: Db, asker: Asker, query: Record<string, unknown>, asOf?: string | null): Promise<Buffer> {
  const req = parseQueuePage(query);
  const who = whoAsks(asker);
  return atState(pages, db, keyOf([req.filter, req.sortKey, req.cursor ?? null, req.limit], req.filter, who), asOf, async () => {
    const found = await withSearchPlan(db, req.filter, who, (conn) => queueItemRows(conn, req.filter, who, req.order, req.cursor, req.limit));
    const { rows, next } = keysetRows(found, req.limit);
    return Buffer.from(`{"items":[${rows.map((r) => r.item).join(',')}],"nextCursor":${JSON.stringify(next ? encodeCursor(next) : null)}}`);
  });
}

/** The staff queue as objects, for pages. */
export async function listQueue(db: Db, asker: Asker, query: Record<string, unknown>, asOf?: string | null): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
  return JSON.parse((await listQueueJson(db, asker, query, asOf)).toString('utf8')) as { items: QueueItem[]; nextCursor: string | null };
}

/**
 * GET /submissions/counts: rows per state under the same filters. Exact when the planner expects at
 * most EXACT_COUNT_MAX rows (`estimated: false`); above that, exact counts cost hundreds of
 * milliseconds at a million rows, so each state gets the planner's estimate and `estimated: true`.
 */
export async function countQueue(db: Db, asker: Asker, query: Record<string, unknown>, asOf?: string | null) {
  const filter = parseQueueCounts(query);
  const who = whoAsks(asker);
  const key = keyOf(filter, filter, who);
  const estimated = await estimate(db, filter, who) > EXACT_COUNT_MAX;
  if (estimated) return { counts: await estimatedCounts(db, key, () => estimateByState(db, filter, who)), estimated };
  const counts = await atState(exactCounts, db, key, asOf, () => (filter.text
    ? withPlan(db, BITMAP_ONLY, (conn) => countByState(conn, filter, who))
    : countByState(db, filter, who)));
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
