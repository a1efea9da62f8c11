import { configOrExit, openRuntime } from './bootstrap';
import { createMailer } from './notifications/mailer';
import { startJobRunner } from './jobs/runner';

/** `npm run worker`: the outbox worker as its own process (production runs several web + one or more of these). */
async function main(): Promise<void> {
  const config = configOrExit();
  const runtime = await openRuntime(config, { migrate: false });
  const mailer = createMailer(config, runtime.deps.logger);
  const jobs = await startJobRunner({ pool: runtime.deps.pool, db: runtime.deps.db, mailer, logger: runtime.deps.logger, uploadsDir: config.uploadsDir, publicUrl: config.publicUrl, draftRetentionDays: config.draftRetentionDays, dataDir: config.dataDir, exportHeapMiB: config.exportHeapMiB });
  runtime.deps.logger.info('worker started');
  const shutdown = async () => {
    await jobs.stop();
    await mailer.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  await jobs.done.catch(async () => {
    // Nothing left to do in this process: exit non-zero so the supervisor starts a fresh one.
    await mailer.close();
    await runtime.close();
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`The worker could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
