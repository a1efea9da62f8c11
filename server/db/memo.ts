/**
 * A small time-bounded memo, one per database handle (a WeakMap key, so test databases never share
 * entries). A request that finds an answer being computed waits for it rather than computing it
 * again. Two uses:
 * - values derived from the planner's statistics (row estimates, plan choices), which change only
 *   when ANALYZE runs: no `version`;
 * - answers derived from the record, with `version` the audit head the request started from
 *   (every change to the record writes an audit event in its transaction, so an answer computed
 *   at that head is the answer at that head). The TTL bounds what no audit event marks: time
 *   passing a due date, and rows changed by hand in SQL.
 *
 * Refreshed ahead: a request in the last quarter of an answer's life is still served that answer
 * and starts one recomputation in the background, which replaces it when done. No answer is ever
 * served past its TTL, and the requests of a busy view do not all wait on a recomputation each time
 * the TTL runs out.
 */
const REFRESH_AHEAD = 0.25;

interface Entry<V> { version: string; until: number; value: Promise<V>; refreshing: boolean }

export function memo<V>(ttlMs: number, maxEntries: number) {
  const byDb = new WeakMap<object, Map<string, Entry<V>>>();

  /** Computes afresh and keeps the answer under `key` (replacing `stale`, if it is still there, once done). */
  const keep = (entries: Map<string, Entry<V>>, key: string, compute: () => Promise<V>, version: string, stale?: Entry<V>): Entry<V> => {
    const started = Date.now();
    const entry: Entry<V> = { version, until: started + ttlMs, value: compute(), refreshing: false };
    if (stale) {
      entry.value.then(() => { if (entries.get(key) === stale) entries.set(key, entry); }, () => { stale.refreshing = false; });
    } else {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, entry);
      entry.value.catch(() => { if (entries.get(key) === entry) entries.delete(key); });
    }
    return entry;
  };

  return function remember(db: object, key: string, compute: () => Promise<V>, version = ''): Promise<V> {
    let entries = byDb.get(db);
    if (!entries) byDb.set(db, (entries = new Map()));
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.until > now && hit.version === version) {
      if (!hit.refreshing && hit.until - now < ttlMs * REFRESH_AHEAD) {
        hit.refreshing = true;
        keep(entries, key, compute, version, hit);
      }
      return hit.value;
    }
    if (hit) entries.delete(key);
    return keep(entries, key, compute, version).value;
  };
}
