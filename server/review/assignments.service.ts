import type { Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { inAuthorizedTransaction, type Asker } from '../access/authorize';
import { recordAudit, recordAuditNow, type AuditContext } from '../audit/audit.service';
import type { Database, Db } from '../db/database';
import { AppError, conflict, notFound, unprocessable } from '../http/errors';
import { findSubmission, type SubmissionRow } from '../submissions/submissions.repository';
import { assertMove } from '../submissions/submission.transitions';
import {
  REVIEWING_ROLES, activeConflict, endAssignmentRow, findAssignmentForUpdate, findStaffAccount, insertAssignment, isAssigned,
} from './assignments.repository';
import { assertOpenForReview, assertTriager, assignmentLock, checkDueAt, mailAssignment, type MailEnv } from './assignments.rules';
import { lockName } from '../db/locks';
import { setSubmissionStatus } from './triage.repository';
import type { AssignInput } from './assignments.schemas';

/** The submission, locked, for a supervisor who may see it (a recused one gets the audited 404). */
const toTriage = (id: string) => ({
  decision: 'submission.see' as const, subject: { type: 'submission', id },
  lock: (trx: Transaction<Database>) => findSubmission(trx, id, { forUpdate: true }),
});

/**
 * As toTriage, under the docket's assignment lock first (the order auto-assign takes them in), so
 * a manual assignment and an auto-assign run of the same docket never interleave.
 */
const toAssign = (id: string) => ({
  decision: 'submission.see' as const, subject: { type: 'submission', id },
  lock: async (trx: Transaction<Database>) => {
    const found = await findSubmission(trx, id);
    if (!found) return undefined;
    await lockName(trx, assignmentLock(found.proceeding_id));
    return findSubmission(trx, id, { forUpdate: true });
  },
});

/** Thrown inside the transaction so it rolls back; audited after it, on a connection of its own. */
class ConflictedReviewer extends Error {
  constructor(readonly answer: AppError, readonly data: Record<string, unknown>) { super(answer.message); }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Sub = Pick<SubmissionRow, 'id' | 'status' | 'tracking_number' | 'docket'>;
type Reviewer = { id: string; name: string; email: string };

/**
 * Records one assignment inside the caller's transaction: the row, its audit event, the move to
 * `in_review` when it is the submission's first (through the transition table), and the e-mail to
 * the reviewer. Returns the new assignment's id and the submission's status after it.
 */
export async function recordAssignment(trx: Transaction<Database>, ctx: AuditContext, env: MailEnv, actor: Actor,
  sub: Sub, reviewer: Reviewer, dueAt: Date, how: 'manual' | 'auto'): Promise<{ id: string; status: Sub['status'] }> {
  const id = await insertAssignment(trx, { submissionId: sub.id, reviewerId: reviewer.id, assignedBy: actor.userId, dueAt });
  await recordAudit(trx, ctx, {
    action: 'assignment.created', subjectType: 'submission', subjectId: sub.id,
    data: { assignmentId: id, reviewerId: reviewer.id, dueAt: dueAt.toISOString(), trackingNumber: sub.tracking_number, how },
  });
  let status = sub.status;
  if (status === 'submitted') {
    status = assertMove(status, 'startReview');
    await setSubmissionStatus(trx, sub.id, status);
    await recordAudit(trx, ctx, {
      action: 'submission.review_started', subjectType: 'submission', subjectId: sub.id,
      data: { before: { status: sub.status }, after: { status }, assignmentId: id },
    });
  }
  await mailAssignment(trx, env, reviewer, sub, dueAt);
  return { id, status };
}

/** The reviewer named in a request, if they may be given review work; else 422 `reviewer_not_eligible`. */
async function eligibleReviewer(trx: Transaction<Database>, reviewerId: string): Promise<Reviewer> {
  const r = UUID.test(reviewerId) ? await findStaffAccount(trx, reviewerId) : undefined;
  if (!r || r.disabled_at || !(REVIEWING_ROLES as readonly string[]).includes(r.role)) {
    throw unprocessable('reviewer_not_eligible', 'Assign an active reviewer or supervisor account; this one is not (unknown, disabled or another role).',
      [{ field: 'reviewerId' }]);
  }
  return r;
}

/**
 * A supervisor assigns a reviewer with a due date (API.md `POST /submissions/{id}/assignments`).
 * A reviewer with an active conflict with the submission's organization is refused with 409
 * `reviewer_conflicted` (naming the conflict's kind and date, never its statement), and the
 * refusal is audited (`assignment.refused`).
 */
export async function assignReviewer(db: Db, ctx: AuditContext, asker: Asker, env: MailEnv, submissionId: string, input: AssignInput) {
  assertTriager(asker.actor);
  try {
    return await inAuthorizedTransaction(db, asker, toAssign(submissionId), async (trx, sub) => {
      assertOpenForReview(sub.status);
      const dueAt = checkDueAt(input.dueAt);
      const reviewer = await eligibleReviewer(trx, input.reviewerId);
      const declared = await activeConflict(trx, reviewer.id, sub.organization_id);
      if (declared) {
        const on = declared.declared_at.toISOString();
        throw new ConflictedReviewer(new AppError(409, 'reviewer_conflicted',
          `${reviewer.name} declared a ${declared.kind.replace(/_/g, ' ')} conflict with this organization on ${on.slice(0, 10)}; choose another reviewer.`,
          [{ field: 'reviewerId', conflictKind: declared.kind, declaredAt: on }]),
        { reason: 'reviewer_conflicted', reviewerId: reviewer.id, conflictId: declared.id, conflictKind: declared.kind, declaredAt: on });
      }
      if (await isAssigned(trx, sub.id, reviewer.id)) {
        throw conflict('already_assigned', `${reviewer.name} is already assigned to this submission. End that assignment first to change its due date.`);
      }
      return recordAssignment(trx, ctx, env, asker.actor, sub, reviewer, dueAt, 'manual');
    });
  } catch (err) {
    if (!(err instanceof ConflictedReviewer)) throw err;
    await recordAuditNow(db, ctx, { action: 'assignment.refused', subjectType: 'submission', subjectId: submissionId, data: err.data });
    throw err.answer;
  }
}

/** Ends an open assignment (reassignment is ending one and creating another); audited `assignment.ended`. */
export async function endAssignment(db: Db, ctx: AuditContext, asker: Asker, submissionId: string, assignmentId: string): Promise<void> {
  assertTriager(asker.actor);
  await inAuthorizedTransaction(db, asker, toTriage(submissionId), async (trx, sub) => {
    const a = await findAssignmentForUpdate(trx, sub.id, assignmentId);
    if (!a) throw notFound('assignment');
    if (a.ended_at || !(await endAssignmentRow(trx, a.id, asker.actor.userId))) {
      throw conflict('assignment_ended', 'This assignment has already ended.');
    }
    await recordAudit(trx, ctx, {
      action: 'assignment.ended', subjectType: 'submission', subjectId: sub.id,
      data: { assignmentId: a.id, reviewerId: a.reviewer_id },
    });
  });
}
