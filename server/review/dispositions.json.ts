import type { DispositionRow } from './dispositions.repository';
import { OUTCOME_LABELS } from '../submissions/disposition.page-model';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The staff JSON shape of a disposition (API.md: Review, dispositions): everything, people included. */
export const dispositionJson = (d: DispositionRow) => ({
  id: d.id, submissionId: d.submission_id, outcome: d.outcome, outcomeLabel: OUTCOME_LABELS[d.outcome], rationale: d.rationale,
  status: d.status, version: d.version, draftedBy: d.drafted_by, editors: d.editors,
  approvedBy: d.approved_by, approvedAt: iso(d.approved_at), issuedBy: d.issued_by, issuedAt: iso(d.issued_at),
  supersedesId: d.supersedes_id, supersedeReason: d.supersede_reason, createdAt: d.created_at.toISOString(), updatedAt: d.updated_at.toISOString(),
});
