import type { HoldRow } from './legal-hold.repository';

/** A hold as the API returns it: who placed it and why, and, once released, who released it and why. */
export const holdJson = (docket: string, h: HoldRow) => ({
  id: h.id, docket, reason: h.reason, placedAt: h.placed_at.toISOString(), placedBy: { id: h.placed_by, name: h.placed_by_name },
  releasedAt: h.released_at?.toISOString() ?? null,
  releasedBy: h.released_by ? { id: h.released_by, name: h.released_by_name ?? '' } : null,
  releaseReason: h.release_reason,
});

/** What staff see of an active hold on the proceeding itself (`legalHold`, null when none). */
export const activeHoldJson = (h: HoldRow | undefined) => (h
  ? { id: h.id, reason: h.reason, placedAt: h.placed_at.toISOString(), placedBy: { id: h.placed_by, name: h.placed_by_name } }
  : null);
