import type { DbOrTrx } from '../db/database';

/*
 * Information requests are part of a filed response's record: filing a reply or a late supplement
 * reads the open ones, and a filed reply answers them. So the submissions feature owns their
 * rows; the review feature (above) raises them through insertRequest.
 */

export type RequestStatus = 'open' | 'answered' | 'expired';

const columns = ['id', 'submission_id', 'question', 'due_at', 'created_by', 'created_at', 'answered_by', 'answered_at'] as const;

/** Every information request on a response, oldest first. */
export function listRequests(db: DbOrTrx, responseId: string) {
  return db.selectFrom('information_requests').select(columns).where('submission_id', '=', responseId).orderBy('created_at').orderBy('id').execute();
}

export type RequestRow = Awaited<ReturnType<typeof listRequests>>[number];

/** Open: not answered and not yet due. */
export const requestStatus = (r: Pick<RequestRow, 'answered_at' | 'due_at'>, now: Date): RequestStatus =>
  (r.answered_at ? 'answered' : r.due_at > now ? 'open' : 'expired');

/**
 * The open requests on a response, soonest due first. `forUpdate` locks them, so two replies filed
 * at once cannot both claim the same request.
 */
export async function openRequests(db: DbOrTrx, responseId: string, now: Date, opts: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom('information_requests').select(columns)
    .where('submission_id', '=', responseId).where('answered_at', 'is', null).where('due_at', '>', now)
    .orderBy('due_at').orderBy('id');
  if (opts.forUpdate) q = q.forUpdate();
  return q.execute();
}

export async function insertRequest(db: DbOrTrx, r: { submissionId: string; question: string; dueAt: Date; createdBy: string }): Promise<RequestRow> {
  return db.insertInto('information_requests')
    .values({ submission_id: r.submissionId, question: r.question, due_at: r.dueAt, created_by: r.createdBy, answered_by: null, answered_at: null })
    .returning(columns).executeTakeFirstOrThrow();
}

/** Marks the given open requests answered by a filed reply. */
export async function markAnswered(db: DbOrTrx, ids: string[], replyId: string, at: Date): Promise<void> {
  if (!ids.length) return;
  await db.updateTable('information_requests').set({ answered_by: replyId, answered_at: at })
    .where('id', 'in', ids).where('answered_at', 'is', null).execute();
}
