import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import { SYSTEM_CONTEXT, recordAudit } from '../audit/audit.service';
import { claimExport, findExport, markExportDone, markExportFailed, staleExports, writeProgress } from './exports.repository';
import { exportsDir } from './exports.service';
import { scopeOf } from './exports.json';
import { exportErrorOf } from './production';
import { writeProductionInChild } from './production-child';

/** What the export job needs: the app's database, where files are (uploads) and go (DATA_DIR). */
export interface ExportJobDeps {
  db: Db;
  /** The export process connects as this pool does. */
  pool: pg.Pool;
  logger: Logger;
  uploadsDir: string;
  dataDir: string;
  /** EXPORT_HEAP_MIB. */
  heapMiB: number;
}

/** Progress reaches the row at most this often, and only when it moved by a whole percent. */
export const PROGRESS_EVERY_MS = 500;
/** A running job writes its heartbeat this often even when progress stands still (one large file). */
export const HEARTBEAT_EVERY_MS = 10_000;
/** A running export whose heartbeat is older than this lost its worker (docs/exports.md). */
export const STALE_AFTER_MS = 120_000;

const partPath = (dataDir: string, id: string) => path.join(exportsDir(dataDir), `${id}.zip.part`);

/**
 * Throttles progress: `report(done, total)` may be called per item; the row is written when the
 * percent moved by at least one and PROGRESS_EVERY_MS passed, one write at a time.
 */
export function progressWriter(write: (pct: number) => Promise<void>, clock: () => number = Date.now) {
  let last = 0;
  let lastAt = 0;
  let inFlight: Promise<void> | undefined;
  return {
    report(done: number, total: number): void {
      // 100 is written by the completion itself, with the result.
      const pct = total > 0 ? Math.min(99, Math.floor((done * 100) / total)) : 0;
      const now = clock();
      if (pct <= last || now - lastAt < PROGRESS_EVERY_MS || inFlight) return;
      last = pct;
      lastAt = now;
      inFlight = write(pct).catch(() => undefined).finally(() => { inFlight = undefined; });
    },
    get percent() { return last; },
    async settle(): Promise<void> { await inFlight; },
  };
}

/**
 * The `build_export` task: claims the queued row (a row not queued is left alone, so a re-run of
 * the job after its worker died does nothing), has the export process (production-child.ts) write
 * the archive to `<id>.zip.part` under DATA_DIR/exports, fsyncs and renames it to `<id>.zip`, and marks the row done with its audit
 * event in one transaction. Any failure marks the row failed with a stable code (and its audit
 * event), and removes the partial file; the job itself then ends without error (one attempt).
 */
