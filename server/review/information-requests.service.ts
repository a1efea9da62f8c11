import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import { inAuthorizedTransaction } from '../access/authorize';
import { deniedNow, recordAudit, type AuditContext } from '../audit/audit.service';
import { unprocessable } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { findUserById } from '../accounts/users.repository';
import { describeDeadline } from '../proceedings/deadline';
import { findProceedingById } from '../proceedings/proceedings.repository';
import { findSubmission } from '../submissions/submissions.repository';
import { insertRequest, type RequestRow } from '../submissions/information-requests.repository';
import type { RequestInput } from './information-requests.schemas';

export interface RequestEnv { publicUrl: string; mailDomain: string }

/** The longest a vendor can be given to answer. */
const MAX_DAYS = 365;

/**
 * Staff ask the organization behind a filed response a question (PRODUCT.md: Information request).
 * The request, its audit event and the e-mail to the person who filed the response commit together.
 * While it is open the vendor may answer it and file supplements, even after the window closed.
 */
export async function createInformationRequest(db: Db, ctx: AuditContext, actor: Actor, env: RequestEnv,
  submissionId: string, input: RequestInput): Promise<RequestRow> {
  const now = new Date();
  const dueAt = new Date(input.dueAt);
  const question = input.question.trim();
  if (!question) throw unprocessable('invalid_question', 'Write the question the vendor is asked to answer.');
  if (!(dueAt.getTime() > now.getTime() + 60_000)) throw unprocessable('invalid_due_date', 'The due date must be in the future.');
  if (dueAt.getTime() > now.getTime() + MAX_DAYS * 86_400_000) throw unprocessable('invalid_due_date', `The due date must be within ${MAX_DAYS} days.`);
  return inAuthorizedTransaction(db, { actor, recordDenial: deniedNow(db, ctx) }, {
    decision: 'information_request.create', subject: { type: 'submission', id: submissionId },
    lock: (trx) => findSubmission(trx, submissionId, { forUpdate: true }),
  }, async (trx, sub) => {
    if (sub.kind !== 'response' || (sub.status !== 'submitted' && sub.status !== 'in_review')) {
      throw unprocessable('not_a_filed_response', 'Information requests go to a filed response that is submitted or in review (not a draft, supplement, withdrawn or decided one).');
    }
    const request = await insertRequest(trx, { submissionId, question, dueAt, createdBy: actor.userId });
    await recordAudit(trx, ctx, {
      action: 'information_request.created', subjectType: 'submission', subjectId: submissionId,
      data: { requestId: request.id, dueAt: dueAt.toISOString(), trackingNumber: sub.tracking_number },
    });
    const [filer, proceeding] = await Promise.all([findUserById(trx, sub.submitted_by ?? sub.created_by), findProceedingById(trx, sub.proceeding_id)]);
    // Foreign keys guarantee both: a gap is a server fault.
    if (!filer || !proceeding) throw new Error('information request: the filer or the proceeding row is missing');
    await enqueueMail(trx, {
      to: filer.email,
      subject: `Information request on ${sub.tracking_number ?? sub.docket}`,
      text: [
        `The agency asks for more information about your response ${sub.tracking_number ?? ''} in ${sub.docket}.`,
        '', 'Question:', question, '',
        `Answer by ${describeDeadline(dueAt, proceeding.time_zone)}.`,
        `Read it and answer at ${env.publicUrl}/submissions/${submissionId}`,
      ].join('\n'),
    }, env.mailDomain);
    return request;
  });
}
