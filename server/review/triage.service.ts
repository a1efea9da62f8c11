import type { Transaction } from 'kysely';
import { inAuthorizedTransaction, type Asker } from '../access/authorize';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import type { Database, Db } from '../db/database';
import { unprocessable } from '../http/errors';
import { findSubmission } from '../submissions/submissions.repository';
import { assertOpenForReview, assertTriager } from './assignments.rules';
import { findTriage, setTriage } from './triage.repository';
import { MAX_TAGS, PRIORITIES, type TriageInput } from './triage.schemas';

const TAG = /^[a-z0-9_-]{1,40}$/;

/** Tags as stored: lowercased, trimmed, deduplicated in first-seen order; each 1-40 of a-z 0-9 - _, at most 10. */
export function normalizeTags(raw: readonly string[]): string[] {
  const tags = [...new Set(raw.map((t) => t.trim().toLowerCase()))];
  const bad = tags.find((t) => !TAG.test(t));
  if (bad !== undefined) {
    throw unprocessable('invalid_tag', `Tag "${bad.slice(0, 60)}" is not allowed: use 1-40 letters, digits, "-" or "_".`, [{ field: 'tags', value: bad.slice(0, 60) }]);
  }
  if (tags.length > MAX_TAGS) throw unprocessable('too_many_tags', `A submission carries at most ${MAX_TAGS} tags (${tags.length} given).`, [{ field: 'tags' }]);
  return tags;
}

/** A supervisor sets a submission's priority and/or tags; audited `submission.triaged` with before and after. */
export async function triageSubmission(db: Db, ctx: AuditContext, asker: Asker, id: string, input: TriageInput) {
  assertTriager(asker.actor);
  return inAuthorizedTransaction(db, asker, {
    decision: 'submission.see', subject: { type: 'submission', id },
    lock: (trx: Transaction<Database>) => findSubmission(trx, id, { forUpdate: true }),
  }, async (trx, sub) => {
    assertOpenForReview(sub.status);
    if (input.priority !== undefined && !PRIORITIES.includes(input.priority)) {
      throw unprocessable('invalid_priority', `Choose a priority: ${PRIORITIES.join(', ')}.`, [{ field: 'priority' }]);
    }
    const change = { ...(input.priority !== undefined ? { priority: input.priority } : {}), ...(input.tags !== undefined ? { tags: normalizeTags(input.tags) } : {}) };
    const before = await findTriage(trx, id);
    await setTriage(trx, id, change);
    const after = { ...before, ...change };
    await recordAudit(trx, ctx, { action: 'submission.triaged', subjectType: 'submission', subjectId: id, data: { before, after } });
    return after;
  });
}
