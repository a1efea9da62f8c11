import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';

/*
 * The administrative record of one proceeding, read for a production (docs/exports.md). Listings
 * carry ids and metadata only, so a record of 10,000 documents costs a few megabytes however large
 * its files and texts are; a submission's text (argument, fields, receipt) is read one submission
 * at a time (`findRecordSubmission`) while its folder is written. Filed means anything but a
 * draft: withdrawn submissions are part of the record too.
 */

/** The proceeding exported, by docket. */
export const findRecordProceeding = (db: DbOrTrx, docket: string) =>
  db.selectFrom('proceedings')
    .select(['id', 'docket', 'title', 'summary', 'notice_text', 'opens_at', 'closes_at', 'time_zone', 'late_policy', 'created_at', 'updated_at'])
    .where('docket', '=', docket).executeTakeFirst();

export type RecordProceeding = NonNullable<Awaited<ReturnType<typeof findRecordProceeding>>>;

/** Every organization with a filed submission in the proceeding (what the export decisions read). */
export async function filingOrganizations(db: DbOrTrx, proceedingId: string): Promise<string[]> {
  const rows = await db.selectFrom('submissions').select('organization_id').distinct()
    .where('proceeding_id', '=', proceedingId).where('status', '<>', 'draft').execute();
  return rows.map((r) => r.organization_id);
}

/** The notice package: the documents respondents were shown, in the order the agency added them. */
export const listRecordNotice = (db: DbOrTrx, proceedingId: string) =>
  db.selectFrom('notice_documents')
    .select(['id', 'title', 'original_name', 'media_type', 'size', 'sha256', 'storage_key', 'created_at'])
    .where('proceeding_id', '=', proceedingId).orderBy('created_at').orderBy('id').execute();

export type RecordNoticeDocument = Awaited<ReturnType<typeof listRecordNotice>>[number];

/** Filed submissions in tracking order, with organization, parent's tracking number and filer; no text. */
export const listRecordSubmissions = (db: DbOrTrx, proceedingId: string) =>
  db.selectFrom('submissions as s')
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .leftJoin('submissions as p', 'p.id', 's.parent_id')
    .select(['s.id', 's.tracking_number', 's.kind', 's.status', 's.title', 's.late', 's.submitted_at', 's.organization_id',
      'o.legal_name as organization', 's.parent_id', 'p.tracking_number as parent_tracking_number'])
    .where('s.proceeding_id', '=', proceedingId).where('s.status', '<>', 'draft')
    // Tracking numbers are `<docket>-NNNNNN`: one width per docket, so text order is filing order.
    .orderBy(sql`length(s.tracking_number)`).orderBy('s.tracking_number').execute();

export type RecordSubmission = Awaited<ReturnType<typeof listRecordSubmissions>>[number];

/** Every document of the filed submissions, by submission (tracking order) then upload order; no bytes. */
export const listRecordDocuments = (db: DbOrTrx, proceedingId: string) =>
  db.selectFrom('documents as d').innerJoin('submissions as s', 's.id', 'd.submission_id')
    .select(['d.id', 'd.submission_id', 'd.label', 'd.description', 'd.original_name', 'd.media_type', 'd.size', 'd.sha256',
      'd.storage_key', 'd.confidential', 'd.public_version_of', 'd.flags', 'd.created_at'])
    .where('s.proceeding_id', '=', proceedingId).where('s.status', '<>', 'draft')
    .orderBy(sql`length(s.tracking_number)`).orderBy('s.tracking_number').orderBy('d.created_at').orderBy('d.id').execute();

export type RecordDocument = Awaited<ReturnType<typeof listRecordDocuments>>[number];

/** One filed submission with all its fields (its text included) and the filer's name: for submission.json. */
export const findRecordSubmission = (db: DbOrTrx, id: string) =>
  db.selectFrom('submissions as s').leftJoin('users as u', 'u.id', 's.submitted_by')
    .select(['s.id', 's.kind', 's.status', 's.title', 's.summary', 's.argument', 's.fields', 's.tracking_number', 's.submitted_at',
      's.submitted_by', 'u.name as submitted_by_name', 's.late', 's.certification', 's.standing', 's.content_digest', 's.receipt',
      's.withdrawn_at', 's.withdrawal_reason', 's.created_at', 's.updated_at', 's.version'])
    .where('s.id', '=', id).where('s.status', '<>', 'draft').executeTakeFirst();

