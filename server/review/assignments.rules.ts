import type { Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { can } from '../access/policies';
import type { Database, SubmissionStatus } from '../db/database';
import { forbidden, unprocessable } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { formatUtc } from '../http/format';

/** Where links in review e-mails point, and the Message-ID domain. */
export interface MailEnv { publicUrl: string; mailDomain: string }

/**
 * The advisory lock a docket's assignments are made under (auto-assign and manual alike), taken
 * before any submission row so the two never wait on each other in opposite orders.
 */
export const assignmentLock = (proceedingId: string): string => `assign:${proceedingId}`;

/** The furthest ahead a due date may be. */
const MAX_DAYS = 365;

/** Triage (assigning, ending, auto-assigning, priority and tags) is a supervisor's; 403 otherwise. */
export function assertTriager(actor: Actor): void {
  if (!can(actor, 'submission.triage')) throw forbidden('Only a supervisor triages and assigns submissions.');
}

/** A due date in the future (a minute's grace for clocks) and within a year: else 422 `invalid_due_date`. */
export function checkDueAt(raw: string, now = new Date()): Date {
  const dueAt = new Date(raw);
  if (!(dueAt.getTime() > now.getTime() + 60_000)) throw unprocessable('invalid_due_date', 'The due date must be in the future.');
  if (dueAt.getTime() > now.getTime() + MAX_DAYS * 86_400_000) throw unprocessable('invalid_due_date', `The due date must be within ${MAX_DAYS} days.`);
  return dueAt;
}

/** Only work still under way is triaged: a withdrawn or decided submission is closed. */
export function assertOpenForReview(status: SubmissionStatus): void {
  if (status !== 'submitted' && status !== 'in_review') {
    throw unprocessable('submission_closed', `This submission is ${status}; only submitted or in-review submissions are assigned and triaged.`,
      [{ field: 'status', value: status }]);
  }
}

/** The assignment e-mail to the reviewer: what, where and by when; never the vendor's text. */
export async function mailAssignment(trx: Transaction<Database>, env: MailEnv, to: { email: string; name: string },
  sub: { id: string; tracking_number: string | null; docket: string }, dueAt: Date): Promise<void> {
  const ref = sub.tracking_number ?? sub.docket;
  await enqueueMail(trx, {
    to: to.email,
    subject: `Assigned to you: ${ref}`,
    text: [
      `${to.name}, you have been assigned to review ${ref} in ${sub.docket}.`,
      `Due: ${formatUtc(dueAt)}.`,
      `Open it at ${env.publicUrl}/review/submissions/${sub.id}`,
    ].join('\n'),
  }, env.mailDomain);
}
