import type { SubmissionKind, SubmissionStatus } from '../db/database';

/**
 * Words and formats the vendor pages show. Pure functions: the templates stay free of logic and
 * the same wording appears on every page (dashboard, editor, review, receipt).
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

/**
 * "1.2 MiB" style size, in the binary units the upload limits and their refusals use; the exact
 * byte count is shown beside it where it matters (evidence tables, receipts).
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Exact byte count with thousands separators ("1,234 bytes"). */
export const exactBytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

/** "2026-11-28 14:05:09 UTC": one unambiguous clock for everything the portal records. */
export function formatUtc(at: Date | string | null | undefined): string {
  if (!at) return '';
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
