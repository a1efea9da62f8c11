import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { authorize, type Asker } from '../access/authorize';
import { recordAudit, recordAuditNow, type AuditContext } from '../audit/audit.service';
import { isKeysetCursor, keysetRows, type KeysetOrder } from '../db/keyset';
import { conflict, notFound } from '../http/errors';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { findExport, insertExport, listExportRows, type ExportRow } from './exports.repository';
import { filingOrganizations, findRecordProceeding } from './record.repository';
import type { StartExportInput } from './exports.schemas';
import { scopeOf } from './exports.json';

export const BUILD_EXPORT_TASK = 'build_export';
const ORDER: KeysetOrder = { column: 'e.created_at', id: 'e.id', dir: 'desc' };

/** Where finished archives live: DATA_DIR/exports/<id>.zip (docs/exports.md). */
export const exportsDir = (dataDir: string): string => path.join(dataDir, 'exports');

/**
 * Legal staff ask for a production: the proceeding must exist (404), the asker must be legal and
 * recused from none of its filers (403, audited). The row, its audit event and the job commit
 * together; the job (exports.job.ts) does the work.
 */
export async function requestExport(db: Db, ctx: AuditContext, asker: Asker, input: StartExportInput): Promise<{ id: string }> {
  const proceeding = await findRecordProceeding(db, input.docket);
  if (!proceeding) throw notFound('proceeding');
  await authorize(asker, 'exportProceeding', { type: 'proceeding', id: proceeding.id },
    { docket: proceeding.docket, filingOrganizations: await filingOrganizations(db, proceeding.id) });
  return db.transaction().execute(async (trx) => {
    const id = await insertExport(trx, { proceedingId: proceeding.id, includeConfidential: input.includeConfidential, requestedBy: asker.actor.userId });
    await recordAudit(trx, ctx, {
      action: 'export.requested', subjectType: 'proceeding', subjectId: proceeding.id,
      data: { exportId: id, docket: proceeding.docket, scope: scopeOf(input.includeConfidential), via: 'api' },
    });
    // One attempt: a failure marks the row failed with its reason, and the person starts another.
    await sql`SELECT graphile_worker.add_job(${BUILD_EXPORT_TASK}, json_build_object('exportId', ${id}::text),
      job_key => ${`export:${id}`}, max_attempts => 1)`.execute(trx);
    return { id };
  });
}

/** An export the asker may see: legal, not recused from any filer of its proceeding; else 404 (audited). */
export async function visibleExport(db: Db, asker: Asker, id: string): Promise<ExportRow> {
  const row = await findExport(db, id);
  const scope = row && { ...row, filingOrganizations: await filingOrganizations(db, row.proceeding_id) };
  return authorize(asker, 'exportDownload', { type: 'export', id }, scope);
}

/** A page of exports, newest first; those of proceedings the asker is recused in are left out. */
export async function listExports(db: Db, asker: Asker, opts: { cursor?: string; limit: number }) {
  const cursor = decodeCursor(opts.cursor, isKeysetCursor);
  const found = await listExportRows(db, asker.actor.recusedFrom, ORDER, cursor, opts.limit);
  const { rows, next } = keysetRows(found, opts.limit);
  return { items: rows as ExportRow[], nextCursor: next ? encodeCursor(next) : null };
}

/**
 * The finished archive's path for a download, after the visibility check; 409 `export_not_ready`
 * until it is done (and for a failed one, with its reason). The download is audited.
 */
export async function exportForDownload(db: Db, ctx: AuditContext, asker: Asker, dataDir: string, id: string): Promise<{ row: ExportRow; file: string }> {
  const row = await visibleExport(db, asker, id);
  if (row.status !== 'done' || !row.file_key) {
    throw conflict('export_not_ready', row.status === 'failed'
      ? `This export failed (${row.error_code ?? 'unknown'}): nothing to download. Start a new export.`
      : `This export is ${row.status} (${row.progress}%). Download it once its status is done.`);
  }
  await recordAuditNow(db, ctx, { action: 'export.downloaded', subjectType: 'proceeding', subjectId: row.proceeding_id, data: { exportId: row.id, docket: row.docket, scope: scopeOf(row.include_confidential) } });
  return { row, file: path.join(exportsDir(dataDir), row.file_key) };
}
