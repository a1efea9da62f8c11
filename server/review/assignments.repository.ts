import { sql } from 'kysely';
import type { DbOrTrx, Role } from '../db/database';

/** Roles that may be given review work. */
export const REVIEWING_ROLES = ['reviewer', 'supervisor'] as const;

const assignmentColumns = [
  'assignments.id', 'assignments.submission_id', 'assignments.reviewer_id', 'assignments.assigned_by', 'assignments.due_at',
  'assignments.assigned_at', 'assignments.ended_at', 'assignments.ended_by', 'assignments.reminder_sent_at',
  'users.name as reviewer_name', 'users.email as reviewer_email',
] as const;

/** A submission's assignments, open ones first, each with its reviewer's name. */
export const listAssignments = (db: DbOrTrx, submissionId: string) =>
  db.selectFrom('assignments').innerJoin('users', 'users.id', 'assignments.reviewer_id').select(assignmentColumns)
    .where('assignments.submission_id', '=', submissionId)
    .orderBy(sql`assignments.ended_at IS NULL`, 'desc').orderBy('assignments.assigned_at').orderBy('assignments.id').execute();

export type AssignmentRow = Awaited<ReturnType<typeof listAssignments>>[number];

/** One assignment of a submission, locked until the transaction ends. */
export const findAssignmentForUpdate = (db: DbOrTrx, submissionId: string, id: string) =>
  db.selectFrom('assignments').innerJoin('users', 'users.id', 'assignments.reviewer_id').select(assignmentColumns)
    .where('assignments.id', '=', id).where('assignments.submission_id', '=', submissionId).forUpdate('assignments').executeTakeFirst();

