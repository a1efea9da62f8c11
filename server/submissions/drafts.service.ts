import type { Db, SubmissionKind } from '../db/database';
import type { Actor } from '../access/actor';
import { canActForOrganization, canSeeSubmission } from '../access/submission.policy';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../http/errors';
import { assertDraft, assertMove } from './submission.transitions';
import { startProblem, takesSupplements } from './filing.check';
import { findProceedingByDocket } from '../proceedings/proceedings.repository';
import { findSubmission, insertDraft, markWithdrawn, updateDraftRow, type SubmissionRow } from './submissions.repository';
import { openRequests } from './information-requests.repository';

export interface DraftInput { kind?: SubmissionKind; parentId?: string; title: string; summary?: string; argument?: string; fields?: Record<string, unknown> }
export type DraftPatch = Partial<Pick<DraftInput, 'title' | 'summary' | 'argument' | 'fields'>>;

/** A vendor starts a response (or a supplement to one of its filed responses) in a proceeding. */
export async function createDraft(db: Db, ctx: AuditContext, actor: Actor, docket: string, input: DraftInput): Promise<string> {
  if (actor.role !== 'vendor' || !actor.organizationId) throw forbidden('Only members of a vendor organization prepare responses.');
  const organizationId = actor.organizationId;
  const proceeding = await findProceedingByDocket(db, docket);
  if (!proceeding) throw notFound('proceeding');
  const kind = input.kind ?? 'response';
  if (kind === 'response' && input.parentId) throw unprocessable('invalid_parent', 'A response has no parent; file a supplement to add to one.');
  const parent = kind === 'response' ? undefined : await filedParent(db, organizationId, proceeding.id, kind, input.parentId);
  const now = new Date();
  const open = parent ? (await openRequests(db, parent.id, now))[0] : undefined;
  const problem = startProblem({ kind }, proceeding, now, open);
  if (problem) throw problem;
  return db.transaction().execute(async (trx) => {
    const id = await insertDraft(trx, {
      proceedingId: proceeding.id, organizationId, createdBy: actor.userId, kind, parentId: input.parentId ?? null,
      title: input.title, summary: input.summary ?? '', argument: input.argument ?? '', fields: input.fields ?? {},
    });
    await recordAudit(trx, ctx, { action: 'submission.draft_created', subjectType: 'submission', subjectId: id, data: { docket, kind, parentId: input.parentId ?? null } });
    return id;
  });
}

/** The filed response a supplement or reply attaches to: the organization's own, in this proceeding. */
async function filedParent(db: Db, organizationId: string, proceedingId: string, kind: SubmissionKind, parentId: string | undefined) {
  const what = kind === 'supplement' ? 'A supplement' : 'A reply to an information request';
  const parent = parentId ? await findSubmission(db, parentId) : undefined;
  if (!parent || parent.organization_id !== organizationId || parent.proceeding_id !== proceedingId) {
    throw unprocessable('invalid_parent', `${what} must name one of your organization's responses in this proceeding as parentId.`);
  }
  if (!takesSupplements(parent)) {
    throw unprocessable('invalid_parent', `${what} attaches to a filed, not withdrawn, response.`);
  }
  return parent;
}

/** The submission if the actor may see it; otherwise the denial is audited and 404 thrown. */
export async function visibleSubmission(db: Db, actor: Actor, id: string, deny: (subject: { type: string; id: string }) => Promise<AppError>): Promise<SubmissionRow> {
  const sub = await findSubmission(db, id);
  if (!sub) throw notFound('submission');
  if (!canSeeSubmission(actor, sub)) throw await deny({ type: 'submission', id });
  return sub;
}

/** Edits a draft; with `expectedVersion` (If-Match) a stale edit is refused with 409. */
export async function updateDraft(db: Db, ctx: AuditContext, actor: Actor, id: string, patch: DraftPatch, expectedVersion?: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const sub = await findSubmission(trx, id, { forUpdate: true });
    if (!sub || !canActForOrganization(actor, sub)) throw notFound('submission');
    assertDraft(sub.status);
    if (expectedVersion !== undefined && expectedVersion !== sub.version) {
      throw conflict('version_conflict', `This draft changed since you loaded it (you have version ${expectedVersion}, it is now ${sub.version}). Reload it and apply your edit again.`);
    }
    const before = Object.fromEntries(Object.keys(patch).map((k) => [k, sub[k as keyof DraftPatch]]));
    await updateDraftRow(trx, id, patch);
    await recordAudit(trx, ctx, { action: 'submission.draft_updated', subjectType: 'submission', subjectId: id, data: { before, after: patch } });
  });
}

/** Withdraws a filed submission with a reason; nothing is deleted. */
export async function withdrawSubmission(db: Db, ctx: AuditContext, actor: Actor, id: string, reason: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const sub = await findSubmission(trx, id, { forUpdate: true });
    if (!sub || !canActForOrganization(actor, sub)) throw notFound('submission');
    const to = assertMove(sub.status, 'withdraw');
    await markWithdrawn(trx, id, to, reason);
    await recordAudit(trx, ctx, { action: 'submission.withdrawn', subjectType: 'submission', subjectId: id, data: { reason, before: { status: sub.status }, after: { status: to } } });
  });
}
