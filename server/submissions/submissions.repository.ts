import { sql } from 'kysely';
import type { DbOrTrx, SubmissionKind, SubmissionStatus } from '../db/database';
import { cursorColumn, keysetPage, type KeysetCursor, type KeysetOrder } from '../db/keyset';

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

/** The columns of a submission row (never the search vector). */
export const submissionColumns = [
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

/** What a draft edit may change (JSON Schema checked); absent members stay as they are. */
export interface DraftChanges { title?: string; summary?: string; argument?: string; fields?: Record<string, unknown> }

/** Writes a draft's edited text and fields and bumps its version. */
export async function updateDraftRow(db: DbOrTrx, id: string, patch: DraftChanges): Promise<void> {
  await db.updateTable('submissions').set({
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
    ...(patch.argument !== undefined ? { argument: patch.argument } : {}),
    ...(patch.fields !== undefined ? { fields: JSON.stringify(patch.fields) } : {}),
    updated_at: new Date(), version: sql`version + 1`,
  }).where('id', '=', id).execute();
}

/** Everything filing records on the row (the trigger freezes it afterwards). */
export interface Filing {
  status: SubmissionStatus;
  trackingNumber: string;
  submittedAt: Date;
  submittedBy: string;
  late: boolean;
  certification: object;
  standing: object;
  contentDigest: string;
  receipt: object;
  version: number;
}

/** Records the filing of a draft in one UPDATE. */
export async function markFiled(db: DbOrTrx, id: string, f: Filing): Promise<void> {
  await db.updateTable('submissions').set({
    status: f.status, tracking_number: f.trackingNumber, submitted_at: f.submittedAt, submitted_by: f.submittedBy, late: f.late,
    certification: JSON.stringify(f.certification), standing: JSON.stringify(f.standing), content_digest: f.contentDigest,
    receipt: JSON.stringify(f.receipt), updated_at: f.submittedAt, version: f.version,
  }).where('id', '=', id).execute();
}

/** Records a withdrawal and its reason; the row and its documents stay. */
export async function markWithdrawn(db: DbOrTrx, id: string, status: SubmissionStatus, reason: string): Promise<void> {
  await db.updateTable('submissions').set({ status, withdrawn_at: new Date(), withdrawal_reason: reason, updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', id).execute();
}

/** The filters of a submissions list, already checked (no client text is interpolated). */
export interface SubmissionFilter {
  organizationId?: string | null;
  /** Drafts are listed only when true (their own organization's members). */
  withDrafts: boolean;
  /** Organizations left out entirely (the actor's recusals). */
  hiddenOrganizations: readonly string[];
  docket?: string;
  status?: SubmissionStatus;
  /** Matched, case-insensitively, anywhere in the title or the tracking number. */
  text?: string;
}

/** One page of submissions with their dockets, in `order`, after `cursor` (one row more than `limit`). */
export function listSubmissionRows(db: DbOrTrx, f: SubmissionFilter, order: KeysetOrder, cursor: KeysetCursor | undefined, limit: number) {
  let q = db.selectFrom('submissions').innerJoin('proceedings', 'proceedings.id', 'submissions.proceeding_id')
    .selectAll('submissions').select('proceedings.docket').select(cursorColumn(order));
  if (f.organizationId) q = q.where('submissions.organization_id', '=', f.organizationId);
  if (!f.withDrafts) q = q.where('submissions.status', '<>', 'draft');
  if (f.hiddenOrganizations.length) q = q.where('submissions.organization_id', 'not in', [...f.hiddenOrganizations]);
  if (f.docket) q = q.where('proceedings.docket', '=', f.docket);
  if (f.status) q = q.where('submissions.status', '=', f.status);
  if (f.text) {
    const like = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('submissions.title', 'ilike', like), eb('submissions.tracking_number', 'ilike', like)]));
  }
  return keysetPage(q, order, cursor, limit).execute();
}

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
