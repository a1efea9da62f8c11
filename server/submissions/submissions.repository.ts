import { sql } from 'kysely';
import type { DbOrTrx, SubmissionKind } from '../db/database';

export interface NewDraft {
  proceedingId: string;
  organizationId: string;
  createdBy: string;
  kind: SubmissionKind;
  parentId: string | null;
  title: string;
  summary: string;
  argument: string;
  fields: Record<string, unknown>;
}

export async function insertDraft(db: DbOrTrx, d: NewDraft): Promise<string> {
  const row = await db.insertInto('submissions').values({
    proceeding_id: d.proceedingId, organization_id: d.organizationId, created_by: d.createdBy, kind: d.kind,
    parent_id: d.parentId, title: d.title, summary: d.summary, argument: d.argument, fields: JSON.stringify(d.fields),
    tracking_number: null, submitted_at: null, submitted_by: null, certification: null, standing: null,
    content_digest: null, receipt: null, withdrawn_at: null, withdrawal_reason: null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

const submissionColumns = [
  'submissions.id', 'submissions.proceeding_id', 'submissions.organization_id', 'submissions.created_by', 'submissions.kind',
  'submissions.parent_id', 'submissions.status', 'submissions.title', 'submissions.summary', 'submissions.argument',
  'submissions.fields', 'submissions.tracking_number', 'submissions.submitted_at', 'submissions.submitted_by',
  'submissions.late', 'submissions.certification', 'submissions.standing', 'submissions.content_digest',
  'submissions.receipt', 'submissions.withdrawn_at', 'submissions.withdrawal_reason', 'submissions.created_at',
  'submissions.updated_at', 'submissions.version', 'proceedings.docket',
] as const;

/** A submission with its proceeding's docket; `forUpdate` locks the row until the transaction ends. */
export async function findSubmission(db: DbOrTrx, id: string, opts: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom('submissions').innerJoin('proceedings', 'proceedings.id', 'submissions.proceeding_id')
    .select(submissionColumns).where('submissions.id', '=', id);
  if (opts.forUpdate) q = q.forUpdate('submissions');
  return q.executeTakeFirst();
}

export type SubmissionRow = NonNullable<Awaited<ReturnType<typeof findSubmission>>>;

/**
 * The next tracking sequence for a proceeding. The counter row stays locked until commit, so
 * concurrent filings queue, and a rolled-back filing gives its number back: unique and gap-free.
 */
export async function nextTrackingValue(db: DbOrTrx, proceedingId: string): Promise<number> {
  const { rows } = await sql<{ last_value: number }>`
    INSERT INTO tracking_counters (proceeding_id, last_value) VALUES (${proceedingId}, 1)
    ON CONFLICT (proceeding_id) DO UPDATE SET last_value = tracking_counters.last_value + 1
    RETURNING last_value`.execute(db);
  return rows[0]!.last_value;
}

/** `<docket>-<6-digit sequence>` (PRODUCT.md: Tracking number). */
export const formatTrackingNumber = (docket: string, value: number): string => `${docket}-${String(value).padStart(6, '0')}`;
