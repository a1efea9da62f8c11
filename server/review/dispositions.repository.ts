import { sql } from 'kysely';
import type { DbOrTrx, SubmissionStatus } from '../db/database';
import type { DispositionStatus, Outcome } from '../db/review-tables';

const columns = ['id', 'submission_id', 'outcome', 'rationale', 'status', 'version', 'drafted_by', 'editors', 'approved_by',
  'approved_at', 'issued_by', 'issued_at', 'supersedes_id', 'supersede_reason', 'created_at', 'updated_at'] as const;

/** The disposition in preparation (draft or approved); `forUpdate` locks it for the transaction. */
export async function findPendingDisposition(db: DbOrTrx, submissionId: string, opts: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom('dispositions').select(columns).where('submission_id', '=', submissionId).where('status', 'in', ['draft', 'approved']);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export type DispositionRow = NonNullable<Awaited<ReturnType<typeof findPendingDisposition>>>;

/** The disposition in force, staff columns. */
export async function findIssuedRow(db: DbOrTrx, submissionId: string, opts: { forUpdate?: boolean } = {}): Promise<DispositionRow | undefined> {
  let q = db.selectFrom('dispositions').select(columns).where('submission_id', '=', submissionId).where('status', '=', 'issued');
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Every disposition of a submission, oldest first (the history staff read). */
export function listDispositions(db: DbOrTrx, submissionId: string): Promise<DispositionRow[]> {
  return db.selectFrom('dispositions').select(columns).where('submission_id', '=', submissionId).orderBy('created_at').orderBy('id').execute();
}

/** A new draft, version 1, its drafter its first editor. */
export function insertDisposition(db: DbOrTrx, d: { submissionId: string; outcome: Outcome; rationale: string; by: string;
  supersedesId?: string; supersedeReason?: string }): Promise<DispositionRow> {
  return db.insertInto('dispositions').values({
    submission_id: d.submissionId, outcome: d.outcome, rationale: d.rationale, drafted_by: d.by, editors: [d.by],
    approved_by: null, approved_at: null, issued_by: null, issued_at: null,
    supersedes_id: d.supersedesId ?? null, supersede_reason: d.supersedeReason ?? null,
  }).returning(columns).executeTakeFirstOrThrow();
}

/** New words from an editor: back to draft, approval cleared, the editor recorded, version bumped. */
export function updateDispositionWords(db: DbOrTrx, id: string, w: { outcome: Outcome; rationale: string; editor: string }): Promise<DispositionRow> {
  return db.updateTable('dispositions').set({
    outcome: w.outcome, rationale: w.rationale, status: 'draft', approved_by: null, approved_at: null,
    editors: sql<string[]>`CASE WHEN ${w.editor}::uuid = ANY(editors) THEN editors ELSE array_append(editors, ${w.editor}::uuid) END`,
    version: sql<number>`version + 1`, updated_at: new Date(),
  }).where('id', '=', id).returning(columns).executeTakeFirstOrThrow();
}

/** Records a move (approval, issue, supersession) with who made it; the version moves with every change. */
export function moveDisposition(db: DbOrTrx, id: string, status: DispositionStatus, by: { approved_by?: string; issued_by?: string }, at: Date): Promise<DispositionRow> {
  return db.updateTable('dispositions').set({
    status, updated_at: at,
    ...(by.approved_by ? { approved_by: by.approved_by, approved_at: at } : {}),
    ...(by.issued_by ? { issued_by: by.issued_by, issued_at: at } : {}),
    ...(status === 'superseded' ? {} : { version: sql<number>`version + 1` }),
  }).where('id', '=', id).returning(columns).executeTakeFirstOrThrow();
}

/** The submission's workflow move that issuing makes (in_review -> decided). */
export async function setSubmissionStatus(db: DbOrTrx, id: string, status: SubmissionStatus): Promise<void> {
  await db.updateTable('submissions').set({ status, updated_at: new Date(), version: sql`version + 1` }).where('id', '=', id).execute();
}

/** Display names of staff by id (for the history a page shows). */
export async function namesOf(db: DbOrTrx, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (!unique.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
