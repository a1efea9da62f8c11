import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import type { Actor } from '../access/actor';
import { inAuthorizedTransaction } from '../access/authorize';
import { deniedNow, recordAudit, type AuditContext } from '../audit/audit.service';
import { canonicalJson } from '../audit/audit.chain';
import { AppError, unprocessable } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { contentDigest, receiptDocuments, signReceipt, type Receipt } from '../receipts/receipt';
import type { ReceiptKey } from '../receipts/signing';
import { assertMove } from './submission.transitions';
import { CERTIFICATION_STATEMENT, CERTIFICATION_VERSION } from './certification';
import { listDocuments } from '../documents/documents.repository';
import { findOrganization } from '../accounts/organizations.repository';
import { findUserById } from '../accounts/users.repository';
import { findProceedingById } from '../proceedings/proceedings.repository';
import { findSubmission, formatTrackingNumber, markFiled, nextTrackingValue, type SubmissionRow } from './submissions.repository';
import { filingProblems } from './filing.check';
import { markAnswered, openRequests } from './information-requests.repository';
import { findIdempotentResult, saveIdempotentResult } from './idempotency.repository';
import { toActOn } from './drafts.service';

export interface SubmitInput { certification: { accepted: boolean; signature: string } }
export interface SubmitResult { trackingNumber: string; submittedAt: string; late: boolean; receipt: Receipt }
export interface SubmitEnv { receiptKey: ReceiptKey; publicUrl: string; mailDomain: string }

/**
 * Files a draft: checks completeness and the window, numbers it, freezes it, signs the receipt,
 * audits it and queues the receipt e-mail, all in one transaction. Idempotent: the same request
 * (by Idempotency-Key, or a repeat of the identical body) returns the first result.
 */
export async function submitSubmission(db: Db, ctx: AuditContext, actor: Actor, env: SubmitEnv,
  submissionId: string, input: SubmitInput, idempotencyKey?: string): Promise<SubmitResult> {
  const requestHash = createHash('sha256').update(canonicalJson({ submissionId, input })).digest('hex');
  const key = idempotencyKey ?? `auto:submit:${submissionId}`;
  // Lock first: concurrent duplicates queue here, then find the first one's stored result.
  return inAuthorizedTransaction(db, { actor, recordDenial: deniedNow(db, ctx) }, toActOn(submissionId), async (trx, sub) => {
    const previous = await findIdempotentResult(trx, actor.userId, key, `submit:${submissionId}`);
    if (previous?.requestHash === requestHash) return previous.response as unknown as SubmitResult;
    // A key the client sent, reused for another request, is the client's mistake to fix. Without a
    // key, a different second request is simply a second submit of a filed submission (409 below).
    if (previous && idempotencyKey !== undefined) {
      throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.');
    }
    if (sub.status !== 'draft') {
      throw new AppError(409, 'already_submitted', sub.tracking_number
        ? `This submission was already filed as ${sub.tracking_number}; filing it again changes nothing. Its receipt stays as issued; to add material, file a supplement.`
        : `This submission is ${sub.status} and cannot be filed.`);
    }
    const result = await file(trx, ctx, actor, env, sub, input);
    await saveIdempotentResult(trx, { userId: actor.userId, key, scope: `submit:${submissionId}`, requestHash, response: result });
    return result;
  });
}

