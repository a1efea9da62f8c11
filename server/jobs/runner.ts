import { Logger as WorkerLogger, parseCronItems, run, type Task } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import type { Mailer } from '../notifications/mailer';
import { SEND_MAIL_TASK } from '../notifications/outbox';
import { sendMailTask } from '../notifications/outbox.worker';
import { sweepUploads } from '../documents/sweep';
import { pruneAttempts } from '../accounts/attempts.repository';
import { remindAssignments } from '../review/assignments.reminders';
import { purgeAbandonedDrafts } from '../submissions/drafts.purge';
import { BUILD_EXPORT_TASK } from '../exports/exports.service';
import { buildExport, failStaleExports } from '../exports/exports.job';
import { DEFAULT_EXPORT_HEAP_MIB } from '../config';

/** What the job runner needs: the app pool (app role), kysely over it, the mailer and a logger. */
export interface JobRunnerDeps {
  pool: pg.Pool;
  db: Db;
  mailer: Mailer;
  logger: Logger;
  /** Where evidence files live; swept hourly for files no row refers to. */
  uploadsDir: string;
  /** Jobs run at once (default 2); each holds up to two pool connections while it runs. */
  concurrency?: number;
  /** PUBLIC_URL: links and the Message-ID domain of the e-mails jobs write (assignment reminders). */
  publicUrl: string;
  /** DRAFT_RETENTION_DAYS (default 180): the daily purge of abandoned drafts (docs/legal-hold.md). */
  draftRetentionDays?: number;
  /** DATA_DIR: finished exports are written under DATA_DIR/exports (the web process serves them from there). */
  dataDir: string;
  /** EXPORT_HEAP_MIB: the heap limit of the process each export runs in (default the setting's default). */
  exportHeapMiB?: number;
}

/** A running job runner; `stop` lets running jobs finish, then releases its connections. */
export interface JobRunner {
  stop(): Promise<void>;
  /** Settles when the runner ends: resolves after stop(), rejects if it died of a fatal error. */
  done: Promise<void>;
}

/**
 * Starts graphile-worker on the app pool. It first checks the job schema's version (a SELECT the
 * app role may do); the schema itself is installed by migrateToLatest as the owner. Signals are
 * left to main.ts / worker.ts, which stop the runner as part of their own shutdown.
 */
export async function startJobRunner(deps: JobRunnerDeps): Promise<JobRunner> {
  const logger = deps.logger.child({ component: 'jobs' });
  const runner = await run({
    pgPool: deps.pool,
    taskList: {
      [SEND_MAIL_TASK]: sendMailTask({ db: deps.db, mailer: deps.mailer, logger }), [SWEEP_TASK]: sweepTask(deps, logger), [PRUNE_ATTEMPTS_TASK]: pruneTask(deps, logger),
      [REMIND_ASSIGNMENTS_TASK]: remindTask(deps, logger), [PURGE_DRAFTS_TASK]: purgeDraftsTask(deps, logger),
      [BUILD_EXPORT_TASK]: exportTask(deps, logger), [STALE_EXPORTS_TASK]: staleExportsTask(deps, logger),
    },
    concurrency: deps.concurrency ?? 2,
    // New jobs arrive by LISTEN/NOTIFY; polling catches retries whose backoff has run out.
    pollInterval: 1000,
    noHandleSignals: true,
    // Cron from code, never from a `crontab` file in the working directory. graphile-worker runs
    // each slot once across all worker processes.
    parsedCronItems: parseCronItems([
      { task: SWEEP_TASK, match: '17 * * * *', identifier: SWEEP_TASK },
      { task: PRUNE_ATTEMPTS_TASK, match: '41 * * * *', identifier: PRUNE_ATTEMPTS_TASK },
      { task: REMIND_ASSIGNMENTS_TASK, match: '7 * * * *', identifier: REMIND_ASSIGNMENTS_TASK },
      { task: PURGE_DRAFTS_TASK, match: '29 3 * * *', identifier: PURGE_DRAFTS_TASK },
      { task: STALE_EXPORTS_TASK, match: '* * * * *', identifier: STALE_EXPORTS_TASK },
    ]),
    logger: workerLogger(logger),
  });
  // Exports left running by a worker that died are failed now rather than at the next minute.
  await failStaleExports({ db: deps.db, dataDir: deps.dataDir, logger }).catch((err: unknown) => logger.error({ err }, 'stale export sweep failed'));
  let active = true;
  const done = runner.promise.then(
    () => { active = false; },
    (err: unknown) => {
      active = false;
      logger.error({ err }, 'job runner stopped after a fatal error; mail stays queued in the outbox');
      throw err;
    },
  );
  // The web process only logs a dead runner (requests still work, mail waits in the outbox);
  // worker.ts awaits `done` and exits so its supervisor restarts it.
  done.catch(() => {});
  return {
    done,
    async stop() {
      if (!active) return;
      active = false;
      await runner.stop();
    },
  };
}

