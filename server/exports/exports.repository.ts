import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';
import { cursorColumn, keysetPage, type KeysetCursor, type KeysetOrder } from '../db/keyset';

/** The exports table (migrations/2026-12-02T1200_exports.ts): requests, job progress and results. */

const exportColumns = [
  'e.id', 'e.proceeding_id', 'p.docket', 'p.title as proceeding_title', 'e.include_confidential', 'e.requested_by',
  'u.name as requested_by_name', 'e.status', 'e.progress', 'e.items', 'e.bytes', 'e.manifest_sha256', 'e.audit_head_hash',
  'e.file_key', 'e.error_code', 'e.error_message', 'e.attempts', 'e.heartbeat_at', 'e.created_at', 'e.started_at', 'e.finished_at',
] as const;

const base = (db: DbOrTrx) => db.selectFrom('exports as e')
  .innerJoin('proceedings as p', 'p.id', 'e.proceeding_id')
  .innerJoin('users as u', 'u.id', 'e.requested_by');

export async function insertExport(db: DbOrTrx, e: { proceedingId: string; includeConfidential: boolean; requestedBy: string }): Promise<string> {
  const row = await db.insertInto('exports').values({
    proceeding_id: e.proceedingId, include_confidential: e.includeConfidential, requested_by: e.requestedBy,
    manifest_sha256: null, audit_head_hash: null, file_key: null, error_code: null, error_message: null,
    heartbeat_at: null, started_at: null, finished_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** One export with its docket and requester's name; `forUpdate` locks the row. */
export async function findExport(db: DbOrTrx, id: string, opts: { forUpdate?: boolean } = {}) {
  let q = base(db).select(exportColumns).where('e.id', '=', id);
  if (opts.forUpdate) q = q.forUpdate('e');
  return q.executeTakeFirst();
}

export type ExportRow = NonNullable<Awaited<ReturnType<typeof findExport>>>;

/**
 * A page of exports, newest first, leaving out every proceeding in which an organization the
 * asker is recused from has filed (those exports are invisible to them, as their filings are).
 */
export function listExportRows(db: DbOrTrx, hidden: readonly string[], order: KeysetOrder, cursor: KeysetCursor | undefined, limit: number) {
  let q = base(db).select(exportColumns).select(cursorColumn(order));
  if (hidden.length) {
    q = q.where(({ not, exists, selectFrom }) => not(exists(selectFrom('submissions as s').select(sql.lit(1).as('one'))
      .whereRef('s.proceeding_id', '=', 'e.proceeding_id').where('s.status', '<>', 'draft').where('s.organization_id', 'in', [...hidden]))));
  }
  return keysetPage(q, order, cursor, limit).execute();
}

/**
 * Moves a queued export to running for this attempt (locks it first): false when it is not queued
 * (already finished, failed by the sweep, or taken by another attempt).
 */
export async function claimExport(db: DbOrTrx, id: string, now: Date): Promise<boolean> {
  const res = await db.updateTable('exports')
    .set({ status: 'running', started_at: now, heartbeat_at: now, attempts: sql`attempts + 1`, progress: 0 })
    .where('id', '=', id).where('status', '=', 'queued').executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Progress and liveness of a running export (only while it is running). */
export async function writeProgress(db: DbOrTrx, id: string, progress: number, now: Date): Promise<void> {
  await db.updateTable('exports').set({ progress, heartbeat_at: now })
    .where('id', '=', id).where('status', '=', 'running').execute();
}

/** Marks a running export done with what its archive holds; false when it is no longer running. */
export async function markExportDone(db: DbOrTrx, id: string, r: { items: number; bytes: number; manifestSha256: string; auditHeadHash: string | null; fileKey: string }, now: Date): Promise<boolean> {
  const res = await db.updateTable('exports').set({
    status: 'done', progress: 100, items: r.items, bytes: r.bytes, manifest_sha256: r.manifestSha256,
    audit_head_hash: r.auditHeadHash, file_key: r.fileKey, finished_at: now, heartbeat_at: now,
  }).where('id', '=', id).where('status', '=', 'running').executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Marks an unfinished export failed with a stable code; false when it had already finished. */
export async function markExportFailed(db: DbOrTrx, id: string, code: string, message: string, now: Date): Promise<boolean> {
  const res = await db.updateTable('exports').set({ status: 'failed', error_code: code, error_message: message.slice(0, 2000), finished_at: now })
    .where('id', '=', id).where('status', 'in', ['queued', 'running']).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Running exports whose job stopped beating before `staleBefore` (its worker died), locked and
 * skipping rows another sweep holds.
 */
export const staleExports = (db: DbOrTrx, staleBefore: Date) =>
  db.selectFrom('exports').select(['id', 'proceeding_id', 'include_confidential', 'requested_by', 'heartbeat_at'])
    .where('status', '=', 'running').where('heartbeat_at', '<', staleBefore)
    .forUpdate().skipLocked().execute();
