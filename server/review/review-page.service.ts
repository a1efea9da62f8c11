import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import { authorize, type Asker } from '../access/authorize';
import { can } from '../access/policies';
import type { FindingArgument } from '../db/review-tables';
import { formatUtc } from '../http/format';
import { listDocuments } from '../documents/documents.repository';
import { findProceedingByDocket } from '../proceedings/proceedings.repository';
import { findSubmission } from '../submissions/submissions.repository';
import { listRequests, requestStatus } from '../submissions/information-requests.repository';
import { KIND_LABELS, STATUS_LABELS } from '../submissions/submission.display';
import { documentModels, fieldSummary, proceedingModel, submissionModel } from '../submissions/submission.page-model';
import { notFound } from '../http/errors';
import {
  findTriage, latestFindings, listCurrentDispositions, listFiledChildren, listHistory, listNotesWithAuthors, listOpenAssignments,
} from './review-page.repository';
import { DISPOSITION_STATUS_LABELS, OUTCOME_LABELS, RULING_LABELS, actionWords, labelFor } from './review-page.words';
import { previewKind } from './review-page.preview';

/** The newest events a history shows; older ones stay in the audit trail (GET /audit for legal). */
export const HISTORY_LIMIT = 200;

const REQUEST_LABELS = { open: 'Open', answered: 'Answered', expired: 'Past due, unanswered' } as const;

/** Links to the action pages, offered by role (each page decides again on its own). */
function actionLinks(actor: Actor, id: string) {
  const base = `/review/submissions/${id}`;
  const reviews = can(actor, 'submission.review');
  return {
    // Triage (assignment, priority, tags) is a supervisor's (issue 9, "Triage by a supervisor").
    assign: actor.role === 'supervisor' ? `${base}/assign` : null,
    notes: reviews ? `${base}/notes` : null,
    findings: reviews ? `${base}/findings` : null,
    disposition: reviews ? `${base}/disposition` : null,
    request: can(actor, 'information_request.create') ? `${base}/information-requests/new` : null,
  };
}

const findingModel = (f: NonNullable<Awaited<ReturnType<typeof latestFindings>>>) => ({
  version: f.version, author: f.author, at: formatUtc(f.created_at),
  arguments: (f.arguments as FindingArgument[]).map((a) => ({ ...a, rulingLabel: labelFor(RULING_LABELS, a.ruling) })),
});

/**
 * Everything the staff review page shows about one submission, for an actor allowed to read cases
 * ('review.read', checked by the route) who may see this one ('submission.see': drafts and recused
 * organizations are an audited 404, exactly as in the API).
 */
export async function loadReviewPage(db: Db, asker: Asker, id: string, now: Date) {
  const sub = await authorize(asker, 'submission.see', { type: 'submission', id }, await findSubmission(db, id));
  const responseId = sub.parent_id ?? sub.id;
  const [docs, proceeding, requests, children, notes, findings, assignments, dispositions, triage] = await Promise.all([
    listDocuments(db, sub.id), findProceedingByDocket(db, sub.docket), listRequests(db, responseId),
    listFiledChildren(db, sub.id), listNotesWithAuthors(db, sub.id), latestFindings(db, sub.id),
    listOpenAssignments(db, sub.id), listCurrentDispositions(db, sub.id), findTriage(db, sub.id),
  ]);
  if (!proceeding) throw notFound('proceeding');
  const history = await listHistory(db, {
    submissionId: sub.id, documentIds: docs.map((d) => d.id), requestIds: requests.map((r) => r.id),
  }, HISTORY_LIMIT);
  const disposition = (d: (typeof dispositions)[number]) => ({
    ...d, outcomeLabel: labelFor(OUTCOME_LABELS, d.outcome), statusLabel: labelFor(DISPOSITION_STATUS_LABELS, d.status),
    approvedAt: formatUtc(d.approved_at), issuedAt: formatUtc(d.issued_at), updatedAt: formatUtc(d.updated_at),
  });
  return {
    sub: submissionModel(sub), proceeding: proceedingModel(proceeding, now), priority: triage.priority, tags: triage.tags,
    parentUrl: sub.parent_id ? `/review/submissions/${sub.parent_id}` : null,
    fieldList: fieldSummary(proceeding.response_schema, sub.fields),
    documents: documentModels(docs).map((d) => ({ ...d, preview: previewKind(d.mediaType ?? '') })),
    children: children.map((c) => ({
      url: `/review/submissions/${c.id}`, title: c.title, kindLabel: KIND_LABELS[c.kind], status: c.status,
      statusLabel: STATUS_LABELS[c.status], trackingNumber: c.tracking_number, filed: formatUtc(c.submitted_at), late: c.late,
    })),
    notes: notes.map((n) => ({ author: n.author, at: formatUtc(n.created_at), body: n.body })),
    findings: findings ? findingModel(findings) : null,
    requests: requests.map((r) => {
      const status = requestStatus(r, now);
      return { question: r.question, due: formatUtc(r.due_at), sent: formatUtc(r.created_at), status, statusLabel: REQUEST_LABELS[status] };
    }),
    assignments: assignments.map((a) => ({ reviewer: a.reviewer, due: formatUtc(a.due_at), assigned: formatUtc(a.assigned_at), overdue: a.due_at < now })),
    pendingDisposition: dispositions.filter((d) => d.status !== 'issued').map(disposition)[0] ?? null,
    issuedDisposition: dispositions.filter((d) => d.status === 'issued').map(disposition)[0] ?? null,
    history: history.map((h) => ({
      at: formatUtc(h.occurred_at), action: actionWords(h.action), code: h.action,
      actor: h.actor ?? (h.actor_role === 'system' ? 'The portal' : 'Someone not signed in'),
      about: h.subject_type === 'submission' ? 'Submission' : h.subject_type === 'document' ? 'Document' : 'Information request',
    })),
    historyTruncated: history.length === HISTORY_LIMIT,
    actions: actionLinks(asker.actor, sub.id),
  };
}

export type ReviewPage = Awaited<ReturnType<typeof loadReviewPage>>;
