import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database, DbOrTrx, SubmissionStatus } from '../db/database';
import { UNDER_REVIEW } from './assignments.repository';

/*
 * The dashboard's figures. Every query reads filed submissions only (staff never see drafts) and
 * leaves out `hidden` organizations (the asker's recusals, access/submission.policy.ts
 * hiddenOrganizations), so no figure counts what the asker may not see.
 */

/** Filed submissions outside the hidden organizations (the one filter every figure starts from). */
function visible<O>(q: SelectQueryBuilder<Database, 'submissions', O>, hidden: readonly string[]) {
  const filed = q.where('submissions.status', '<>', 'draft');
  return hidden.length ? filed.where('submissions.organization_id', 'not in', hidden) : filed;
}

/** Submissions per state. */
export async function countByState(db: DbOrTrx, hidden: readonly string[]): Promise<{ status: SubmissionStatus; count: number }[]> {
  const rows = await visible(db.selectFrom('submissions'), hidden)
    .select(['submissions.status', (eb) => eb.fn.countAll<string>().as('count')])
    .groupBy('submissions.status').execute();
  return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
}

/** Open assignments on submissions still under review (the workload auto-assign balances), as a query to build on. */
const openWork = (db: DbOrTrx, hidden: readonly string[]) => visible(db.selectFrom('submissions'), hidden)
  .innerJoin('assignments', 'assignments.submission_id', 'submissions.id')
  .where('submissions.status', 'in', [...UNDER_REVIEW]).where('assignments.ended_at', 'is', null);

/** Open assignments past their due date, oldest due first. */
export function overdueAssignments(db: DbOrTrx, hidden: readonly string[], now: Date, limit: number) {
  return openWork(db, hidden)
    .innerJoin('users', 'users.id', 'assignments.reviewer_id')
    .select(['submissions.id', 'submissions.title', 'submissions.tracking_number', 'assignments.due_at', 'users.name as reviewer'])
    .where('assignments.due_at', '<', now)
    .orderBy('assignments.due_at').orderBy('assignments.id').limit(limit).execute();
}

/** Unanswered information requests past their due date, on submissions still being reviewed. */
export function overdueRequests(db: DbOrTrx, hidden: readonly string[], now: Date, limit: number) {
  return visible(db.selectFrom('submissions'), hidden)
    .innerJoin('information_requests', 'information_requests.submission_id', 'submissions.id')
    .select(['submissions.id', 'submissions.title', 'submissions.tracking_number', 'information_requests.due_at'])
    .where('submissions.status', 'in', ['submitted', 'in_review'])
    .where('information_requests.answered_at', 'is', null).where('information_requests.due_at', '<', now)
    .orderBy('information_requests.due_at').orderBy('information_requests.id').limit(limit).execute();
}

/** How many rows the two overdue lists have in all (the lists themselves are capped). */
export async function overdueTotals(db: DbOrTrx, hidden: readonly string[], now: Date) {
  const [a, r] = await Promise.all([
    openWork(db, hidden).select((eb) => eb.fn.countAll<string>().as('n')).where('assignments.due_at', '<', now).executeTakeFirstOrThrow(),
    visible(db.selectFrom('submissions'), hidden).innerJoin('information_requests', 'information_requests.submission_id', 'submissions.id')
      .select((eb) => eb.fn.countAll<string>().as('n')).where('submissions.status', 'in', ['submitted', 'in_review'])
      .where('information_requests.answered_at', 'is', null).where('information_requests.due_at', '<', now).executeTakeFirstOrThrow(),
  ]);
  return { assignments: Number(a.n), informationRequests: Number(r.n) };
}

/**
 * Open assignments per reviewer, on submissions still under review (the count auto-assign
 * balances): every active reviewer and supervisor (zero included, so idle people show), with how
 * many of them are past due.
 */
export async function reviewerWorkload(db: DbOrTrx, hidden: readonly string[], now: Date) {
  const open = openWork(db, hidden).select(['assignments.reviewer_id', 'assignments.due_at']);
  const rows = await db.selectFrom('users').leftJoin(open.as('open'), 'open.reviewer_id', 'users.id')
    .select(['users.id', 'users.name', 'users.role',
      (eb) => eb.fn.count<string>('open.reviewer_id').as('open'),
      sql<string>`count(*) FILTER (WHERE open.due_at < ${now})`.as('overdue')])
    .where('users.role', 'in', ['reviewer', 'supervisor']).where('users.disabled_at', 'is', null)
    .groupBy(['users.id', 'users.name', 'users.role']).orderBy('open', 'desc').orderBy('users.name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, open: Number(r.open), overdue: Number(r.overdue) }));
}

/** Filings per UTC day from `from` (inclusive, a UTC midnight); days without filings are absent. */
export async function filingsPerDay(db: DbOrTrx, hidden: readonly string[], from: Date): Promise<Map<string, number>> {
  const day = sql<string>`to_char(submissions.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const rows = await visible(db.selectFrom('submissions'), hidden)
    .select([day.as('day'), (eb) => eb.fn.countAll<string>().as('count')])
    .where('submissions.submitted_at', '>=', from).groupBy(day).execute();
  return new Map(rows.map((r) => [r.day, Number(r.count)]));
}
