import type { DbOrTrx } from '../db/database';

/*
 * Read-only queries behind the staff review page of one submission. Each takes a submission the
 * caller has already authorized ('submission.see'); none of them widens what that decision allows
 * (supplements and replies share the organization, so they share its recusal).
 */

/** The triage fields (priority, tags), which the submission's own row type leaves out. */
export function findTriage(db: DbOrTrx, submissionId: string) {
  return db.selectFrom('submissions').select(['priority', 'tags']).where('id', '=', submissionId).executeTakeFirstOrThrow();
}

/** Filed supplements and replies to a response, in filing order (drafts are the vendor's own). */
export function listFiledChildren(db: DbOrTrx, parentId: string) {
  return db.selectFrom('submissions').select(['id', 'kind', 'status', 'title', 'tracking_number', 'submitted_at', 'late'])
    .where('parent_id', '=', parentId).where('status', '<>', 'draft').where('submitted_at', 'is not', null)
    .orderBy('submitted_at').orderBy('id').execute();
}

/** The internal notes on a submission with their authors' names, oldest first (a thread). */
export function listNotesWithAuthors(db: DbOrTrx, submissionId: string) {
  return db.selectFrom('notes').innerJoin('users', 'users.id', 'notes.author_id')
    .select(['notes.id', 'notes.body', 'notes.created_at', 'users.name as author'])
    .where('notes.submission_id', '=', submissionId).orderBy('notes.created_at').orderBy('notes.id').execute();
}

/** The newest findings version and how many versions exist, or undefined before any. */
export async function latestFindings(db: DbOrTrx, submissionId: string) {
  return db.selectFrom('findings').innerJoin('users', 'users.id', 'findings.created_by')
    .select(['findings.version', 'findings.arguments', 'findings.created_at', 'users.name as author'])
    .where('findings.submission_id', '=', submissionId).orderBy('findings.version', 'desc').limit(1).executeTakeFirst();
}

/** Open assignments (not ended) with the reviewer's name, soonest due first. */
export function listOpenAssignments(db: DbOrTrx, submissionId: string) {
  return db.selectFrom('assignments').innerJoin('users', 'users.id', 'assignments.reviewer_id')
    .select(['assignments.id', 'assignments.due_at', 'assignments.assigned_at', 'users.name as reviewer'])
    .where('assignments.submission_id', '=', submissionId).where('assignments.ended_at', 'is', null)
    .orderBy('assignments.due_at').orderBy('assignments.id').execute();
}

/** The disposition in preparation (draft or approved) and the one issued, with people's names. */
export function listCurrentDispositions(db: DbOrTrx, submissionId: string) {
  return db.selectFrom('dispositions')
    .innerJoin('users as drafter', 'drafter.id', 'dispositions.drafted_by')
    .leftJoin('users as approver', 'approver.id', 'dispositions.approved_by')
    .leftJoin('users as issuer', 'issuer.id', 'dispositions.issued_by')
    .select(['dispositions.id', 'dispositions.outcome', 'dispositions.rationale', 'dispositions.status', 'dispositions.version',
      'dispositions.approved_at', 'dispositions.issued_at', 'dispositions.updated_at', 'dispositions.supersede_reason',
      'drafter.name as draftedBy', 'approver.name as approvedBy', 'issuer.name as issuedBy'])
    .where('dispositions.submission_id', '=', submissionId).where('dispositions.status', 'in', ['draft', 'approved', 'issued'])
    .orderBy('dispositions.created_at').execute();
}

/** What the history reads of the audit trail: who, what, when; never an event's data. */
export interface HistorySubjects { submissionId: string; documentIds: readonly string[]; requestIds: readonly string[] }

/**
 * The audit events about a submission, its documents and its information requests, newest
 * first, with the actor's name. Only action, actor and time are selected: an event's `data` may
 * quote what it is about (a note's text), and the history must never show it.
 */
export function listHistory(db: DbOrTrx, s: HistorySubjects, limit: number) {
  return db.selectFrom('audit_events').leftJoin('users', 'users.id', 'audit_events.actor_id')
    .select(['audit_events.seq', 'audit_events.occurred_at', 'audit_events.action', 'audit_events.subject_type',
      'audit_events.actor_role', 'users.name as actor'])
    .where((eb) => eb.or([
      eb.and([eb('audit_events.subject_type', '=', 'submission'), eb('audit_events.subject_id', '=', s.submissionId)]),
      ...(s.documentIds.length ? [eb.and([eb('audit_events.subject_type', '=', 'document'), eb('audit_events.subject_id', 'in', s.documentIds)])] : []),
      ...(s.requestIds.length ? [eb.and([eb('audit_events.subject_type', '=', 'information_request'), eb('audit_events.subject_id', 'in', s.requestIds)])] : []),
    ]))
    .orderBy('audit_events.seq', 'desc').limit(limit).execute();
}

export type HistoryRow = Awaited<ReturnType<typeof listHistory>>[number];
