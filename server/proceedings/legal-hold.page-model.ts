import type { Actor } from '../access/actor';
import { can } from '../access/policies';
import type { DbOrTrx } from '../db/database';
import { formatUtc } from '../http/format';
import { findActiveHold, listHolds, type HoldRow } from './legal-hold.repository';

/** Where legal staff place and release a proceeding's hold. */
export const holdPageHref = (docket: string) => `/proceedings/${encodeURIComponent(docket)}/legal-hold`;

/** A hold as the pages show it: times in UTC, people by name. */
export const holdView = (h: HoldRow) => ({
  id: h.id, reason: h.reason, placedAt: formatUtc(h.placed_at), placedAtIso: h.placed_at.toISOString(), placedBy: h.placed_by_name,
  releasedAt: h.released_at ? formatUtc(h.released_at) : null, releasedAtIso: h.released_at?.toISOString() ?? null,
  releasedBy: h.released_by_name, releaseReason: h.release_reason,
});

/** The notice page's hold panel for staff: the active hold, if any, and for legal staff the way to manage it. */
export async function staffHoldView(db: DbOrTrx, actor: Actor, proceedingId: string, docket: string) {
  const active = await findActiveHold(db, proceedingId);
  return { active: active ? holdView(active) : null, manageHref: can(actor, 'legal_hold.manage') ? holdPageHref(docket) : null };
}

/** The hold page's state: the active hold and the whole history, newest first. */
export async function holdHistoryView(db: DbOrTrx, proceedingId: string) {
  const holds = await listHolds(db, proceedingId);
  const active = holds.find((h) => h.released_at === null);
  return { active: active ? holdView(active) : null, history: holds.map(holdView) };
}
