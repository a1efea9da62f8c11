import type { Actor } from '../access/actor';
import { hiddenOrganizations } from '../access/submission.policy';
import type { Db } from '../db/database';
import { formatUtc } from '../http/format';
import type { SubmissionRow } from '../submissions/submissions.repository';
import { REVIEWING_ROLES, eligibleReviewers, listAssignments } from './assignments.repository';
import { PRIORITIES } from './triage.schemas';
import { findTriage } from './triage.repository';

/**
 * What the assign page shows: the submission, its assignments, the reviewers to choose from (their
 * open work counted without the asker's recused organizations), its triage fields.
 */
export async function assignPageModel(db: Db, actor: Actor, sub: SubmissionRow) {
  const [assignments, reviewers, triage] = await Promise.all([
    listAssignments(db, sub.id), eligibleReviewers(db, { roles: REVIEWING_ROLES, uncounted: hiddenOrganizations(actor) }), findTriage(db, sub.id),
  ]);
  const assigned = new Set(assignments.filter((a) => a.ended_at === null).map((a) => a.reviewer_id));
  return {
    sub: { id: sub.id, trackingNumber: sub.tracking_number, title: sub.title, docket: sub.docket, status: sub.status },
    open: sub.status === 'submitted' || sub.status === 'in_review',
    assignments: assignments.map((a) => ({
      id: a.id, reviewerName: a.reviewer_name, due: formatUtc(a.due_at), assigned: formatUtc(a.assigned_at),
      ended: a.ended_at ? formatUtc(a.ended_at) : null,
    })),
    reviewers: reviewers.map((r) => {
      const conflicted = r.conflictedWith.includes(sub.organization_id);
      const already = assigned.has(r.id);
      const why = conflicted ? 'conflict declared' : already ? 'already assigned' : `${r.open} open`;
      return { id: r.id, label: `${r.name} (${why})`, disabled: conflicted || already };
    }),
    priorities: PRIORITIES,
    priority: triage.priority,
    tags: triage.tags.join(', '),
  };
}

/** A `datetime-local` value (no zone) is read as UTC, as the page's hint says; anything else as given. */
export function dueAtFromForm(raw: string): string {
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(raw)) return `${raw}:00Z`;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(raw)) return `${raw}Z`;
  return raw;
}

/** Tags as typed in the page: separated by commas or spaces; empty means none. */
export const tagsFromForm = (raw: string): string[] => raw.split(/[,\s]+/).filter((t) => t !== '');
