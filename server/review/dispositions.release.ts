import type { DbOrTrx } from '../db/database';
import { findUserById } from '../accounts/users.repository';
import { findProceedingById } from '../proceedings/proceedings.repository';
import { dispositionModel, OUTCOME_LABELS } from '../submissions/disposition.page-model';
import type { SubmissionRow } from '../submissions/submissions.repository';
import type { DispositionRow } from './dispositions.repository';

/**
 * What the vendor receives when a disposition is issued: its page's words and the e-mail. The
 * preview (API and page) and the issue both call `composeRelease`, so staff approve and issue
 * exactly what the vendor reads.
 */

export interface ReleaseEnv { publicUrl: string; mailDomain: string }
type Words = Pick<DispositionRow, 'outcome' | 'rationale' | 'supersede_reason'>;

/** The e-mail announcing a disposition (or a correction) to the person who filed the response. */
export function dispositionMail(sub: SubmissionRow, d: Words, to: string, env: ReleaseEnv) {
  const ref = sub.tracking_number ?? sub.docket;
  const opening = d.supersede_reason
    ? [`The agency has issued a corrected disposition of your response ${ref} in ${sub.docket}. It replaces the disposition issued before.`,
      '', 'Reason for the correction:', d.supersede_reason]
    : [`The agency has issued its disposition of your response ${ref} in ${sub.docket}.`];
  return {
    to,
    subject: `${d.supersede_reason ? 'Corrected disposition' : 'Disposition'} of your response ${ref}`,
    text: [...opening, '', `Outcome: ${OUTCOME_LABELS[d.outcome]}`, '', 'Rationale:', d.rationale, '',
      `Read it at ${env.publicUrl}/submissions/${sub.id}`].join('\n'),
  };
}

/** The vendor page's words and the e-mail, for a disposition issued at `issuedAt`. */
export async function composeRelease(db: DbOrTrx, sub: SubmissionRow, d: Words, env: ReleaseEnv, issuedAt: Date) {
  const [filer, proceeding] = await Promise.all([findUserById(db, sub.submitted_by ?? sub.created_by), findProceedingById(db, sub.proceeding_id)]);
  // Foreign keys guarantee both: a gap is a server fault.
  if (!filer || !proceeding) throw new Error('disposition: the filer or the proceeding row is missing');
  return {
    page: dispositionModel({ outcome: d.outcome, rationale: d.rationale, issuedAt, supersedeReason: d.supersede_reason }, proceeding.time_zone),
    email: dispositionMail(sub, d, filer.email, env),
  };
}

export type Release = Awaited<ReturnType<typeof composeRelease>>;
