import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import { poolConnection } from '../db/pool';
import { ExportError } from './export-error';
import type { ProductionResult, ProductionScope, ProgressCallback } from './production';

/** What the export process is asked to do. */
export interface ProductionTask {
  connectionString: string;
  role?: string;
  uploadsDir: string;
  scope: ProductionScope;
  /** The file it writes (created; `wx` refuses one that exists). */
  file: string;
  flags: 'w' | 'wx';
  logLevel: string;
}

/** What it reports. */
export type ProductionMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: ProductionResult; peakRssKiB: number }
  | { type: 'failed'; code: string; message: string };

export interface ChildOptions {
  /** The app's pool: the process connects the same way (same server, same role). */
  pool: pg.Pool;
  uploadsDir: string;
  /** EXPORT_HEAP_MIB. */
  heapMiB: number;
  logLevel: string;
  /** Where what the process wrote to stderr goes (V8's fatal messages): logged, not passed through. */
  logger?: Logger;
}

/** The last this many bytes of the process's stderr are kept, for the log and to tell out-of-memory. */
const STDERR_TAIL_BYTES = 8 * 1024;
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|allocation failure/i;

/** The production's result, and the export process's peak resident memory (KiB). */
export type ChildProductionResult = ProductionResult & { peakRssKiB: number };

/**
 * Runs writeProduction in a process of its own (production-process.ts) with a V8 heap limit of
 * `heapMiB`: the export's memory stays bounded and is given back when it ends, whatever process
 * asked (the worker, the web process's in-process worker, the CLI), and a fault in it ends only
 * that process. Resolves with the result; rejects with an ExportError (its code and message).
 */
export function writeProductionInChild(opts: ChildOptions, scope: ProductionScope, file: string, flags: 'w' | 'wx', onProgress: ProgressCallback): Promise<ChildProductionResult> {
  const source = __filename.endsWith('.ts');
  const entry = path.join(__dirname, `production-process${source ? '.ts' : '.js'}`);
  // From the sources (tests, development without a build) the child compiles TypeScript as it loads.
  const register = path.join(__dirname, '..', '..', 'test', 'helpers', 'ts-register.js');
  const execArgv = [`--max-old-space-size=${opts.heapMiB}`, '--max-semi-space-size=8', ...(source && existsSync(register) ? ['-r', register] : [])];
  const task: ProductionTask = { ...poolConnection(opts.pool), uploadsDir: opts.uploadsDir, scope, file, flags, logLevel: opts.logLevel };
  return new Promise((resolve, reject) => {
    const child = fork(entry, [], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'advanced' });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES); });
    let settled = false;
    const settle = (fn: () => void) => { if (!settled) { settled = true; fn(); } };
    child.on('message', (m: ProductionMessage) => {
      if (m.type === 'progress') onProgress(m.done, m.total);
      else if (m.type === 'done') settle(() => resolve({ ...m.result, peakRssKiB: m.peakRssKiB }));
      else settle(() => reject(new ExportError(m.code, m.message)));
    });
    child.on('error', (err) => settle(() => reject(err)));
    child.on('close', (code, signal) => {
      if (stderr.trim()) opts.logger?.warn({ exportId: scope.exportId, code, signal, stderr }, 'the export process wrote to stderr');
      settle(() => reject(new ExportError('export_process_failed', OUT_OF_MEMORY.test(stderr)
        ? `The export process ran out of memory at EXPORT_HEAP_MIB=${opts.heapMiB}. Raise EXPORT_HEAP_MIB and start the export again.`
        : `The export process stopped (${signal ?? `exit ${code}`}) before it finished. Start the export again; if it stops again, tell an administrator.`)));
    });
    child.send(task);
  });
}
