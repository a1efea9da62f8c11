import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';
import type { FindingArgument } from '../db/review-tables';

/** Filed, not withdrawn, responses (not supplements or replies). */
const FILED = ['submitted', 'in_review', 'decided'] as const;

/**
 * A proceeding's filed responses with their organization and latest findings (one row each),
 * leaving out the organizations in `hidden` (the asker's recusals).
 */
export function listFiledResponses(db: DbOrTrx, proceedingId: string, hidden: readonly string[]) {
  let q = db.selectFrom('submissions')
    .innerJoin('organizations', 'organizations.id', 'submissions.organization_id')
    .leftJoin(
      (eb) => eb.selectFrom('findings').distinctOn('submission_id')
        .select(['submission_id', 'version', 'arguments', 'created_at'])
        .orderBy('submission_id').orderBy('version', 'desc').as('latest'),
      (join) => join.onRef('latest.submission_id', '=', 'submissions.id'),
    )
    .select([
      'submissions.id', 'submissions.tracking_number', 'submissions.title', 'submissions.argument', 'submissions.status',
      'submissions.submitted_at', 'organizations.id as organization_id', 'organizations.legal_name',
      'latest.version as findings_version', sql<FindingArgument[] | null>`latest.arguments`.as('findings'),
      'latest.created_at as findings_at',
    ])
    .where('submissions.proceeding_id', '=', proceedingId)
    .where('submissions.kind', '=', 'response')
    .where('submissions.status', 'in', FILED);
  if (hidden.length) q = q.where('submissions.organization_id', 'not in', hidden);
  return q.orderBy('organizations.legal_name').orderBy('organizations.id').orderBy('submissions.tracking_number').execute();
}

export type FiledResponseRow = Awaited<ReturnType<typeof listFiledResponses>>[number];

/** How many filed responses of the proceeding belong to the organizations in `hidden`. */
export async function countFiledResponsesOf(db: DbOrTrx, proceedingId: string, hidden: readonly string[]): Promise<number> {
  if (!hidden.length) return 0;
  const row = await db.selectFrom('submissions').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('proceeding_id', '=', proceedingId).where('kind', '=', 'response').where('status', 'in', FILED)
    .where('organization_id', 'in', hidden).executeTakeFirstOrThrow();
  return Number(row.n);
}