/** How many open assignments a submission has (0: the next one is its first). */
export async function countOpenAssignments(db: DbOrTrx, submissionId: string): Promise<number> {
  const row = await db.selectFrom('assignments').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('submission_id', '=', submissionId).where('ended_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts an open assignment. */
export async function insertAssignment(db: DbOrTrx, a: { submissionId: string; reviewerId: string; assignedBy: string; dueAt: Date }): Promise<string> {
  const row = await db.insertInto('assignments').values({
    submission_id: a.submissionId, reviewer_id: a.reviewerId, assigned_by: a.assignedBy, due_at: a.dueAt,
    ended_at: null, ended_by: null, reminder_sent_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Ends an open assignment; false when it had already ended. */
export async function endAssignmentRow(db: DbOrTrx, id: string, endedBy: string): Promise<boolean> {
  const r = await db.updateTable('assignments').set({ ended_at: new Date(), ended_by: endedBy })
    .where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** True when the reviewer has an open assignment on the submission. */
export async function isAssigned(db: DbOrTrx, submissionId: string, reviewerId: string): Promise<boolean> {
  const row = await db.selectFrom('assignments').select('id').where('submission_id', '=', submissionId)
    .where('reviewer_id', '=', reviewerId).where('ended_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

/** The staff account if it exists, whatever its role or state (the caller says why it is not eligible). */
export const findStaffAccount = (db: DbOrTrx, id: string) =>
  db.selectFrom('users').select(['id', 'name', 'email', 'role', 'disabled_at']).where('id', '=', id).executeTakeFirst();

/** The reviewer's oldest active conflict with the organization, if any (what a 409 names). */
export const activeConflict = (db: DbOrTrx, userId: string, organizationId: string) =>
  db.selectFrom('conflicts').select(['id', 'kind', 'declared_at']).where('user_id', '=', userId)
    .where('organization_id', '=', organizationId).where('ended_at', 'is', null).orderBy('declared_at').limit(1).executeTakeFirst();

/**
 * The states whose open assignments are work still to do. An assignment stays open (no `ended_at`)
 * when its submission is decided or withdrawn, but it is no longer anyone's workload.
 */
export const UNDER_REVIEW = ['submitted', 'in_review'] as const;

/** A reviewing account, its open workload and the organizations it is conflicted with. */
export interface ReviewerLoad { id: string; name: string; email: string; open: number; conflictedWith: string[] }

/** Which reviewers to load: `ids` names them; without it, every active account of `roles` (default: reviewers). */
export interface ReviewerQuery {
  ids?: readonly string[];
  roles?: readonly Role[];
  /** Organizations whose submissions the workload count leaves out (the asker's recusals, for what a page shows). */
  uncounted?: readonly string[];
}

/**
 * Active reviewing accounts with their open workload, least loaded first, then by name and id so
 * equal workloads always break the same way. Open workload: assignments not ended, on submissions
 * still under review (UNDER_REVIEW), in every proceeding. Each carries the organizations it
 * declared an active conflict with.
 */
export async function eligibleReviewers(db: DbOrTrx, query: ReviewerQuery = {}): Promise<ReviewerLoad[]> {
  const uncounted = query.uncounted ?? [];
  let q = db.selectFrom('users').select((eb) => [
    'users.id', 'users.name', 'users.email',
    eb.selectFrom('assignments').innerJoin('submissions', 'submissions.id', 'assignments.submission_id')
      .select((e) => e.fn.countAll<string>().as('n'))
      .whereRef('assignments.reviewer_id', '=', 'users.id').where('assignments.ended_at', 'is', null)
      .where('submissions.status', 'in', [...UNDER_REVIEW])
      .$if(uncounted.length > 0, (w) => w.where('submissions.organization_id', 'not in', [...uncounted])).as('open'),
    sql<string[]>`ARRAY(SELECT c.organization_id FROM conflicts c WHERE c.user_id = users.id AND c.ended_at IS NULL)`.as('conflicted_with'),
  ]).where('users.disabled_at', 'is', null);
  q = query.ids
    ? q.where('users.id', 'in', query.ids.length ? [...query.ids] : ['00000000-0000-0000-0000-000000000000']).where('users.role', 'in', [...REVIEWING_ROLES])
    : q.where('users.role', 'in', [...(query.roles ?? ['reviewer'])]);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, name: r.name, email: r.email, open: Number(r.open ?? 0), conflictedWith: r.conflicted_with }))
    .sort(byWorkload);
}

/** Least open work first; then name, then id: a total order, so auto-assignment is deterministic. */
export function byWorkload(a: ReviewerLoad, b: ReviewerLoad): number {
  return a.open - b.open || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * A docket's filed submissions (submitted or in review) with no open assignment, oldest filing
 * first, locked; organizations in `hidden` (the asker's recusals) are left out.
 */
export function unassignedInDocket(db: DbOrTrx, proceedingId: string, hidden: readonly string[]) {
  let q = db.selectFrom('submissions').select(['id', 'organization_id', 'status', 'tracking_number'])
    .where('proceeding_id', '=', proceedingId).where('status', 'in', ['submitted', 'in_review'])
    .where((eb) => eb.not(eb.exists(eb.selectFrom('assignments').select('assignments.id')
      .whereRef('assignments.submission_id', '=', 'submissions.id').where('assignments.ended_at', 'is', null))));
  if (hidden.length) q = q.where('organization_id', 'not in', [...hidden]);
  return q.orderBy('submitted_at').orderBy('id').forUpdate().execute();
}

/**
 * Open assignments due in (now, until] with no reminder yet, on submissions still under review,
 * of active reviewers not (since) conflicted with the organization. Locked; rows another run has
 * locked are skipped, so two runs at once never pick the same assignment.
 */
export const dueForReminder = (db: DbOrTrx, now: Date, until: Date) =>
  db.selectFrom('assignments')
    .innerJoin('submissions', 'submissions.id', 'assignments.submission_id')
    .innerJoin('proceedings', 'proceedings.id', 'submissions.proceeding_id')
    .innerJoin('users', 'users.id', 'assignments.reviewer_id')
    .select(['assignments.id', 'assignments.submission_id', 'assignments.due_at', 'assignments.reviewer_id',
      'users.name as reviewer_name', 'users.email as reviewer_email', 'submissions.tracking_number', 'proceedings.docket'])
    .where('assignments.ended_at', 'is', null).where('assignments.reminder_sent_at', 'is', null)
    .where('assignments.due_at', '>', now).where('assignments.due_at', '<=', until)
    .where('submissions.status', 'in', ['submitted', 'in_review']).where('users.disabled_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('conflicts').select('conflicts.id')
      .whereRef('conflicts.user_id', '=', 'assignments.reviewer_id').whereRef('conflicts.organization_id', '=', 'submissions.organization_id')
      .where('conflicts.ended_at', 'is', null))))
    .orderBy('assignments.reviewer_id').orderBy('assignments.due_at').orderBy('assignments.id')
    .forUpdate('assignments').skipLocked().execute();

export type ReminderRow = Awaited<ReturnType<typeof dueForReminder>>[number];

/** Marks assignments reminded. */
export async function markReminded(db: DbOrTrx, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length) await db.updateTable('assignments').set({ reminder_sent_at: at }).where('id', 'in', [...ids]).execute();
}
