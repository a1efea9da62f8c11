import type { Task } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import { oneLine, type Mailer } from './mailer';
import { allowSlowSend, lockOutboxMail, markOutboxSent, recordOutboxFailure } from './outbox.repository';

/** What the send_mail task needs from outside. */
export interface OutboxWorkerDeps {
  db: Db;
  mailer: Mailer;
  logger: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ERROR_LENGTH = 500;

/**
 * The graphile-worker task for `send_mail` jobs ({outboxId}). A rejected promise makes
 * graphile-worker retry with exponential backoff, up to the max_attempts set at enqueue.
 */
export function sendMailTask(deps: OutboxWorkerDeps): Task {
  return async (payload, helpers) => {
    const outboxId = (payload as { outboxId?: unknown } | null)?.outboxId;
    if (typeof outboxId !== 'string' || !UUID.test(outboxId)) {
      // Retrying cannot repair a malformed payload: say so once and let the job complete.
      deps.logger.error({ jobId: helpers.job.id }, 'send_mail job has no valid outboxId; dropped');
      return;
    }
    await deliverOutboxMail(deps, outboxId, helpers.job.attempts >= helpers.job.max_attempts);
  };
}

/**
 * Sends one outbox row at most once successfully: the row is locked while sending, and a row
 * already `sent` (or gone) is left alone. On failure the attempt and a short, credential-free
 * reason are committed, then the error is rethrown so the job queue retries. `finalAttempt`
 * marks the row `failed` when that retry budget is spent.
 */
export async function deliverOutboxMail(deps: OutboxWorkerDeps, outboxId: string, finalAttempt = false): Promise<void> {
  let failure: Error | undefined;
  await deps.db.transaction().execute(async (trx) => {
    const mail = await lockOutboxMail(trx, outboxId);
    if (!mail || mail.status === 'sent') return;
    await allowSlowSend(trx);
    try {
      await deps.mailer.send({ messageId: mail.messageId, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined });
    } catch (err) {
      failure = new Error(describeSendError(err));
    }
    if (!failure) {
      await markOutboxSent(trx, outboxId);
      return;
    }
    // Committed with the transaction rather than thrown through it, which would roll it back.
    await recordOutboxFailure(trx, outboxId, failure.message, finalAttempt);
  });
  if (failure) {
    if (finalAttempt) deps.logger.error({ outboxId, error: failure.message }, 'mail not sent; out of attempts, outbox row marked failed');
    else deps.logger.warn({ outboxId, error: failure.message }, 'mail not sent; the job queue will retry');
    throw failure;
  }
}

/**
 * One line of at most 500 characters naming what went wrong, for the outbox row and the job
 * queue. Only the error's code and message are used (never the SMTP command, which may carry
 * AUTH data), and any user:password@ in a URL is cut out.
 */
export function describeSendError(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const text = typeof e.code === 'string' ? `${e.code}: ${message}` : message;
  return oneLine(text).replace(/\/\/[^\s/@]+@/g, '//[redacted]@').slice(0, MAX_ERROR_LENGTH);
}
