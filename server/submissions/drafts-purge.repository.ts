import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';

/**
 * The abandoned-draft purge's SQL. A draft is untouched since `cutoff` when neither its own row
 * (edits bump updated_at) nor any of its documents (uploads) changed since then.
 */

const untouchedSince = (cutoff: Date) => sql<boolean>`NOT EXISTS (SELECT 1 FROM documents d
  WHERE d.submission_id = submissions.id AND d.created_at >= ${cutoff})`;
const notHeld = sql<boolean>`NOT EXISTS (SELECT 1 FROM legal_holds h
  WHERE h.proceeding_id = submissions.proceeding_id AND h.released_at IS NULL)`;

/** Where a purge pass stands: the last draft looked at, in (updated_at, id) order. */
export interface PurgeKey { updatedAt: Date; id: string }

/** The next abandoned drafts outside held proceedings, oldest first, after `after` (partial index on drafts' updated_at). */
export function abandonedDrafts(db: DbOrTrx, cutoff: Date, after: PurgeKey | undefined, limit: number) {
  let q = db.selectFrom('submissions').select(['id', 'updated_at'])
    .where('status', '=', 'draft').where('updated_at', '<', cutoff).where(untouchedSince(cutoff)).where(notHeld);
  if (after) q = q.where((eb) => eb.or([eb('updated_at', '>', after.updatedAt), eb.and([eb('updated_at', '=', after.updatedAt), eb('id', '>', after.id)])]));
  return q.orderBy('updated_at').orderBy('id').limit(limit).execute();
}

/** How many abandoned drafts the purge leaves alone because their proceeding is held (for its report). */
export async function countHeldAbandonedDrafts(db: DbOrTrx, cutoff: Date): Promise<number> {
  const row = await db.selectFrom('submissions').select(sql<number>`count(*)::int`.as('n'))
    .where('status', '=', 'draft').where('updated_at', '<', cutoff).where(untouchedSince(cutoff)).where(sql<boolean>`NOT ${notHeld}`)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Locks one draft for the purge if it is still abandoned; a draft someone is editing right now is skipped. */
export const lockAbandonedDraft = (db: DbOrTrx, id: string, cutoff: Date) =>
  db.selectFrom('submissions').innerJoin('proceedings', 'proceedings.id', 'submissions.proceeding_id')
    .select(['submissions.id', 'submissions.proceeding_id', 'submissions.organization_id', 'submissions.title', 'submissions.kind',
      'submissions.created_at', 'submissions.updated_at', 'proceedings.docket'])
    .where('submissions.id', '=', id).where('submissions.status', '=', 'draft').where('submissions.updated_at', '<', cutoff)
    .where(untouchedSince(cutoff)).forUpdate('submissions').skipLocked().executeTakeFirst();

/** The draft's documents, as the purge's audit event lists them. */
export const draftDocuments = (db: DbOrTrx, submissionId: string) =>
  db.selectFrom('documents').select(['id', 'label', 'original_name', 'sha256', 'size', 'storage_key', 'created_at'])
    .where('submission_id', '=', submissionId).orderBy('created_at').execute();

/** Deletes a draft and its documents (one statement for the documents: public versions point at their originals). */
export async function deleteDraft(db: DbOrTrx, submissionId: string): Promise<void> {
  await db.deleteFrom('documents').where('submission_id', '=', submissionId).execute();
  await db.deleteFrom('submissions').where('id', '=', submissionId).where('status', '=', 'draft').execute();
}
