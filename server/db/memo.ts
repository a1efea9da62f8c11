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
 */
export function memo<V>(ttlMs: number, maxEntries: number) {
  const byDb = new WeakMap<object, Map<string, { version: string; until: number; value: Promise<V> }>>();
  return function remember(db: object, key: string, compute: () => Promise<V>, version = ''): Promise<V> {
    let entries = byDb.get(db);
    if (!entries) byDb.set(db, (entries = new Map()));
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.until > now && hit.version === version) return hit.value;
    if (hit) entries.delete(key);
    else if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    const value = compute();
    const entry = { version, until: now + ttlMs, value };
    entries.set(key, entry);
    value.catch(() => { if (entries.get(key) === entry) entries.delete(key); });
    return value;
  };
}
