import { sql } from 'kysely';
import type { DbOrTrx, SubmissionStatus } from '../db/database';
import type { Priority } from '../db/review-tables';

/**
 * Review's writes to the submission row: its workflow status (the move itself is checked by
 * submissions/submission.transitions.ts before this runs) and its triage fields. Neither is filed
 * content, so the filed-submission trigger allows both.
 */
export async function setSubmissionStatus(db: DbOrTrx, id: string, status: SubmissionStatus): Promise<void> {
  await db.updateTable('submissions').set({ status, updated_at: new Date(), version: sql`version + 1` }).where('id', '=', id).execute();
}

/** A submission's priority and tags. */
export const findTriage = (db: DbOrTrx, id: string) =>
  db.selectFrom('submissions').select(['priority', 'tags']).where('id', '=', id).executeTakeFirstOrThrow();

/** Writes priority and tags (absent: unchanged). */
export async function setTriage(db: DbOrTrx, id: string, t: { priority?: Priority; tags?: string[] }): Promise<void> {
  await db.updateTable('submissions').set({
    ...(t.priority !== undefined ? { priority: t.priority } : {}),
    ...(t.tags !== undefined ? { tags: t.tags } : {}),
    updated_at: new Date(),
  }).where('id', '=', id).execute();
}
