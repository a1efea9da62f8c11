import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';

/** A submission's documents in upload order. */
export const listDocuments = (db: DbOrTrx, submissionId: string) =>
  db.selectFrom('documents').selectAll().where('submission_id', '=', submissionId).orderBy('created_at').orderBy('id').execute();

export type DocumentRow = Awaited<ReturnType<typeof listDocuments>>[number];

/** Documents of several submissions at once (list pages), in upload order. */
export const listDocumentsFor = async (db: DbOrTrx, submissionIds: string[]) => (submissionIds.length
  ? db.selectFrom('documents').selectAll().where('submission_id', 'in', submissionIds).orderBy('created_at').orderBy('id').execute()
  : []);

/** A document with the organization and status of the submission it belongs to (for access checks). */
export async function findDocumentWithOwner(db: DbOrTrx, id: string) {
  return db.selectFrom('documents').innerJoin('submissions', 'submissions.id', 'documents.submission_id')
    .selectAll('documents').select(['submissions.organization_id', 'submissions.status'])
    .where('documents.id', '=', id).executeTakeFirst();
}

export const findDocumentIn = (db: DbOrTrx, submissionId: string, id: string) =>
  db.selectFrom('documents').selectAll().where('id', '=', id).where('submission_id', '=', submissionId).executeTakeFirst();

export interface NewDocument {
  submissionId: string;
  label: string;
  description: string;
  originalName: string;
  mediaType: string;
  size: number;
  sha256: string;
  storageKey: string;
  confidential: boolean;
  publicVersionOf: string | null;
  flags: string[];
  createdBy: string;
}

export async function insertDocument(db: DbOrTrx, d: NewDocument): Promise<DocumentRow> {
  return db.insertInto('documents').values({
    submission_id: d.submissionId, label: d.label, description: d.description, original_name: d.originalName,
    media_type: d.mediaType, size: d.size, sha256: d.sha256, storage_key: d.storageKey, confidential: d.confidential,
    public_version_of: d.publicVersionOf, flags: JSON.stringify(d.flags), created_by: d.createdBy,
  }).returningAll().executeTakeFirstOrThrow();
}

/** "Exhibit N" with the lowest N above the count that no document of the submission uses yet. */
export async function nextExhibitLabel(db: DbOrTrx, submissionId: string): Promise<string> {
  const labels = new Set((await db.selectFrom('documents').select('label').where('submission_id', '=', submissionId).execute()).map((r) => r.label));
  let n = labels.size + 1;
  while (labels.has(`Exhibit ${n}`)) n += 1;
  return `Exhibit ${n}`;
}

/** The public (redacted) version already attached for a confidential document, if any. */
export const findPublicVersion = (db: DbOrTrx, confidentialId: string) =>
  db.selectFrom('documents').select(['id', 'label']).where('public_version_of', '=', confidentialId).executeTakeFirst();

export const deleteDocumentRow = (db: DbOrTrx, id: string) => db.deleteFrom('documents').where('id', '=', id).execute();

export interface NewNotice {
  proceedingId: string;
  title: string;
  originalName: string;
  mediaType: string;
  size: number;
  sha256: string;
  storageKey: string;
  createdBy: string;
}

export const insertNotice = (db: DbOrTrx, n: NewNotice) =>
  db.insertInto('notice_documents').values({
    proceeding_id: n.proceedingId, title: n.title, original_name: n.originalName, media_type: n.mediaType,
    size: n.size, sha256: n.sha256, storage_key: n.storageKey, created_by: n.createdBy,
  }).returningAll().executeTakeFirstOrThrow();

export const findNotice = (db: DbOrTrx, proceedingId: string, id: string) =>
  db.selectFrom('notice_documents').selectAll().where('proceeding_id', '=', proceedingId).where('id', '=', id).executeTakeFirst();

export type NoticeRow = Awaited<ReturnType<typeof insertNotice>>;

/** How many documents a submission has and their bytes in total. */
export async function submissionUsage(db: DbOrTrx, submissionId: string): Promise<{ files: number; bytes: number }> {
  const row = await db.selectFrom('documents').select([sql<string>`count(*)`.as('files'), sql<string>`coalesce(sum(size), 0)`.as('bytes')])
    .where('submission_id', '=', submissionId).executeTakeFirstOrThrow();
  return { files: Number(row.files), bytes: Number(row.bytes) };
}

/** Bytes of every document of an organization, across all its drafts and filings (the quota). */
export async function organizationBytes(db: DbOrTrx, organizationId: string): Promise<number> {
  const row = await db.selectFrom('documents').innerJoin('submissions', 'submissions.id', 'documents.submission_id')
    .select(sql<string>`coalesce(sum(documents.size), 0)`.as('bytes')).where('submissions.organization_id', '=', organizationId)
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}
