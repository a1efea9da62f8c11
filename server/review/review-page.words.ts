import type { DispositionStatus, Outcome, Ruling } from '../db/review-tables';

/**
 * Words the staff review page and the dashboard show. Pure values, so the templates stay free of
 * logic. Unknown audit actions are shown by their code, so a new action is never hidden.
 */

/** Audit actions as a person reads them in a submission's history. */
const ACTION_WORDS: Readonly<Record<string, string>> = {
  'submission.draft_created': 'Draft started',
  'submission.draft_updated': 'Draft edited',
  'submission.submitted': 'Filed',
  'submission.withdrawn': 'Withdrawn',
  'submission.triaged': 'Priority or tags changed',
  'submission.review_started': 'Review started',
  'document.uploaded': 'Document uploaded',
  'document.deleted': 'Document removed from the draft',
  'document.downloaded': 'Document downloaded',
  'document.previewed': 'Document previewed',
  'information_request.created': 'Information request sent',
  'information_request.answered': 'Information request answered',
  'assignment.created': 'Reviewer assigned',
  'assignment.ended': 'Assignment ended',
  'note.added': 'Internal note added',
  'findings.saved': 'Findings saved',
  'disposition.drafted': 'Disposition drafted',
  'disposition.updated': 'Disposition edited',
  'disposition.approved': 'Disposition approved',
  'disposition.issued': 'Disposition issued',
  'disposition.superseded': 'Disposition superseded',
  'access.denied': 'Access refused',
};

/** An audit action in words (its code when it has none yet). */
export const actionWords = (action: string): string => ACTION_WORDS[action] ?? action;

export const RULING_LABELS: Readonly<Record<Ruling, string>> = {
  persuasive: 'Persuasive', partially_persuasive: 'Partially persuasive', not_persuasive: 'Not persuasive', moot: 'Moot',
};

export const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  sustained: 'Sustained', partially_sustained: 'Partially sustained', not_sustained: 'Not sustained',
  dismissed_untimely: 'Dismissed as untimely', dismissed_no_standing: 'Dismissed for lack of standing', withdrawn: 'Withdrawn',
};

export const DISPOSITION_STATUS_LABELS: Readonly<Record<DispositionStatus, string>> = {
  draft: 'Draft', approved: 'Approved, not yet issued', issued: 'Issued', superseded: 'Superseded',
};

/** The word for a label table's key, or the key itself for a value the table does not know. */
export const labelFor = <K extends string>(table: Readonly<Record<K, string>>, key: string): string =>
  (Object.hasOwn(table, key) ? table[key as K] : key);
