import type pg from 'pg';
import type { Db } from '../db/database';
import { changeFeedOf } from '../db/pool';
import type { ChangeFeed } from '../db/change-feed';
import { findLiveToken, sha256 } from './credentials.repository';

type LiveToken = NonNullable<Awaited<ReturnType<typeof findLiveToken>>>;

/**
 * Bearer-token lookups kept in memory between changes (CREDENTIAL_CACHE, docs/credential-cache.md).
 * An answer read at the change feed's generation G is reused only while the feed is live and still
 * at G: any committed change to tokens, users, conflicts or the audit chain moves it (from any
 * process, when its notification arrives; from this one, before the response that follows the
 * change). Expiry is checked on every use; each answer is kept at most TTL_MS whatever happens,
 * and is looked up again in the background during its last second (the request is served the kept
 * answer meanwhile), so a busy token's requests do not wait on a lookup every TTL_MS.
 * Only answers that found a live token are kept; a refused token is looked up every time.
 */
const TTL_MS = 5_000;
const REFRESH_AFTER_MS = 4_000;
const MAX_ENTRIES = 10_000;

/** The answers read at one generation: a move of the generation drops them all. */
interface Entry { until: number; row: LiveToken; refreshing?: boolean }
interface Kept { generation: number; entries: Map<string, Entry> }
const byFeed = new WeakMap<ChangeFeed, Kept>();

/**
 * The live token, from memory when a kept answer is still good (then at once, not as a promise:
 * most requests of a busy client are answered so, and a promise and its turn cost each of them),
 * else looked up.
 */
export function liveTokenCached(db: Db, pool: pg.Pool, token: string): LiveToken | undefined | Promise<LiveToken | undefined> {
  const feed = changeFeedOf(pool);
  feed?.start();
  if (!feed?.live) return findLiveToken(db, pool, token);
  let kept = byFeed.get(feed);
  if (!kept) byFeed.set(feed, (kept = { generation: feed.generation, entries: new Map() }));
  if (kept.generation !== feed.generation) {
    kept.entries.clear();
    kept.generation = feed.generation;
  }
  const key = sha256(token).toString('base64');
  const find = () => findLiveToken(db, pool, token);
  const now = Date.now();
  const hit = kept.entries.get(key);
  if (hit && hit.until > now && hit.row.expires_at.getTime() > now) {
    if (!hit.refreshing && hit.until - now < TTL_MS - REFRESH_AFTER_MS) {
      hit.refreshing = true;
      lookUp(feed, kept, key, find).catch(() => { hit.refreshing = false; });
    }
    return hit.row;
  }
  if (hit) kept.entries.delete(key);
  return lookUp(feed, kept, key, find);
}

/** Looks the token up and keeps (or drops) the answer, unless the generation moved while it ran. */
async function lookUp(feed: ChangeFeed, kept: Kept, key: string, find: () => Promise<LiveToken | undefined>): Promise<LiveToken | undefined> {
  const { entries, generation } = kept;
  const started = Date.now();
  const row = await find();
  // Changed while the lookup ran (or the feed went down): the answer may predate the change.
  // (kept.generation only ever follows feed.generation, so it is still `generation` too.)
  if (!feed.live || feed.generation !== generation) return row;
  if (!row) {
    entries.delete(key);
    return row;
  }
  if (!entries.has(key) && entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  entries.set(key, { until: started + TTL_MS, row });
  return row;
}
