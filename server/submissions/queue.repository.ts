import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database, DbOrTrx, SubmissionStatus } from '../db/database';
import { cursorColumn, keysetPage, type KeysetCursor, type KeysetOrder } from '../db/keyset';
import type { QueueFilter } from './queue.params';

/**
 * SQL of the staff queue. Every query here leaves out drafts and the asker's recused organizations.
 * Overdue (docs/review-queue.md): a submission still in work (submitted or in review) with an open
 * assignment past its due date, or with an unanswered information request past its due date.
 */

/** Who asks: their id (for assignee=me) and the organizations they are recused from. */
export interface QueueAsker { userId: string; hiddenOrganizations: readonly string[] }

type Eb = ExpressionBuilder<Database, 'submissions'>;
type Q<O> = SelectQueryBuilder<Database, 'submissions', O>;

const openAssignment = sql`SELECT 1 FROM assignments a WHERE a.submission_id = submissions.id AND a.ended_at IS NULL`;
const openRequest = sql`SELECT 1 FROM information_requests r WHERE r.submission_id = submissions.id AND r.answered_at IS NULL`;
const FLAG_SQL = {
  overdue: sql`(submissions.status IN ('submitted','in_review') AND (EXISTS (${openAssignment} AND a.due_at < now()) OR EXISTS (${openRequest} AND r.due_at < now())))`,
  late: sql`submissions.late`,
  confidential: sql`EXISTS (SELECT 1 FROM documents d WHERE d.submission_id = submissions.id AND d.confidential)`,
  flagged: sql`EXISTS (SELECT 1 FROM documents d WHERE d.submission_id = submissions.id AND d.flags <> '[]'::jsonb)`,
  openRequest: sql`EXISTS (${openRequest})`,
} as const;

/** The text search condition (websearch syntax; a text of stop words only matches nothing). */
export const matchesText = (text: string) => sql<boolean>`submissions.search @@ websearch_to_tsquery('english', ${text})`;

/** Applies every filter, the no-drafts rule and the recusals to a query over submissions. */
export function applyQueueFilter<O>(q: Q<O>, f: QueueFilter, who: QueueAsker): Q<O> {
  let out = q.where('submissions.status', '<>', 'draft');
  if (who.hiddenOrganizations.length) out = out.where('submissions.organization_id', 'not in', [...who.hiddenOrganizations]);
  if (f.organizationId) out = out.where('submissions.organization_id', '=', f.organizationId);
  // A scalar subquery, so the (proceeding_id, status, submitted_at, id) index serves the order.
  if (f.docket) out = out.where('submissions.proceeding_id', '=', (eb: Eb) => eb.selectFrom('proceedings').select('proceedings.id').where('proceedings.docket', '=', f.docket!));
  if (f.status) out = out.where('submissions.status', '=', f.status);
  if (f.kind) out = out.where('submissions.kind', '=', f.kind);
  if (f.assignee?.kind === 'unassigned') out = out.where(sql<boolean>`NOT EXISTS (${openAssignment})`);
  else if (f.assignee) {
    const reviewer = f.assignee.kind === 'me' ? who.userId : f.assignee.id;
    out = out.where(sql<boolean>`EXISTS (${openAssignment} AND a.reviewer_id = ${reviewer}::uuid)`);
  }
  for (const [flag, wanted] of Object.entries(f.flags) as [keyof typeof FLAG_SQL, boolean][]) {
    out = out.where(wanted ? sql<boolean>`${FLAG_SQL[flag]}` : sql<boolean>`NOT ${FLAG_SQL[flag]}`);
  }
  if (f.text) out = out.where(matchesText(f.text));
  return out;
}

