import type { SubmissionKind, SubmissionStatus } from '../db/database';

/**
 * Words the submission pages show. Pure values: the templates stay free of logic and the same
 * wording appears on every page (dashboard, editor, review). Sizes and times: http/format.ts.
 */

/** Status names as vendors read them: "submitted" is what the law calls filing. */
export const STATUS_LABELS: Readonly<Record<SubmissionStatus, string>> = {
  draft: 'Draft', submitted: 'Filed', in_review: 'In review', decided: 'Decided', withdrawn: 'Withdrawn',
};

/** Submission kinds as the pages name them. */
export const KIND_LABELS: Readonly<Record<SubmissionKind, string>> = {
  response: 'Response', supplement: 'Supplement', reply_to_request: 'Reply to information request',
};

/**
 * Reviewer flags the documents feature sets (PDF active content, Office macros). Unknown flags are
 * still shown, by their code, so a new flag is never silently hidden.
 */
const FLAG_LABELS: Readonly<Record<string, string>> = {
  pdf_javascript: 'PDF contains JavaScript',
  pdf_open_action: 'PDF runs an action when opened',
  pdf_additional_actions: 'PDF has automatic actions',
  pdf_launch: 'PDF can launch programs',
  pdf_embedded_file: 'PDF has embedded files',
  office_macros: 'Contains macros',
  office_activex: 'Contains ActiveX controls',
  office_embedded_object: 'Contains embedded objects',
};

/** A person-readable label for a document flag. */
export const flagLabel = (flag: string): string => FLAG_LABELS[flag] ?? `Flagged: ${flag}`;
