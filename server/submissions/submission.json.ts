import type { DocumentRow } from '../documents/documents.repository';
import { documentJson } from '../documents/document.json';
import type { SubmissionRow } from './submissions.repository';

/** The public JSON shape of a submission with its documents. */
export const submissionJson = (s: SubmissionRow, docs: DocumentRow[]) => ({
  id: s.id, docket: s.docket, kind: s.kind, parentId: s.parent_id, status: s.status, title: s.title, summary: s.summary,
  argument: s.argument, fields: s.fields, organizationId: s.organization_id, createdBy: s.created_by,
  trackingNumber: s.tracking_number, submittedAt: s.submitted_at?.toISOString() ?? null, late: s.late,
  contentDigest: s.content_digest, withdrawnAt: s.withdrawn_at?.toISOString() ?? null, withdrawalReason: s.withdrawal_reason,
  createdAt: s.created_at.toISOString(), updatedAt: s.updated_at.toISOString(), version: s.version,
  documents: docs.map(documentJson),
});
