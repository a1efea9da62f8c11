import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Deps } from '../deps';
import { SYSTEM_CONTEXT, recordAuditNow } from '../audit/audit.service';
import { findRecordProceeding } from '../exports/record.repository';
import { exportErrorOf } from '../exports/production';
import { writeProductionInChild } from '../exports/production-child';

export interface ExportOptions { docket?: string; out?: string; 'include-confidential'?: boolean; certifier?: string }

const DOCKET = /^[A-Z0-9][A-Z0-9-]{2,39}$/;

/**
 * `portal export --docket D --out FILE [--include-confidential] [--certifier NAME]`: writes the
 * production in an export process of its own (production-child.ts; no job, no exports row), to a temporary file beside FILE renamed
 * into place when complete. A progress bar on a terminal, plain lines otherwise (logs, CI).
 * Audited as a CLI action: `export.started`, then `export.completed` (manifest and head hash) or
 * `export.failed`. Exit 0 done, 1 failed, 2 usage.
 */
export async function exportCommand(deps: Deps, opts: ExportOptions, io: { out: NodeJS.WriteStream; err: NodeJS.WriteStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  if (!opts.docket || !DOCKET.test(opts.docket) || !opts.out) {
    io.err.write('Usage: portal export --docket D --out FILE [--include-confidential] [--certifier NAME]\n');
    return 2;
  }
  const proceeding = await findRecordProceeding(deps.db, opts.docket);
  if (!proceeding) {
    io.err.write(`No proceeding has the docket ${opts.docket}.\n`);
    return 1;
  }
  const includeConfidential = opts['include-confidential'] === true;
  const scope = includeConfidential ? 'confidential' : 'public';
  const exportId = randomUUID();
  const target = path.resolve(opts.out);
  const part = path.join(path.dirname(target), `.${path.basename(target)}.${exportId.slice(0, 8)}.part`);
  const certifier = { name: opts.certifier?.trim() || userInfo().username, title: 'Certifying official' };
  const facts = { exportId, docket: proceeding.docket, scope, via: 'cli', file: path.basename(target), certifier: certifier.name };
  await recordAuditNow(deps.db, SYSTEM_CONTEXT, { action: 'export.started', subjectType: 'proceeding', subjectId: proceeding.id, data: facts });

  const progress = progressDisplay(io.err);
  try {
    const result = await writeProductionInChild({ pool: deps.pool, uploadsDir: deps.config.uploadsDir, heapMiB: deps.config.exportHeapMiB, logLevel: deps.config.logLevel, logger: deps.logger },
      { docket: proceeding.docket, includeConfidential, exportId, certifier }, part, 'wx', progress.update);
    const handle = await fsp.open(part, 'r');
    await handle.sync().finally(() => handle.close());
    await fsp.rename(part, target);
    progress.stop();
    await recordAuditNow(deps.db, SYSTEM_CONTEXT, {
      action: 'export.completed', subjectType: 'proceeding', subjectId: proceeding.id,
      data: { ...facts, items: result.items, bytes: result.bytes, manifestSha256: result.manifestSha256, auditHeadHash: result.auditHeadHash },
    });
    io.out.write(`Exported ${proceeding.docket} (${scope}) to ${target}\n`
      + `  ${result.items} items, ${result.bytes} bytes\n  MANIFEST.sha256 SHA-256: ${result.manifestSha256}\n  audit head: ${result.auditHeadHash}\n`
      + `Check it with: portal export verify ${target}\n`);
    return 0;
  } catch (err) {
    progress.stop();
    await fsp.rm(part, { force: true }).catch(() => undefined);
    const { code, message } = exportErrorOf(err);
    await recordAuditNow(deps.db, SYSTEM_CONTEXT, { action: 'export.failed', subjectType: 'proceeding', subjectId: proceeding.id, data: { ...facts, code } });
    io.err.write(`Export failed (${code}): ${message}\n`);
    return 1;
  }
}

/**
 * cli-progress on a terminal; off one (a pipe, a log file) a plain line at every tenth, since
 * cursor movement there is noise.
 */
function progressDisplay(stream: NodeJS.WriteStream) {
  if (stream.isTTY) {
    const bar = new SingleBar({ stream, format: 'Exporting [{bar}] {percentage}% | {value}/{total} items', noTTYOutput: false, hideCursor: true }, Presets.shades_classic);
    let started = false;
    return {
      update: (done: number, total: number) => {
        if (!started) { bar.start(total, 0); started = true; }
        bar.setTotal(total);
        bar.update(done);
      },
      stop: () => { if (started) bar.stop(); },
    };
  }
  let lastTenth = -1;
  return {
    update: (done: number, total: number) => {
      const tenth = total > 0 ? Math.floor((done * 10) / total) : 0;
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`Exporting: ${tenth * 10}% (${done}/${total} items)\n`);
    },
    stop: () => {},
  };
}
