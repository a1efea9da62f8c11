import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The body carries a one-time link: it is removed from the outbox once delivered or given up on. */
  carriesSecret?: boolean;
}

export const SEND_MAIL_TASK = 'send_mail';
const MAX_MAIL_ATTEMPTS = 25;

/**
 * Queues an e-mail inside the caller's transaction: the outbox row and its job commit with the
 * change that caused them, or neither exists. The Message-ID is fixed now, so every retry of the
 * same row carries the same one and receivers can de-duplicate.
 */
export async function enqueueMail(trx: Transaction<Database>, mail: OutgoingMail, messageIdDomain: string): Promise<string> {
  const id = randomUUID();
  await trx.insertInto('outbox').values({
    id,
    message_id: `<${id}@${messageIdDomain}>`,
    to_address: mail.to,
    subject: mail.subject.replace(/[\r\n]+/g, ' '),
    text_body: mail.text,
    html_body: mail.html ?? null,
    sensitive: mail.carriesSecret ?? false,
    last_error: null,
    sent_at: null,
  }).execute();
  await sql`SELECT graphile_worker.add_job(${SEND_MAIL_TASK}, json_build_object('outboxId', ${id}::text),
    job_key => ${`mail:${id}`}, max_attempts => ${MAX_MAIL_ATTEMPTS})`.execute(trx);
  return id;
}
