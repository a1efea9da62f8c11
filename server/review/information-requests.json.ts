import { requestStatus, type RequestRow } from '../submissions/information-requests.repository';

/**
 * The public JSON shape (API.md: information requests). `overdue` is true when the due date has
 * passed and no reply answered it (the same request's status reads `expired`).
 */
export const requestJson = (r: RequestRow, now: Date) => ({
  id: r.id, submissionId: r.submission_id, question: r.question, dueAt: r.due_at.toISOString(),
  createdAt: r.created_at.toISOString(), status: requestStatus(r, now), overdue: requestStatus(r, now) === 'expired',
  answeredBy: r.answered_by, answeredAt: r.answered_at?.toISOString() ?? null,
});