export async function buildExport(deps: ExportJobDeps, exportId: string): Promise<void> {
  const log = deps.logger.child({ exportId });
  const claimed = await deps.db.transaction().execute(async (trx) => {
    if (!await claimExport(trx, exportId, new Date())) return undefined;
    const row = (await findExport(trx, exportId))!;
    await recordAudit(trx, SYSTEM_CONTEXT, {
      action: 'export.started', subjectType: 'proceeding', subjectId: row.proceeding_id,
      data: { exportId, docket: row.docket, scope: scopeOf(row.include_confidential), requestedBy: row.requested_by, attempt: row.attempts },
    });
    return row;
  });
  if (!claimed) {
    log.info('export not queued any more: nothing to do');
    return;
  }
  const dir = exportsDir(deps.dataDir);
  const part = partPath(deps.dataDir, exportId);
  const final = path.join(dir, `${exportId}.zip`);
  const progress = progressWriter((pct) => writeProgress(deps.db, exportId, pct, new Date()));
  const heartbeat = setInterval(() => { void writeProgress(deps.db, exportId, progress.percent, new Date()).catch(() => undefined); }, HEARTBEAT_EVERY_MS);
  heartbeat.unref();
  try {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const result = await writeProductionInChild({ pool: deps.pool, uploadsDir: deps.uploadsDir, heapMiB: deps.heapMiB, logLevel: log.level, logger: log }, {
      docket: claimed.docket, includeConfidential: claimed.include_confidential, exportId,
      certifier: { name: claimed.requested_by_name, title: 'Legal staff' },
    }, part, 'w', (done, total) => progress.report(done, total));
    await fsyncFile(part);
    await fsp.rename(part, final);
    await fsyncFile(dir);
    clearInterval(heartbeat);
    await progress.settle();
    const done = await deps.db.transaction().execute(async (trx) => {
      if (!await markExportDone(trx, exportId, { ...result, fileKey: `${exportId}.zip` }, new Date())) return false;
      await recordAudit(trx, SYSTEM_CONTEXT, {
        action: 'export.completed', subjectType: 'proceeding', subjectId: claimed.proceeding_id,
        data: { exportId, docket: claimed.docket, scope: scopeOf(claimed.include_confidential), requestedBy: claimed.requested_by,
          items: result.items, bytes: result.bytes, manifestSha256: result.manifestSha256, auditHeadHash: result.auditHeadHash },
      });
      return true;
    });
    // Failed meanwhile (the stale sweep thought this worker dead): the row says failed, so no file either.
    if (!done) await fsp.rm(final, { force: true });
    log.info({ items: result.items, bytes: result.bytes, peakRssKiB: result.peakRssKiB, done }, 'export finished');
  } catch (err) {
    clearInterval(heartbeat);
    await progress.settle();
    await fsp.rm(part, { force: true }).catch(() => undefined);
    const { code, message } = exportErrorOf(err);
    log.error({ err, code }, 'export failed');
    await failExport(deps.db, exportId, code, message);
  }
}

async function failExport(db: Db, exportId: string, code: string, message: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await findExport(trx, exportId, { forUpdate: true });
    if (!row || !await markExportFailed(trx, exportId, code, message, new Date())) return;
    await recordAudit(trx, SYSTEM_CONTEXT, {
      action: 'export.failed', subjectType: 'proceeding', subjectId: row.proceeding_id,
      data: { exportId, docket: row.docket, scope: scopeOf(row.include_confidential), requestedBy: row.requested_by, code },
    });
  });
}

export const WORKER_LOST = 'worker_lost';

/**
 * Exports whose worker died mid-run (killed, host lost): a running row whose heartbeat stopped
 * more than `staleAfterMs` ago is marked failed `worker_lost` (audited) and its partial file is
 * removed. Not retried: the person sees why and starts again (Bates numbers already given stay).
 * Runs when the job runner starts and every minute.
 */
export async function failStaleExports(deps: Pick<ExportJobDeps, 'db' | 'dataDir' | 'logger'>, opts: { staleAfterMs?: number; now?: Date } = {}): Promise<string[]> {
  const now = opts.now ?? new Date();
  const before = new Date(now.getTime() - (opts.staleAfterMs ?? STALE_AFTER_MS));
  const failed = await deps.db.transaction().execute(async (trx) => {
    const rows = await staleExports(trx, before);
    for (const r of rows) {
      await markExportFailed(trx, r.id, WORKER_LOST, 'The worker building this export stopped before it finished. Start a new export.', now);
      const row = (await findExport(trx, r.id))!;
      await recordAudit(trx, SYSTEM_CONTEXT, {
        action: 'export.failed', subjectType: 'proceeding', subjectId: r.proceeding_id,
        data: { exportId: r.id, docket: row.docket, scope: scopeOf(r.include_confidential), requestedBy: r.requested_by, code: WORKER_LOST },
      });
    }
    return rows.map((r) => r.id);
  });
  for (const id of failed) await fsp.rm(partPath(deps.dataDir, id), { force: true }).catch(() => undefined);
  if (failed.length) deps.logger.warn({ exports: failed }, 'exports whose worker stopped were marked failed');
  return failed;
}

async function fsyncFile(p: string): Promise<void> {
  const handle = await fsp.open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