async function file(trx: Transaction<Database>, ctx: AuditContext, actor: Actor, env: SubmitEnv, sub: SubmissionRow, input: SubmitInput): Promise<SubmitResult> {
  const to = assertMove(sub.status, 'submit');
  const [proceeding, user, org, docs] = await Promise.all([
    findProceedingById(trx, sub.proceeding_id), findUserById(trx, actor.userId), findOrganization(trx, sub.organization_id), listDocuments(trx, sub.id),
  ]);
  // Foreign keys (and the signed-in actor) guarantee all three: a gap is a server fault.
  if (!proceeding || !user || !org) throw new Error('filing: the proceeding, the filer or the organization row is missing');
  const now = new Date();
  // Locked: two replies filed at once cannot both answer the same request.
  const open = sub.parent_id ? await openRequests(trx, sub.parent_id, now, { forUpdate: true }) : [];
  // The same rules the review page lists (filing.check.ts); filing refuses with the first.
  const { problems, late } = filingProblems(sub, docs, proceeding, user, now, open[0]);
  if (problems[0]) throw problems[0];
  if (!input.certification.accepted || !input.certification.signature.trim()) {
    throw unprocessable('certification_required', 'Accept the certification and sign it by typing your full name.');
  }

  const trackingNumber = formatTrackingNumber(sub.docket, await nextTrackingValue(trx, sub.proceeding_id));
  const parent = sub.parent_id ? await findSubmission(trx, sub.parent_id) : undefined;
  const certification = { accepted: true, signature: input.certification.signature.trim(), statement: CERTIFICATION_STATEMENT, statementVersion: CERTIFICATION_VERSION, signedAt: now.toISOString() };
  const standing = { basis: org.standing_basis, statement: org.standing_statement };
  const digest = contentDigest(sub, docs, certification);
  const head = await recordAudit(trx, ctx, {
    action: 'submission.submitted', subjectType: 'submission', subjectId: sub.id,
    data: { trackingNumber, contentDigest: digest, late, documents: docs.map((d) => ({ id: d.id, sha256: d.sha256, size: Number(d.size) })), before: { status: sub.status }, after: { status: to } },
  });
  const receipt = signReceipt(env.receiptKey, {
    receiptVersion: 1, trackingNumber, docket: sub.docket, submissionId: sub.id, kind: sub.kind,
    parentTrackingNumber: parent?.tracking_number ?? null, submittedAt: now.toISOString(), late,
    submitter: { id: user.id, name: user.name, email: user.email },
    organization: { id: org.id, legalName: org.legal_name, country: org.country },
    documents: receiptDocuments(docs), contentDigest: digest, auditHead: head,
  });
  await markFiled(trx, sub.id, {
    status: to, trackingNumber, submittedAt: now, submittedBy: user.id, late, certification, standing,
    contentDigest: digest, receipt, version: sub.version + 1,
  });
  if (sub.kind === 'reply_to_request') await answerRequests(trx, ctx, sub, open.map((r) => r.id), now);
  await enqueueMail(trx, receiptMail(user.email, receipt, env.publicUrl), env.mailDomain);
  return { trackingNumber, submittedAt: now.toISOString(), late, receipt };
}

/** A filed reply answers every request open on its response at that moment. */
async function answerRequests(trx: Transaction<Database>, ctx: AuditContext, reply: SubmissionRow, ids: string[], now: Date): Promise<void> {
  await markAnswered(trx, ids, reply.id, now);
  for (const requestId of ids) {
    await recordAudit(trx, ctx, { action: 'information_request.answered', subjectType: 'submission', subjectId: reply.parent_id!, data: { requestId, replyId: reply.id } });
  }
}

function receiptMail(to: string, receipt: Receipt, publicUrl: string) {
  const p = receipt.payload;
  const lines = [
    `Your submission was received and filed as ${p.trackingNumber}${p.late ? ' (after the deadline; marked late)' : ''}.`,
    '', `Docket: ${p.docket}`, `Received (UTC): ${p.submittedAt}`, `Organization: ${p.organization.legalName}`,
    `Content digest (SHA-256): ${p.contentDigest}`, '', 'Documents:',
    ...p.documents.map((d) => `  ${d.label}: ${d.originalName} (${d.size} bytes) SHA-256 ${d.sha256}`),
    '', `Your signed receipt: ${publicUrl}/submissions/${p.submissionId}/receipt`,
    'Keep it: anyone can check it at the portal\'s receipt verification page.',
  ];
  return { to, subject: `Receipt ${p.trackingNumber}`, text: lines.join('\n') };
}