export const SWEEP_TASK = 'sweep_uploads';
/** Files younger than this are never swept: an upload may still be writing or committing them. */
const SWEEP_MIN_AGE_MS = 60 * 60 * 1000;

function sweepTask(deps: JobRunnerDeps, logger: Logger): Task {
  return async () => {
    const report = await sweepUploads(deps.db, deps.uploadsDir, { olderThanMs: SWEEP_MIN_AGE_MS });
    logger.info({ report }, 'upload sweep finished');
  };
}

export const PRUNE_ATTEMPTS_TASK = 'prune_auth_attempts';

/** Throttle bookkeeping older than every window and the known-address period goes, hourly. */
function pruneTask(deps: JobRunnerDeps, logger: Logger): Task {
  return async () => {
    const deleted = await pruneAttempts(deps.db);
    logger.info({ deleted }, 'sign-in attempt records pruned');
  };
}

export const REMIND_ASSIGNMENTS_TASK = 'remind_assignments';

/** Hourly: reviewers get one e-mail for their open assignments due within 24 h (review/assignments.reminders.ts). */
function remindTask(deps: JobRunnerDeps, logger: Logger): Task {
  return async () => {
    const sent = await remindAssignments(deps.db, { publicUrl: deps.publicUrl, mailDomain: new URL(deps.publicUrl).hostname });
    logger.info({ sent }, 'assignment reminders queued');
  };
}

export const PURGE_DRAFTS_TASK = 'purge_abandoned_drafts';

/** Daily: drafts untouched for the retention period go, with their files, except in held proceedings. */
function purgeDraftsTask(deps: JobRunnerDeps, logger: Logger): Task {
  return async () => {
    const report = await purgeAbandonedDrafts(deps.db, { retentionDays: deps.draftRetentionDays ?? 180, uploadsDir: deps.uploadsDir });
    logger.info({ report }, 'abandoned drafts purged');
  };
}

/** Builds one export (exports/exports.job.ts); payload `{exportId}`. A failure is on the row, not the job. */
function exportTask(deps: JobRunnerDeps, logger: Logger): Task {
  return async (payload) => {
    const exportId = (payload as { exportId?: unknown } | null)?.exportId;
    if (typeof exportId !== 'string') throw new Error('build_export needs {exportId}');
    await buildExport({ db: deps.db, pool: deps.pool, logger, uploadsDir: deps.uploadsDir, dataDir: deps.dataDir, heapMiB: deps.exportHeapMiB ?? DEFAULT_EXPORT_HEAP_MIB }, exportId);
  };
}

export const STALE_EXPORTS_TASK = 'fail_stale_exports';

/** Every minute: exports whose worker stopped beating are marked failed `worker_lost` (docs/exports.md). */
function staleExportsTask(deps: JobRunnerDeps, logger: Logger): Task {
  return async () => {
    await failStaleExports({ db: deps.db, dataDir: deps.dataDir, logger });
  };
}

const LEVELS = { error: 'error', warning: 'warn', info: 'info', debug: 'debug' } as const;

/**
 * graphile-worker's logger interface over pino, keeping its scope (worker, task, job) as fields.
 * A failed job attempt is a warning: the task has logged why, and the queue will retry it.
 */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = meta?.['failure'] === true ? 'warn' : LEVELS[level as keyof typeof LEVELS] ?? 'info';
    const error = meta?.['error'];
    logger[method]({ scope, ...(error instanceof Error ? { error: error.message } : {}) }, message);
  });
}
