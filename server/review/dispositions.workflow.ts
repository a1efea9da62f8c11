import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import { authorize, inAuthorizedTransaction } from '../access/authorize';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { unprocessable } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { assertMove, canMove } from '../submissions/submission.transitions';
import { listDispositions, moveDisposition, setSubmissionStatus, type DispositionRow } from './dispositions.repository';
import { askerOf, checkVersion, lockCase, stateOf, type DispositionCase } from './dispositions.lock';
import { assertDispositionMove } from './dispositions.transitions';
import { composeRelease, type ReleaseEnv } from './dispositions.release';

const subject = (id: string) => ({ type: 'submission', id });

/** The pending disposition a move acts on; without one, 422 naming what may happen instead. */
function pendingFor(c: DispositionCase, move: 'approve' | 'issue'): DispositionRow {
  assertDispositionMove(stateOf(c), move);
  return c.pending!;
}

/** Approves the pending draft: a supervisor who neither drafted nor edited it (decision `disposition.approve`). */
export async function approveDisposition(db: Db, ctx: AuditContext, actor: Actor, submissionId: string, expectedVersion?: number): Promise<DispositionRow> {
  return inAuthorizedTransaction(db, askerOf(db, ctx, actor), {
    decision: 'disposition.approve', subject: subject(submissionId), lock: (trx) => lockCase(trx, submissionId),
  }, async (trx, c) => {
    const pending = pendingFor(c, 'approve');
    checkVersion(pending, expectedVersion, false);
    const row = await moveDisposition(trx, pending.id, 'approved', { approved_by: actor.userId }, new Date());
    await recordAudit(trx, ctx, { action: 'disposition.approved', subjectType: 'submission', subjectId: submissionId, data: { dispositionId: row.id, version: row.version, outcome: row.outcome } });
    return row;
  });
}

/** A first disposition decides the submission, which must be in review (422 naming its state otherwise). */
function submissionMove(c: DispositionCase): 'decided' | null {
  if (c.issued) return null; // a correction: the submission is decided already
  if (!canMove(c.sub.status, 'decide')) {
    throw unprocessable('invalid_transition', `This submission is ${c.sub.status}; a disposition is issued only on a submission in review (it moves to in review when it is assigned).`,
      [{ state: c.sub.status, allowed: c.sub.status === 'submitted' ? ['startReview'] : [] }]);
  }
  return assertMove(c.sub.status, 'decide') as 'decided';
}

/**
 * Issues the approved disposition: the vendor can read it from now on. In one transaction: the
 * submission moves in_review -> decided (or, for a correction, the old disposition becomes
 * superseded), the disposition is issued, the audit events and the vendor's e-mail are written.
 */
export async function issueDisposition(db: Db, ctx: AuditContext, actor: Actor, env: ReleaseEnv, submissionId: string, expectedVersion?: number): Promise<DispositionRow> {
  return inAuthorizedTransaction(db, askerOf(db, ctx, actor), {
    decision: 'disposition.issue', subject: subject(submissionId), lock: (trx) => lockCase(trx, submissionId),
  }, async (trx, c) => {
    const pending = pendingFor(c, 'issue');
    checkVersion(pending, expectedVersion, false);
    const to = submissionMove(c);
    const now = new Date();
    if (c.issued) {
      assertDispositionMove(c.issued.status, 'supersede');
      // First: one issued disposition per submission at a time (unique index).
      await moveDisposition(trx, c.issued.id, 'superseded', {}, now);
      await recordAudit(trx, ctx, { action: 'disposition.superseded', subjectType: 'submission', subjectId: submissionId, data: { dispositionId: c.issued.id, supersededBy: pending.id, reason: pending.supersede_reason } });
    }
    if (to) await setSubmissionStatus(trx, submissionId, to);
    const row = await moveDisposition(trx, pending.id, 'issued', { issued_by: actor.userId }, now);
    const release = await composeRelease(trx, c.sub, row, env, now);
    await enqueueMail(trx, release.email, env.mailDomain);
    await recordAudit(trx, ctx, { action: 'disposition.issued', subjectType: 'submission', subjectId: submissionId,
      data: { dispositionId: row.id, version: row.version, outcome: row.outcome, supersedesId: row.supersedes_id, ...(to ? { before: { status: c.sub.status }, after: { status: to } } : {}) } });
    return row;
  });
}

/** Staff reading: the pending and the issued dispositions and the whole history (decision `disposition.draft`). */
export async function readDispositions(db: Db, ctx: AuditContext, actor: Actor, submissionId: string) {
  const c = await lockCase(db, submissionId, false);
  const seen = await authorize(askerOf(db, ctx, actor), 'disposition.draft', subject(submissionId), c);
  return { ...seen, history: await listDispositions(db, submissionId) };
}

/** The preview of the pending disposition: exactly the page words and the e-mail `issueDisposition` releases. */
export async function previewDisposition(db: Db, ctx: AuditContext, actor: Actor, env: ReleaseEnv, submissionId: string) {
  const c = await readDispositions(db, ctx, actor, submissionId);
  if (!c.pending) throw unprocessable('nothing_to_preview', 'No disposition is in preparation. Draft one first (PUT .../disposition).');
  return { disposition: c.pending, ...(await composeRelease(db, c.sub, c.pending, env, new Date())) };
}
