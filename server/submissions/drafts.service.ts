import type { Transaction } from 'kysely';
import type { Database, Db, SubmissionKind } from '../db/database';
import type { Actor } from '../access/actor';
import { authorize, inAuthorizedTransaction, type Asker } from '../access/authorize';
import { deniedNow, recordAudit, type AuditContext } from '../audit/audit.service';
import { conflict, notFound, unprocessable } from '../http/errors';
import { assertDraft, assertMove } from './submission.transitions';
import { startProblem, takesSupplements } from './filing.check';
import { findProceedingByDocket } from '../proceedings/proceedings.repository';
import { findSubmission, insertDraft, markWithdrawn, updateDraftRow, type SubmissionRow } from './submissions.repository';
import { openRequests } from './information-requests.repository';

export interface DraftInput { kind?: SubmissionKind; parentId?: string; title: string; summary?: string; argument?: string; fields?: Record<string, unknown> }
export type DraftPatch = Partial<Pick<DraftInput, 'title' | 'summary' | 'argument' | 'fields'>>;

/** A vendor starts a response (or a supplement to one of its filed responses) in a proceeding. */
export async function createDraft(db: Db, ctx: AuditContext, actor: Actor, docket: string, input: DraftInput): Promise<string> {
  const asker = { actor, recordDenial: deniedNow(db, ctx) };
  await authorize(asker, 'submission.prepare', { type: 'proceeding', id: docket.slice(0, 60) }, { docket });
  // The decision above admits only members of a vendor organization.
  const organizationId = actor.organizationId as string;
  const proceeding = await findProceedingByDocket(db, docket);
  if (!proceeding) throw notFound('proceeding');
  const kind = input.kind ?? 'response';
  if (kind === 'response' && input.parentId) throw unprocessable('invalid_parent', 'A response has no parent; file a supplement to add to one.');
  const parent = kind === 'response' ? undefined : await filedParent(db, asker, proceeding.id, kind, input.parentId);
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
async function filedParent(db: Db, asker: Asker, proceedingId: string, kind: SubmissionKind, parentId: string | undefined) {
  const what = kind === 'supplement' ? 'A supplement' : 'A reply to an information request';
  const notOurs = unprocessable('invalid_parent', `${what} must name one of your organization's responses in this proceeding as parentId.`);
  const found = parentId ? await findSubmission(db, parentId) : undefined;
  // Another organization's response gets the same 422 as a missing one (nothing leaks), and is audited.
  const parent = await authorize(asker, 'submission.act', { type: 'submission', id: parentId ?? '' }, found, { answer: notOurs });
  if (parent.proceeding_id !== proceedingId) throw notOurs;
  if (!takesSupplements(parent)) {
    throw unprocessable('invalid_parent', `${what} attaches to a filed, not withdrawn, response.`);
  }
  return parent;
}

/** The submission if the asker may see it; otherwise the denial is audited and 404 thrown. */
export async function visibleSubmission(db: Db, asker: Asker, id: string): Promise<SubmissionRow> {
  return authorize(asker, 'submission.see', { type: 'submission', id }, await findSubmission(db, id));
}

/** The draft's or filing's row, locked for the rest of the transaction, for a member of its organization. */
export const toActOn = (id: string) => ({
  decision: 'submission.act' as const, subject: { type: 'submission', id },
  lock: (trx: Transaction<Database>) => findSubmission(trx, id, { forUpdate: true }),
});

/** Edits a draft; with `expectedVersion` (If-Match) a stale edit is refused with 409. */
export async function updateDraft(db: Db, ctx: AuditContext, actor: Actor, id: string, patch: DraftPatch, expectedVersion?: number): Promise<void> {
  await inAuthorizedTransaction(db, { actor, recordDenial: deniedNow(db, ctx) }, toActOn(id), async (trx, sub) => {
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
  await inAuthorizedTransaction(db, { actor, recordDenial: deniedNow(db, ctx) }, toActOn(id), async (trx, sub) => {
    const to = assertMove(sub.status, 'withdraw');
    await markWithdrawn(trx, id, to, reason);
    await recordAudit(trx, ctx, { action: 'submission.withdrawn', subjectType: 'submission', subjectId: id, data: { reason, before: { status: sub.status }, after: { status: to } } });
  });
}