export type RecordSubmissionText = NonNullable<Awaited<ReturnType<typeof findRecordSubmission>>>;

/** Information requests on the proceeding's filed submissions, with who asked and the reply's tracking number. */
export const listRecordRequests = (db: DbOrTrx, proceedingId: string) =>
  db.selectFrom('information_requests as r').innerJoin('submissions as s', 's.id', 'r.submission_id')
    .innerJoin('users as u', 'u.id', 'r.created_by')
    .leftJoin('submissions as a', 'a.id', 'r.answered_by')
    .select(['r.id', 'r.submission_id', 'r.question', 'r.due_at', 'r.created_at', 'u.name as asked_by', 'r.answered_at',
      'a.tracking_number as answered_by_tracking_number'])
    .where('s.proceeding_id', '=', proceedingId).where('s.status', '<>', 'draft')
    .orderBy('r.created_at').orderBy('r.id').execute();

export type RecordRequest = Awaited<ReturnType<typeof listRecordRequests>>[number];

/** Dispositions released to the vendor (issued, and issued then superseded), oldest first, with names. */
export const listRecordDispositions = (db: DbOrTrx, proceedingId: string) =>
  db.selectFrom('dispositions as d').innerJoin('submissions as s', 's.id', 'd.submission_id')
    .leftJoin('users as i', 'i.id', 'd.issued_by')
    .leftJoin('users as a', 'a.id', 'd.approved_by')
    .leftJoin('dispositions as o', 'o.id', 'd.supersedes_id')
    .select(['d.id', 'd.submission_id', 's.tracking_number', 'd.outcome', 'd.rationale', 'd.status', 'd.issued_at', 'i.name as issued_by',
      'd.approved_at', 'a.name as approved_by', 'd.supersedes_id', 'd.supersede_reason', 'o.issued_at as supersedes_issued_at'])
    .where('s.proceeding_id', '=', proceedingId).where('s.status', '<>', 'draft').where('d.status', 'in', ['issued', 'superseded'])
    .orderBy('d.issued_at').orderBy('d.id').execute();

export type RecordDisposition = Awaited<ReturnType<typeof listRecordDispositions>>[number];

/** One item of deliberative material kept out of the production (withheld-log.csv): never its content. */
export interface WithheldRow {
  date: Date;
  author: string;
  type: 'internal note' | 'draft disposition' | 'findings';
  trackingNumber: string | null;
  /** The row's id, so the withholding can be checked against the database by someone entitled to. */
  id: string;
}

/**
 * Deliberative material of the proceeding: internal notes, dispositions never issued (draft or
 * approved) and the reviewers' findings. Only date, author and kind are read, never a body.
 */
export async function listWithheldMaterial(db: DbOrTrx, proceedingId: string): Promise<WithheldRow[]> {
  const { rows } = await sql<{ id: string; date: Date; author: string; type: WithheldRow['type']; tracking_number: string | null }>`
    SELECT n.id, n.created_at AS date, u.name AS author, 'internal note' AS type, s.tracking_number
      FROM notes n JOIN submissions s ON s.id = n.submission_id JOIN users u ON u.id = n.author_id
     WHERE s.proceeding_id = ${proceedingId} AND s.status <> 'draft'
    UNION ALL
    SELECT d.id, d.updated_at, u.name, 'draft disposition', s.tracking_number
      FROM dispositions d JOIN submissions s ON s.id = d.submission_id JOIN users u ON u.id = d.drafted_by
     WHERE s.proceeding_id = ${proceedingId} AND s.status <> 'draft' AND d.status IN ('draft', 'approved')
    UNION ALL
    SELECT f.id, f.created_at, u.name, 'findings', s.tracking_number
      FROM findings f JOIN submissions s ON s.id = f.submission_id JOIN users u ON u.id = f.created_by
     WHERE s.proceeding_id = ${proceedingId} AND s.status <> 'draft'
    ORDER BY date, id`.execute(db);
  return rows.map((r) => ({ id: r.id, date: r.date, author: r.author, type: r.type, trackingNumber: r.tracking_number }));
}

/** Proceedings legal staff may choose to export, by docket (the start form's select). */
export const listExportableProceedings = (db: DbOrTrx, limit = 500) =>
  db.selectFrom('proceedings').select(['id', 'docket', 'title']).orderBy('docket').limit(limit).execute();
