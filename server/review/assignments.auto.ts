import type { Asker } from '../access/authorize';
import { hiddenOrganizations } from '../access/submission.policy';
import type { AuditContext } from '../audit/audit.service';
import type { Db } from '../db/database';
import { lockName } from '../db/locks';
import { notFound, unprocessable } from '../http/errors';
import { findProceedingByDocket } from '../proceedings/proceedings.repository';
import { byWorkload, eligibleReviewers, unassignedInDocket, type ReviewerLoad } from './assignments.repository';
import { assertTriager, assignmentLock, checkDueAt, type MailEnv } from './assignments.rules';
import type { AutoAssignInput } from './assignments.schemas';
import { recordAssignment } from './assignments.service';

export interface AutoAssignResult {
  assigned: { submissionId: string; trackingNumber: string | null; assignmentId: string; reviewerId: string }[];
  unassigned: { submissionId: string; trackingNumber: string | null; reason: 'no_eligible_reviewer' }[];
}

/**
 * Assigns every filed, unassigned submission of a docket (oldest filing first) to the eligible
 * reviewer with the least open work (open assignments on submissions still under review, in every
 * proceeding: eligibleReviewers), skipping reviewers conflicted with its organization; ties
 * break by name, then id. One transaction under an advisory lock per docket, so two runs at once
 * queue and the second finds nothing left to assign. Submissions of organizations the supervisor
 * is recused from are left out entirely (they are invisible to them).
 */
export async function autoAssign(db: Db, ctx: AuditContext, asker: Asker, env: MailEnv, docket: string, input: AutoAssignInput): Promise<AutoAssignResult> {
  assertTriager(asker.actor);
  const proceeding = await findProceedingByDocket(db, docket);
  if (!proceeding) throw notFound('proceeding');
  const dueAt = checkDueAt(input.dueAt);
  return db.transaction().execute(async (trx) => {
    await lockName(trx, assignmentLock(proceeding.id));
    // Balancing counts every open assignment, recused organizations' too: only the choice is returned, never a count.
    const pool = await eligibleReviewers(trx, { ids: input.reviewerIds });
    if (input.reviewerIds && pool.length !== input.reviewerIds.length) {
      const missing = input.reviewerIds.filter((id) => !pool.some((r) => r.id === id));
      throw unprocessable('reviewer_not_eligible', 'Every reviewerIds entry must be an active reviewer or supervisor account.',
        missing.map((id) => ({ field: 'reviewerIds', value: id })));
    }
    const result: AutoAssignResult = { assigned: [], unassigned: [] };
    for (const sub of await unassignedInDocket(trx, proceeding.id, hiddenOrganizations(asker.actor))) {
      const reviewer = pickReviewer(pool, sub.organization_id);
      if (!reviewer) {
        result.unassigned.push({ submissionId: sub.id, trackingNumber: sub.tracking_number, reason: 'no_eligible_reviewer' });
        continue;
      }
      const made = await recordAssignment(trx, ctx, env, asker.actor, { ...sub, docket: proceeding.docket }, reviewer, dueAt, 'auto');
      reviewer.open += 1;
      result.assigned.push({ submissionId: sub.id, trackingNumber: sub.tracking_number, assignmentId: made.id, reviewerId: reviewer.id });
    }
    return result;
  });
}

/** The least-loaded reviewer without a conflict with the organization, in the deterministic order. */
function pickReviewer(pool: ReviewerLoad[], organizationId: string): ReviewerLoad | undefined {
  return pool.filter((r) => !r.conflictedWith.includes(organizationId)).sort(byWorkload)[0];
}
