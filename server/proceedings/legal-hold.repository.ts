import type { DbOrTrx } from '../db/database';

/** A hold with the names of the people who placed and released it. */
const holdColumns = [
  'legal_holds.id', 'legal_holds.proceeding_id', 'legal_holds.reason', 'legal_holds.placed_by', 'legal_holds.placed_at',
  'legal_holds.released_by', 'legal_holds.released_at', 'legal_holds.release_reason',
  'placer.name as placed_by_name', 'releaser.name as released_by_name',
] as const;

const holdsWithNames = (db: DbOrTrx) => db.selectFrom('legal_holds')
  .innerJoin('users as placer', 'placer.id', 'legal_holds.placed_by')
  .leftJoin('users as releaser', 'releaser.id', 'legal_holds.released_by')
  .select(holdColumns);

/** The active hold of a proceeding, if it is under one. */
export const findActiveHold = (db: DbOrTrx, proceedingId: string) =>
  holdsWithNames(db).where('legal_holds.proceeding_id', '=', proceedingId).where('legal_holds.released_at', 'is', null).executeTakeFirst();

export type HoldRow = NonNullable<Awaited<ReturnType<typeof findActiveHold>>>;

/** One hold by id. */
export const findHold = (db: DbOrTrx, id: string): Promise<HoldRow | undefined> =>
  holdsWithNames(db).where('legal_holds.id', '=', id).executeTakeFirst();

/** Every hold a proceeding was ever under, newest first. */
export const listHolds = (db: DbOrTrx, proceedingId: string): Promise<HoldRow[]> =>
  holdsWithNames(db).where('legal_holds.proceeding_id', '=', proceedingId).orderBy('legal_holds.placed_at', 'desc').orderBy('legal_holds.id').execute();

/** Active holds across proceedings, most recently placed first, with each docket (the holds page). */
export const listActiveHolds = (db: DbOrTrx, limit: number) =>
  holdsWithNames(db).innerJoin('proceedings', 'proceedings.id', 'legal_holds.proceeding_id')
    .select(['proceedings.docket', 'proceedings.title']).where('legal_holds.released_at', 'is', null)
    .orderBy('legal_holds.placed_at', 'desc').limit(limit).execute();

/** Ids of the proceedings under an active hold among `ids` (the purge job skips them). */
export async function heldAmong(db: DbOrTrx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('legal_holds').select('proceeding_id').where('proceeding_id', 'in', [...new Set(ids)])
    .where('released_at', 'is', null).execute();
  return new Set(rows.map((r) => r.proceeding_id));
}

/** Starts a hold; a second active one for the proceeding is refused by the partial unique index (23505). */
export const insertHold = (db: DbOrTrx, h: { proceedingId: string; reason: string; placedBy: string }) =>
  db.insertInto('legal_holds').values({ proceeding_id: h.proceedingId, reason: h.reason, placed_by: h.placedBy })
    .returning('id').executeTakeFirstOrThrow();

/** Ends the active hold (the trigger allows this change once). */
export const releaseHoldRow = (db: DbOrTrx, id: string, r: { releasedBy: string; reason: string; at: Date }) =>
  db.updateTable('legal_holds').set({ released_by: r.releasedBy, released_at: r.at, release_reason: r.reason })
    .where('id', '=', id).where('released_at', 'is', null).execute();
