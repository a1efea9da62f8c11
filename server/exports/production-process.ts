import { createWriteStream, promises as fsp } from 'node:fs';
import { finished } from 'node:stream/promises';
import { createLogger } from '../logger';
import { createDb, createPool } from '../db/pool';
import { exportErrorOf } from './export-error';
import { writeProduction } from './production';
import type { ProductionTask, ProductionMessage } from './production-child';

/**
 * The export process (forked by production-child.ts; not run by hand): takes one ProductionTask
 * over IPC, writes the production to its file with a pool of its own, and reports progress, then
 * the result or the failure's code and message. It exits when the parent goes away.
 */
const send = (m: ProductionMessage) => new Promise<void>((resolve) => { process.send!(m, () => resolve()); });

async function run(task: ProductionTask): Promise<void> {
  const logger = createLogger(task.logLevel).child({ exportId: task.scope.exportId, process: 'export' });
  const db = createDb(createPool({ connectionString: task.connectionString, role: task.role, max: 2, logger }));
  let out: ReturnType<typeof createWriteStream> | undefined;
  let lastSent = 0;
  try {
    // Opened before the stream, so a refusal (the file exists, no permission) is this export's error, not an unhandled event.
    const handle = await fsp.open(task.file, task.flags, 0o600);
    out = createWriteStream('', { fd: handle.fd, highWaterMark: 1 << 20 });
    const result = await writeProduction({ db, logger, config: { uploadsDir: task.uploadsDir } }, task.scope, out, (done, total) => {
      const now = Date.now();
      if (done < total && now - lastSent < PROGRESS_EVERY_MS) return;
      lastSent = now;
      process.send!({ type: 'progress', done, total } satisfies ProductionMessage);
    });
    out.end();
    await finished(out);
    await send({ type: 'done', result, peakRssKiB: process.resourceUsage().maxRSS });
  } catch (err) {
    out?.destroy();
    const { code, message } = exportErrorOf(err);
    if (code === 'export_failed') logger.error({ err }, 'export stopped on an unexpected error');
    await send({ type: 'failed', code, message });
  } finally {
    await db.destroy();
  }
}

/** Progress goes to the parent at most this often (it throttles again for the database). */
const PROGRESS_EVERY_MS = 100;

process.on('disconnect', () => process.exit(1));
process.once('message', (task: ProductionTask) => {
  run(task).then(() => process.exit(0), () => process.exit(1));
});
