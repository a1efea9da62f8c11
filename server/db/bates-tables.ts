import type { ColumnType } from 'kysely';

/** Row types of the Bates tables (migrations/2026-12-02T1100_bates.ts). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** A proceeding's Bates prefix and the last number given out (only ever grows). */
export interface BatesSeriesTable {
  proceeding_id: string;
  prefix: string;
  last_number: ColumnType<string, number | string | undefined, number | string>;
  created_at: CreatedAt;
}

/** The range a document was given, once; never updated or deleted. */
export interface BatesRangeTable {
  document_id: string;
  proceeding_id: string;
  source: 'notice' | 'submission';
  first_number: ColumnType<string, number | string, never>;
  last_number: ColumnType<string, number | string, never>;
  assigned_at: CreatedAt;
}

/** The Bates tables, merged into `Database`. */
export interface BatesTables {
  bates_series: BatesSeriesTable;
  bates_ranges: BatesRangeTable;
}

