import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';

/** An outbox row as the sender needs it. */
export interface OutboxMail {
  id: string;
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
}

/**
 * Reads one outbox row and locks it until the transaction ends, so two workers can never send
 * the same row at once. Undefined when the row does not exist.
 */
export async function lockOutboxMail(trx: DbOrTrx, id: string): Promise<OutboxMail | undefined> {
  const row = await trx.selectFrom('outbox')
    .select(['id', 'message_id', 'to_address', 'subject', 'text_body', 'html_body', 'status', 'attempts'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id, messageId: row.message_id, to: row.to_address, subject: row.subject,
    text: row.text_body, html: row.html_body, status: row.status, attempts: row.attempts,
  };
}

/**
 * The pool ends transactions idle for 30 s; one SMTP attempt may take up to three 10 s timeouts.
 * Raise the limit for this transaction only, so a slow send is not cut off after it went out.
 */
export async function allowSlowSend(trx: DbOrTrx): Promise<void> {
  await sql`SET LOCAL idle_in_transaction_session_timeout = '2min'`.execute(trx);
}

/** What a sensitive mail's body becomes once it has left (or will never leave): no usable link stays. */
export const REMOVED_BODY = '[Body removed after delivery: it carried a one-time link.]';
const scrubbed = {
  text_body: sql<string>`CASE WHEN sensitive THEN ${REMOVED_BODY} ELSE text_body END`,
  html_body: sql<string | null>`CASE WHEN sensitive THEN NULL ELSE html_body END`,
};

/** Records a delivered attempt. */
export async function markOutboxSent(trx: DbOrTrx, id: string): Promise<void> {
  await trx.updateTable('outbox')
    .set((eb) => ({ status: 'sent', sent_at: sql<Date>`now()`, attempts: eb('attempts', '+', 1), ...scrubbed }))
    .where('id', '=', id)
    .execute();
}

/** Records a failed attempt; `final` marks the row failed (the job queue gives up after it). */
export async function recordOutboxFailure(trx: DbOrTrx, id: string, error: string, final: boolean): Promise<void> {
  await trx.updateTable('outbox')
    .set((eb) => ({ last_error: error, attempts: eb('attempts', '+', 1), ...(final ? { status: 'failed' as const, ...scrubbed } : {}) }))
    .where('id', '=', id)
    .where('status', '!=', 'sent')
    .execute();
}
