import type { ColumnType, Generated } from 'kysely';

/** Row types of the legal-hold tables (migrations/2026-12-02T1000_legal_hold.ts). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** One hold a proceeding was ever under; released once, never deleted (docs/legal-hold.md). */
export interface LegalHoldTable {
  id: Generated<string>;
  proceeding_id: string;
  reason: string;
  placed_by: string;
  placed_at: CreatedAt;
  released_by: string | null;
  released_at: Date | null;
  release_reason: string | null;
}

export interface LegalHoldTables {
  legal_holds: LegalHoldTable;
}

/**
 * The SQLSTATE the database raises when a DELETE (or TRUNCATE) would remove anything of a
 * proceeding under a legal hold (legal_hold_guard(), migrations/2026-12-02T1000_legal_hold.ts).
 */
export const LEGAL_HOLD_SQLSTATE = 'VPH01';
