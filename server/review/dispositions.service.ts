import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import { inAuthorizedTransaction } from '../access/authorize';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { conflict, unprocessable } from '../http/errors';
import { insertDisposition, updateDispositionWords, type DispositionRow } from './dispositions.repository';
import { askerOf, checkVersion, lockCase, stateOf } from './dispositions.lock';
import { assertDispositionMove } from './dispositions.transitions';
import type { DispositionInput, SupersedeInput } from './dispositions.schemas';

/** Dispositions are drafted on a filed response that is submitted or in review. */
const DRAFTABLE = ['submitted', 'in_review'];

const audit = (d: DispositionRow, extra: Record<string, unknown> = {}) => ({
  subjectType: 'submission', subjectId: d.submission_id,
  data: { dispositionId: d.id, version: d.version, outcome: d.outcome, status: d.status, ...extra },
});

/**
 * PUT .../disposition: creates the draft (version 1) or edits the pending one. Editing needs
 * `expectedVersion` (If-Match); an approved disposition edited goes back to draft, its approval
 * cleared, and the editor joins `editors` (so they cannot approve it).
 */
export async function saveDisposition(db: Db, ctx: AuditContext, actor: Actor, submissionId: string, input: DispositionInput,
  expectedVersion: number | undefined): Promise<DispositionRow> {
  const rationale = input.rationale.trim();
  if (!rationale) throw unprocessable('invalid_rationale', 'Write the rationale: the reasons the vendor will read.');
  return inAuthorizedTransaction(db, askerOf(db, ctx, actor), {
    decision: 'disposition.draft', subject: { type: 'submission', id: submissionId }, lock: (trx) => lockCase(trx, submissionId),
  }, async (trx, c) => {
    if (c.pending) {
      checkVersion(c.pending, expectedVersion, true);
      assertDispositionMove(c.pending.status, 'edit');
      const row = await updateDispositionWords(trx, c.pending.id, { outcome: input.outcome, rationale, editor: actor.userId });
      await recordAudit(trx, ctx, { action: 'disposition.updated', ...audit(row, { before: { outcome: c.pending.outcome, status: c.pending.status, version: c.pending.version } }) });
      return row;
    }
    if (c.issued) throw conflict('disposition_issued', 'This submission\'s disposition is issued and never changes. To correct it, supersede it with a new disposition and a reason.');
    if (c.sub.kind !== 'response' || !DRAFTABLE.includes(c.sub.status)) {
      throw unprocessable('not_reviewable', `This submission is ${c.sub.status}${c.sub.kind === 'response' ? '' : ` (a ${c.sub.kind})`}; a disposition is drafted on a filed response that is submitted or in review.`);
    }
    const row = await insertDisposition(trx, { submissionId, outcome: input.outcome, rationale, by: actor.userId });
    await recordAudit(trx, ctx, { action: 'disposition.drafted', ...audit(row) });
    return row;
  });
}

/**
 * POST .../disposition/supersede: on a decided submission, a new draft that corrects the issued
 * disposition. It is approved and issued like any other; issuing it supersedes the old one.
 */
export async function draftCorrection(db: Db, ctx: AuditContext, actor: Actor, submissionId: string, input: SupersedeInput): Promise<DispositionRow> {
  const rationale = input.rationale.trim();
  const reason = input.reason.trim();
  if (!rationale) throw unprocessable('invalid_rationale', 'Write the rationale: the reasons the vendor will read.');
  if (!reason) throw unprocessable('invalid_reason', 'Say why the issued disposition is being corrected.');
  return inAuthorizedTransaction(db, askerOf(db, ctx, actor), {
    decision: 'disposition.draft', subject: { type: 'submission', id: submissionId }, lock: (trx) => lockCase(trx, submissionId),
  }, async (trx, c) => {
    if (c.pending) throw conflict('correction_pending', `A ${c.pending.status} disposition is already in preparation (version ${c.pending.version}); edit it instead.`);
    assertDispositionMove(stateOf(c), 'supersede');
    if (c.sub.status !== 'decided') throw unprocessable('invalid_transition', `This submission is ${c.sub.status}; only a decided submission's disposition is superseded.`, [{ state: c.sub.status, allowed: [] }]);
    const row = await insertDisposition(trx, { submissionId, outcome: input.outcome, rationale, by: actor.userId, supersedesId: c.issued!.id, supersedeReason: reason });
    await recordAudit(trx, ctx, { action: 'disposition.drafted', ...audit(row, { supersedesId: c.issued!.id, reason }) });
    return row;
  });
}
