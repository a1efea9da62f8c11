import type { Server } from 'node:http';
import { createApp } from './app';
import { createHttpServer } from './http/server';
import { configOrExit, openRuntime } from './bootstrap';
import { describeDemoAccounts, seedDemo } from './seed/demo';
import { createMailer } from './notifications/mailer';
import { startJobRunner } from './jobs/runner';

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * `npm start`: database (embedded when DATABASE_URL is unset), migrations, demo data on first start
 * outside production, the web server, and the outbox worker in-process unless WORKER_IN_PROCESS=false.
 */
async function main(): Promise<void> {
  const config = configOrExit();
  const runtime = await openRuntime(config);
  const { deps } = runtime;
  const demo = config.nodeEnv === 'production' ? undefined : await seedDemo(deps.db, deps.totpVault, config.dataDir);

  const mailer = createMailer(config, deps.logger);
  const jobs = config.workerInProcess ? await startJobRunner({ pool: deps.pool, db: deps.db, mailer, logger: deps.logger, uploadsDir: config.uploadsDir, publicUrl: config.publicUrl, draftRetentionDays: config.draftRetentionDays, dataDir: config.dataDir, exportHeapMiB: config.exportHeapMiB }) : undefined;

  // Timeouts in http/server.ts: slow headers are cut at 20 s; slow bodies by the pace guard (BODY_* settings).
  const server: Server = createHttpServer(createApp(deps)).listen(config.port);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));

  process.stdout.write([
    '',
    `Vendor Response Portal is running at ${config.publicUrl}`,
    `Database: ${runtime.embedded ? `embedded PostgreSQL (data in ${runtime.embeddedDir})` : 'DATABASE_URL'}`,
    `Mail: ${config.smtpUrl ? 'SMTP_URL' : 'written to the log (SMTP_URL unset)'}; worker ${jobs ? 'in this process' : 'separate (npm run worker)'}`,
    demo ? describeDemoAccounts(demo.accounts) : '',
    '',
  ].join('\n'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await jobs?.stop();
    await mailer.close();
    await runtime.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`The portal could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
