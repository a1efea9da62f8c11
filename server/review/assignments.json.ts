import type { AssignmentRow } from './assignments.repository';

/** The public JSON shape of an assignment (docs/review-triage.md). */
export const assignmentJson = (a: AssignmentRow) => ({
  id: a.id, submissionId: a.submission_id, reviewerId: a.reviewer_id, reviewerName: a.reviewer_name,
  assignedBy: a.assigned_by, dueAt: a.due_at.toISOString(), assignedAt: a.assigned_at.toISOString(),
  endedAt: a.ended_at?.toISOString() ?? null, endedBy: a.ended_by, reminderSentAt: a.reminder_sent_at?.toISOString() ?? null,
  open: a.ended_at === null,
});
