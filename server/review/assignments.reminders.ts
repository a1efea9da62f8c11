import type { Db } from '../db/database';
import { formatUtc } from '../http/format';
import { enqueueMail } from '../notifications/outbox';
import { dueForReminder, markReminded, type ReminderRow } from './assignments.repository';
import type { MailEnv } from './assignments.rules';

/** How far ahead a reminder looks. */
export const REMINDER_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The `remind_assignments` cron task's work: one e-mail per reviewer listing their open
 * assignments due within the next 24 hours that were not reminded yet. Each assignment's
 * `reminder_sent_at` is set in the same transaction as the outbox row, so a reminder is queued
 * exactly once however many times (or workers) the task runs.
 */
export async function remindAssignments(db: Db, env: MailEnv, now = new Date()): Promise<{ reviewers: number; assignments: number }> {
  return db.transaction().execute(async (trx) => {
    const rows = await dueForReminder(trx, now, new Date(now.getTime() + REMINDER_WINDOW_MS));
    const byReviewer = new Map<string, ReminderRow[]>();
    for (const r of rows) byReviewer.set(r.reviewer_id, [...(byReviewer.get(r.reviewer_id) ?? []), r]);
    for (const list of byReviewer.values()) {
      const first = list[0]!;
      await enqueueMail(trx, {
        to: first.reviewer_email,
        subject: list.length === 1 ? `Review due soon: ${first.tracking_number ?? first.docket}` : `${list.length} reviews due soon`,
        text: [
          `${first.reviewer_name}, these reviews assigned to you are due within 24 hours:`, '',
          ...list.map((r) => `- ${r.tracking_number ?? r.docket} (${r.docket}), due ${formatUtc(r.due_at)}: ${env.publicUrl}/review/submissions/${r.submission_id}`),
        ].join('\n'),
      }, env.mailDomain);
    }
    await markReminded(trx, rows.map((r) => r.id), now);
    return { reviewers: byReviewer.size, assignments: rows.length };
  });
}
