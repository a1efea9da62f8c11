import type { ColumnType, Generated } from 'kysely';

/** Row types of the export tables (migrations/2026-12-02T1200_exports.ts). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

/** One production of a proceeding's record, built by the `build_export` job (docs/exports.md). */
export interface ExportTable {
  id: Generated<string>;
  proceeding_id: string;
  include_confidential: boolean;
  requested_by: string;
  status: Generated<ExportStatus>;
  progress: Generated<number>;
  items: Generated<number>;
  bytes: ColumnType<string, number | string | undefined, number | string>;
  manifest_sha256: string | null;
  audit_head_hash: string | null;
  /** The archive's file name under DATA_DIR/exports/ (`<id>.zip`), set once it is complete. */
  file_key: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: Generated<number>;
  heartbeat_at: Date | null;
  created_at: CreatedAt;
  started_at: Date | null;
  finished_at: Date | null;
}

/** The export tables, merged into `Database`. */
export interface ExportTables {
  exports: ExportTable;
}
