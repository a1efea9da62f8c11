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

interface Entry<V> { version: string; until: number; value: Promise<V>; refreshing: boolean; weight: number }
/** The answers kept for one database, and the sum of their weights. */
interface Store<V> { entries: Map<string, Entry<V>>; weight: number }

/**
 * A budget for what the kept answers may weigh in all (the queue's pages: bytes). Once an answer is
 * in, the oldest answers are dropped until the sum is within `maxWeight`; an answer over the budget
 * on its own is served to those waiting for it and not kept.
 */
export interface MemoBudget<V> { maxWeight: number; weigh: (value: V) => number }

export function memo<V>(ttlMs: number, maxEntries: number, budget?: MemoBudget<V>) {
  const byDb = new WeakMap<object, Store<V>>();

  const drop = (store: Store<V>, key: string) => {
    const entry = store.entries.get(key);
    if (!entry) return;
    store.entries.delete(key);
    store.weight -= entry.weight;
  };
  const put = (store: Store<V>, key: string, entry: Entry<V>) => {
    drop(store, key);
    while (store.entries.size >= maxEntries) drop(store, store.entries.keys().next().value as string);
    store.entries.set(key, entry);
  };
  /** Counts a computed answer's weight and drops the oldest others while over budget (it alone over: not kept). */
  const weighIn = (store: Store<V>, key: string, entry: Entry<V>, value: V) => {
    if (!budget || store.entries.get(key) !== entry) return;
    const weight = budget.weigh(value);
    if (weight > budget.maxWeight) {
      drop(store, key);
      return;
    }
    entry.weight = weight;
    store.weight += weight;
    for (const old of store.entries.keys()) {
      if (store.weight <= budget.maxWeight) break;
      if (old !== key) drop(store, old);
    }
  };

  /** Computes afresh and keeps the answer under `key` (replacing `stale`, if it is still there, once done). */
  const keep = (store: Store<V>, key: string, compute: () => Promise<V>, version: string, stale?: Entry<V>): Entry<V> => {
    const entry: Entry<V> = { version, until: Date.now() + ttlMs, value: compute(), refreshing: false, weight: 0 };
    if (stale) {
      entry.value.then((value) => {
        if (store.entries.get(key) !== stale) return;
        put(store, key, entry);
        weighIn(store, key, entry, value);
      }, () => { stale.refreshing = false; });
    } else {
      put(store, key, entry);
      entry.value.then((value) => weighIn(store, key, entry, value), () => { if (store.entries.get(key) === entry) drop(store, key); });
    }
    return entry;
  };

  return function remember(db: object, key: string, compute: () => Promise<V>, version = ''): Promise<V> {
    let store = byDb.get(db);
    if (!store) byDb.set(db, (store = { entries: new Map(), weight: 0 }));
    const now = Date.now();
    const hit = store.entries.get(key);
    if (hit && hit.until > now && hit.version === version) {
      if (!hit.refreshing && hit.until - now < ttlMs * REFRESH_AHEAD) {
        hit.refreshing = true;
        keep(store, key, compute, version, hit);
      }
      return hit.value;
    }
    drop(store, key);
    return keep(store, key, compute, version).value;
  };
}
