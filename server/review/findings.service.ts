import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import { authorize, inAuthorizedTransaction, type Asker } from '../access/authorize';
import { deniedNow, recordAudit, type AuditContext } from '../audit/audit.service';
import type { FindingArgument } from '../db/review-tables';
import { unprocessable } from '../http/errors';
import { findSubmission, type SubmissionRow } from '../submissions/submissions.repository';
import { insertFindings, listFindings, nextFindingsVersion, type FindingsRow } from './findings.repository';
import type { FindingsInput } from './findings.schemas';
import { suggestArguments, type SuggestedArgument } from './findings.suggest';

/** Findings are made on a filed response while it is under review; after the decision they stand. */
function assertReviewable(sub: SubmissionRow): void {
  if (sub.kind !== 'response' || (sub.status !== 'submitted' && sub.status !== 'in_review')) {
    throw unprocessable('not_reviewable', 'Findings are saved on a filed response that is submitted or in review (not a supplement, reply, withdrawn or decided response).');
  }
}

/** Numbers unique and ascending, and no summary or reasoning that is only whitespace. */
export function checkArguments(args: FindingArgument[]): FindingArgument[] {
  args.forEach((a, i) => {
    if (i > 0 && a.number <= args[i - 1]!.number) {
      throw unprocessable('arguments_not_ascending', `Argument numbers must be unique and ascending: ${a.number} follows ${args[i - 1]!.number}.`, [{ field: `arguments.${i}.number`, problem: 'order' }]);
    }
    for (const field of ['summary', 'reasoning'] as const) {
      if (!a[field].trim()) throw unprocessable(`blank_${field}`, `Argument ${a.number} needs a ${field}.`, [{ field: `arguments.${i}.${field}`, problem: 'blank' }]);
    }
  });
  return args.map((a) => ({ number: a.number, summary: a.summary.trim(), ruling: a.ruling, reasoning: a.reasoning.replace(/\r\n?/g, '\n').trim() }));
}

/**
 * Saves a new version of a response's findings. The submission row is locked first, so two saves
 * at once queue: the second reads the first's version and gets the next number (the unique
 * (submission_id, version) constraint backs this up). The audit event commits with the row.
 */
export async function saveFindings(db: Db, ctx: AuditContext, actor: Actor, submissionId: string, input: FindingsInput) {
  const args = checkArguments(input.arguments);
  return inAuthorizedTransaction(db, { actor, recordDenial: deniedNow(db, ctx) }, {
    decision: 'findings.save', subject: { type: 'submission', id: submissionId },
    lock: (trx) => findSubmission(trx, submissionId, { forUpdate: true }),
  }, async (trx, sub) => {
    assertReviewable(sub);
    const version = await nextFindingsVersion(trx, submissionId);
    const row = await insertFindings(trx, { submissionId, version, args, createdBy: actor.userId });
    await recordAudit(trx, ctx, {
      action: 'findings.saved', subjectType: 'submission', subjectId: submissionId,
      data: { findingsId: row.id, version, arguments: args.length, rulings: args.map((a) => a.ruling) },
    });
    return { version, createdAt: row.created_at };
  });
}

/** A submission's findings: every version (oldest first) and the latest, for an asker allowed to read them. */
export async function findingsOf(db: Db, asker: Asker, submissionId: string): Promise<{ sub: SubmissionRow; versions: FindingsRow[] }> {
  const sub = await authorize(asker, 'findings.read', { type: 'submission', id: submissionId }, await findSubmission(db, submissionId));
  return { sub, versions: await listFindings(db, submissionId) };
}

/** The vendor's own numbering of the argument, as a starting point for findings. */
export async function suggestionFor(db: Db, asker: Asker, submissionId: string): Promise<SuggestedArgument[]> {
  const sub = await authorize(asker, 'findings.read', { type: 'submission', id: submissionId }, await findSubmission(db, submissionId));
  return suggestArguments(sub.argument);
}

/** The findings as the API returns them: the latest version's arguments, its version, and the history. */
export function findingsJson(submissionId: string, versions: FindingsRow[]) {
  const latest = versions[versions.length - 1];
  return {
    submissionId,
    version: latest?.version ?? 0,
    arguments: latest?.arguments ?? [],
    savedBy: latest ? { id: latest.created_by, name: latest.created_by_name } : null,
    savedAt: latest?.created_at.toISOString() ?? null,
    history: versions.map((v) => ({
      version: v.version, savedBy: { id: v.created_by, name: v.created_by_name }, savedAt: v.created_at.toISOString(), arguments: v.arguments,
    })),
  };
}
