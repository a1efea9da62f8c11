import type { DbOrTrx } from '../db/database';

/**
 * Proceedings a vendor can respond to now: the window is open, or it has closed but late
 * responses are still accepted (flagged). Soonest deadline first, so the urgent one leads.
 * (Belongs with the proceedings repository; kept here until that feature lists proceedings.)
 */
export function listOpenProceedings(db: DbOrTrx, now: Date, limit = 50) {
  return db.selectFrom('proceedings')
    .select(['id', 'docket', 'title', 'opens_at', 'closes_at', 'time_zone', 'late_policy', 'response_schema'])
    .where('opens_at', '<=', now)
    .where((eb) => eb.or([eb('closes_at', '>', now), eb('late_policy', '=', 'accept_flagged')]))
    .orderBy('closes_at').orderBy('docket').limit(limit).execute();
}
