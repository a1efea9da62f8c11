import type { Outcome } from '../db/review-tables';
import type { IssuedDisposition } from './dispositions.repository';

/** Each outcome in words (PRODUCT.md: Disposition), as the vendor reads it. */
export const OUTCOME_LABELS: Record<Outcome, string> = {
  sustained: 'Sustained',
  partially_sustained: 'Partially sustained',
  not_sustained: 'Not sustained',
  dismissed_untimely: 'Dismissed as untimely',
  dismissed_no_standing: 'Dismissed for lack of standing',
  withdrawn: 'Withdrawn',
};

/** The words of a disposition as the vendor sees them; `issuedAt` is when it was (or will be) issued. */
export interface VendorDispositionInput {
  outcome: Outcome; rationale: string; issuedAt: Date; supersedeReason: string | null;
}

/** The day of issue in the proceeding's time zone (the record keeps the instant). */
const issuedDay = (at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-US', { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(at);

/**
 * The vendor page's model of an issued disposition. The staff preview calls this same function
 * with the pending words, so what staff approve is what the vendor reads.
 */
export function dispositionModel(d: VendorDispositionInput, timeZone: string) {
  return {
    outcome: d.outcome, outcomeLabel: OUTCOME_LABELS[d.outcome], rationale: d.rationale,
    issued: issuedDay(d.issuedAt, timeZone),
    correctionReason: d.supersedeReason,
  };
}

/** The vendor page's model of a stored issued disposition. */
export const issuedDispositionModel = (d: IssuedDisposition, timeZone: string) => dispositionModel({
  outcome: d.outcome, rationale: d.rationale, issuedAt: d.issued_at!, supersedeReason: d.supersede_reason,
}, timeZone);

/** The API shape of an issued disposition (API.md: GET /submissions/{id} `disposition`); no draft or approval data. */
export const issuedDispositionJson = (d: IssuedDisposition) => ({
  id: d.id, outcome: d.outcome, outcomeLabel: OUTCOME_LABELS[d.outcome], rationale: d.rationale,
  issuedAt: d.issued_at!.toISOString(), supersedesId: d.supersedes_id, supersedeReason: d.supersede_reason,
});
