import type { Db, DbOrTrx } from '../db/database';
import type { Actor } from '../access/actor';
import { deniedNow, type AuditContext } from '../audit/audit.service';
import { AppError, conflict } from '../http/errors';
import { findSubmission, type SubmissionRow } from '../submissions/submissions.repository';
import { findIssuedRow, findPendingDisposition, type DispositionRow } from './dispositions.repository';
import type { DispositionState } from './dispositions.transitions';

/** A submission with its pending and issued dispositions, as every disposition decision reads it. */
export interface DispositionCase {
  organization_id: string; status: SubmissionRow['status'];
  sub: SubmissionRow; pending: DispositionRow | undefined; issued: DispositionRow | undefined;
  /** The pending one's people, for the two-person rule ('' and [] when nothing is pending). */
  drafted_by: string; editors: readonly string[];
}

/** Who asks, with refusals audited on their own connection. */
export const askerOf = (db: Db, ctx: AuditContext, actor: Actor) => ({ actor, recordDenial: deniedNow(db, ctx) });

/**
 * Loads and (by default) locks the submission, then its dispositions, for the rest of the transaction: two supervisors
 * acting at once are served one after the other, and the second sees the first one's change.
 */
export async function lockCase(trx: DbOrTrx, submissionId: string, forUpdate = true): Promise<DispositionCase | undefined> {
  const sub = await findSubmission(trx, submissionId, { forUpdate });
  if (!sub) return undefined;
  const pending = await findPendingDisposition(trx, submissionId, { forUpdate });
  const issued = await findIssuedRow(trx, submissionId, { forUpdate });
  return { organization_id: sub.organization_id, status: sub.status, sub, pending, issued, drafted_by: pending?.drafted_by ?? '', editors: pending?.editors ?? [] };
}

/** The state the transition table reads: the pending disposition's, else the issued one's, else none. */
export const stateOf = (c: Pick<DispositionCase, 'pending' | 'issued'>): DispositionState => c.pending?.status ?? c.issued?.status ?? 'none';

/**
 * Optimistic concurrency on the pending disposition. `required`: an edit of an existing draft must
 * say which version it was made from (428 without it); any stale version is 409.
 */
export function checkVersion(pending: DispositionRow, expected: number | undefined, required: boolean): void {
  if (expected === undefined) {
    if (!required) return;
    throw new AppError(428, 'precondition_required', `A disposition is already drafted (version ${pending.version}). Send If-Match: "${pending.version}" with the version you edited, so nobody's edit is overwritten.`);
  }
  if (expected !== pending.version) {
    throw conflict('version_conflict', `The disposition changed since you loaded it (you have version ${expected}, it is now ${pending.version}). Reload it and apply your change again.`);
  }
}
