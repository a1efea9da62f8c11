import type { Db, DbOrTrx } from '../db/database';
import type { Actor } from '../access/actor';
import { authorize, inAuthorizedTransaction } from '../access/authorize';
import { deniedNow, recordAudit, type AuditContext } from '../audit/audit.service';
import { unprocessable } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { findUserById } from '../accounts/users.repository';
import { describeDeadline } from '../proceedings/deadline';
import { findProceedingById } from '../proceedings/proceedings.repository';
import { findSubmission, type SubmissionRow } from '../submissions/submissions.repository';
import { insertRequest, type RequestRow } from '../submissions/information-requests.repository';
import { requestModels } from '../submissions/information-requests.page-model';
import type { RequestInput } from './information-requests.schemas';

export interface RequestEnv { publicUrl: string; mailDomain: string }

/** The longest a vendor can be given to answer. */
const MAX_DAYS = 365;

/** The question and due date as they will be stored, or 422 naming what to fix. */
export function checkedRequest(input: RequestInput, now: Date): { question: string; dueAt: Date } {
  const dueAt = new Date(input.dueAt);
  const question = input.question.trim();
  if (!question) throw unprocessable('invalid_question', 'Write the question the vendor is asked to answer.');
  if (!(dueAt.getTime() > now.getTime() + 60_000)) throw unprocessable('invalid_due_date', 'The due date must be in the future.');
  if (dueAt.getTime() > now.getTime() + MAX_DAYS * 86_400_000) throw unprocessable('invalid_due_date', `The due date must be within ${MAX_DAYS} days.`);
  return { question, dueAt };
}

function assertAskable(sub: SubmissionRow): void {
  if (sub.kind !== 'response' || (sub.status !== 'submitted' && sub.status !== 'in_review')) {
    throw unprocessable('not_a_filed_response', 'Information requests go to a filed response that is submitted or in review (not a draft, supplement, withdrawn or decided one).');
  }
}

/**
 * What the vendor receives when a request is sent: the entry on its submission page and the
 * e-mail. The preview page and the send both call this, so the sender sees exactly what goes out.
 */
export async function composeRequestRelease(db: DbOrTrx, sub: SubmissionRow, q: { question: string; dueAt: Date }, env: RequestEnv, now: Date) {
  const [filer, proceeding] = await Promise.all([findUserById(db, sub.submitted_by ?? sub.created_by), findProceedingById(db, sub.proceeding_id)]);
  // Foreign keys guarantee both: a gap is a server fault.
  if (!filer || !proceeding) throw new Error('information request: the filer or the proceeding row is missing');
  const asStored = { id: 'preview', submission_id: sub.id, question: q.question, due_at: q.dueAt, created_by: '', created_at: now, answered_by: null, answered_at: null };
  return {
    page: requestModels([asStored], proceeding.time_zone, now)[0]!,
    email: {
      to: filer.email,
      subject: `Information request on ${sub.tracking_number ?? sub.docket}`,
      text: [
        `The agency asks for more information about your response ${sub.tracking_number ?? ''} in ${sub.docket}.`,
        '', 'Question:', q.question, '',
        `Answer by ${describeDeadline(q.dueAt, proceeding.time_zone)}.`,
        `Read it and answer at ${env.publicUrl}/submissions/${sub.id}`,
      ].join('\n'),
    },
  };
}

/** The preview of a request not yet sent: nothing is written but refusals (audited). */
export async function previewInformationRequest(db: Db, ctx: AuditContext, actor: Actor, env: RequestEnv, submissionId: string, input: RequestInput) {
  const sub = await authorize({ actor, recordDenial: deniedNow(db, ctx) }, 'information_request.create', { type: 'submission', id: submissionId },
    await findSubmission(db, submissionId));
  const now = new Date();
  const q = checkedRequest(input, now);
  assertAskable(sub);
  return { sub, ...q, ...(await composeRequestRelease(db, sub, q, env, now)) };
}

/**
 * Staff ask the organization behind a filed response a question (PRODUCT.md: Information request).
 * The request, its audit event and the e-mail to the person who filed the response commit together.
 * While it is open the vendor may answer it and file supplements, even after the window closed.
 */
export async function createInformationRequest(db: Db, ctx: AuditContext, actor: Actor, env: RequestEnv,
  submissionId: string, input: RequestInput): Promise<RequestRow> {
  const now = new Date();
  const q = checkedRequest(input, now);
  return inAuthorizedTransaction(db, { actor, recordDenial: deniedNow(db, ctx) }, {
    decision: 'information_request.create', subject: { type: 'submission', id: submissionId },
    lock: (trx) => findSubmission(trx, submissionId, { forUpdate: true }),
  }, async (trx, sub) => {
    assertAskable(sub);
    const request = await insertRequest(trx, { submissionId, question: q.question, dueAt: q.dueAt, createdBy: actor.userId });
    await recordAudit(trx, ctx, {
      action: 'information_request.created', subjectType: 'submission', subjectId: submissionId,
      data: { requestId: request.id, dueAt: q.dueAt.toISOString(), trackingNumber: sub.tracking_number },
    });
    const release = await composeRequestRelease(trx, sub, q, env, now);
    await enqueueMail(trx, release.email, env.mailDomain);
    return request;
  });
}