/** The planner's estimate of how many rows match (EXPLAIN, not executed: from the table statistics). */
export async function estimateMatches(db: DbOrTrx, f: QueueFilter, who: QueueAsker): Promise<number> {
  const q = applyQueueFilter(db.selectFrom('submissions').select(sql`1`.as('one')), f, who);
  const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`EXPLAIN (FORMAT JSON) ${q}`.execute(db);
  return Math.round(rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
}

const iso = (col: string) => sql`to_char(${sql.ref(col)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * One page of the queue in `order` after `cursor` (one row more than `limit`, to know if another
 * follows), each row's API item already built as JSON text by PostgreSQL in the same statement:
 * the submission as submissionJson() shapes it, its documents as documentJson() does, and what
 * triage needs (organization, open assignments, flags). The inner query finds the page's ids by the
 * order's index; the outer one builds JSON for those rows only. One round trip, and Node neither
 * parses the rows nor serialises them (docs/review-queue.md "Where the time went"); a test holds
 * this shape equal to submissionJson's.
 */
export function queueItemRows(db: DbOrTrx, f: QueueFilter, who: QueueAsker, order: KeysetOrder, cursor: KeysetCursor | undefined, limit: number) {
  const ids = keysetPage(applyQueueFilter(db.selectFrom('submissions')
    .select(['submissions.id', sql.ref(order.column).as('sort_t')]).select(cursorColumn(order)), f, who), order, cursor, limit);
  const dir = order.dir === 'asc' ? sql`ASC` : sql`DESC`;
  return sql<{ id: string; cursor_t: string; item: string }>`
    SELECT p.id, p.cursor_t, json_build_object(
      'id', submissions.id, 'docket', pr.docket, 'kind', submissions.kind, 'parentId', submissions.parent_id, 'status', submissions.status, 'title', submissions.title,
      'summary', submissions.summary, 'argument', submissions.argument, 'fields', submissions.fields, 'organizationId', submissions.organization_id,
      'createdBy', submissions.created_by, 'trackingNumber', submissions.tracking_number, 'submittedAt', ${iso('submissions.submitted_at')}, 'late', submissions.late,
      'contentDigest', submissions.content_digest, 'withdrawnAt', ${iso('submissions.withdrawn_at')}, 'withdrawalReason', submissions.withdrawal_reason,
      'createdAt', ${iso('submissions.created_at')}, 'updatedAt', ${iso('submissions.updated_at')}, 'version', submissions.version,
      'documents', COALESCE((SELECT json_agg(json_build_object('id', d.id, 'label', d.label, 'description', d.description,
          'originalName', d.original_name, 'mediaType', d.media_type, 'size', d.size, 'sha256', d.sha256,
          'confidential', d.confidential, 'publicVersionOf', d.public_version_of, 'flags', d.flags, 'createdAt', ${iso('d.created_at')})
        ORDER BY d.created_at, d.id) FROM documents d WHERE d.submission_id = submissions.id), '[]'::json),
      'organizationName', o.legal_name, 'priority', submissions.priority, 'tags', to_json(submissions.tags), 'assignees', asg.list,
      'dueAt', asg.list -> 0 -> 'dueAt',
      'overdue', ${FLAG_SQL.overdue}, 'confidential', ${FLAG_SQL.confidential}, 'flagged', ${FLAG_SQL.flagged},
      'openRequest', ${FLAG_SQL.openRequest}
    )::text AS item
    FROM (${ids}) p
    JOIN submissions ON submissions.id = p.id
    JOIN proceedings pr ON pr.id = submissions.proceeding_id
    LEFT JOIN organizations o ON o.id = submissions.organization_id
    CROSS JOIN LATERAL (SELECT COALESCE(json_agg(json_build_object('id', u.id, 'name', u.name, 'dueAt', ${iso('a.due_at')})
        ORDER BY a.due_at, u.name), '[]'::json) AS list
      FROM assignments a JOIN users u ON u.id = a.reviewer_id WHERE a.submission_id = submissions.id AND a.ended_at IS NULL) asg
    ORDER BY p.sort_t ${dir}, p.id ${dir}`.execute(db).then((r) => r.rows);
}

/** Highlighted title, organization name and excerpt for the rows of a page, with `start`/`stop` around matches. */
export async function queueHighlights(db: DbOrTrx, ids: readonly string[], text: string, start: string, stop: string) {
  if (!ids.length) return [];
  const opts = `StartSel=${start}, StopSel=${stop}, HighlightAll=true`;
  const frag = `StartSel=${start}, StopSel=${stop}, MaxFragments=2, MaxWords=18, MinWords=6, FragmentDelimiter=" … "`;
  const strip = (col: string) => sql`translate(${sql.ref(col)}, ${start + stop}, '')`;
  const tsq = sql`websearch_to_tsquery('english', ${text})`;
  return db.selectFrom('submissions').innerJoin('organizations', 'organizations.id', 'submissions.organization_id')
    .select('submissions.id')
    .select(sql<string>`ts_headline('english', ${strip('submissions.title')}, ${tsq}, ${opts})`.as('title'))
    .select(sql<string>`ts_headline('english', ${strip('organizations.legal_name')}, ${tsq}, ${opts})`.as('organization'))
    .select(sql<string>`ts_headline('english', ${strip('submissions.summary')} || ' ' || ${strip('submissions.argument')}, ${tsq}, ${frag})`.as('excerpt'))
    .where('submissions.id', 'in', [...ids]).execute();
}

/** Filed states a queue counts (drafts are never staff-visible). */
export const COUNTED_STATES: readonly SubmissionStatus[] = ['submitted', 'in_review', 'decided', 'withdrawn'];

/** Exact rows per filed state matching the filters (for result sets the planner expects to be small). */
export async function countByState(db: DbOrTrx, f: QueueFilter, who: QueueAsker): Promise<Record<string, number>> {
  const out: Record<string, number> = Object.fromEntries(COUNTED_STATES.map((s) => [s, 0]));
  const rows = await applyQueueFilter(db.selectFrom('submissions').select('submissions.status')
    .select((eb) => eb.fn.countAll<string>().as('n')), f, who).groupBy('submissions.status').execute();
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/** The planner's estimate of rows per filed state (for result sets too large to count on every request). */
export async function estimateByState(db: DbOrTrx, f: QueueFilter, who: QueueAsker): Promise<Record<string, number>> {
  const states = f.status ? COUNTED_STATES.filter((s) => s === f.status) : COUNTED_STATES;
  const out: Record<string, number> = Object.fromEntries(COUNTED_STATES.map((s) => [s, 0]));
  for (const s of states) out[s] = await estimateMatches(db, { ...f, status: s }, who);
  return out;
}
