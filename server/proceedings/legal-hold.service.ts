import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { AppError, conflict, notFound } from '../http/errors';
import { formatUtc } from '../http/format';
import { findActiveHold, findHold, insertHold, releaseHoldRow, type HoldRow } from './legal-hold.repository';
import { findProceedingByDocket, type ProceedingRow } from './proceedings.repository';
import { MAX_HOLD_REASON } from './legal-hold.schemas';

/**
 * Placing and releasing a legal hold (docs/legal-hold.md). Each runs in one transaction that locks
 * the proceeding row first, so two legal staff acting at once are serialised (one wins, the other
 * gets the 409 that describes what the first did), and a purge deleting the proceeding's rows at
 * that moment either finished before the hold or sees it (the database trigger waits on that lock).
 * The audit event commits with the change.
 */

/** A reason is required: blank (only spaces or line breaks) is refused like a missing one. */
function checkedReason(reason: string, field = 'reason'): string {
  const text = reason.trim();
  if (!text) throw new AppError(400, 'invalid_request', `"${field}" must say why (it is kept in the record).`, [{ field, problem: 'required' }]);
  if (text.length > MAX_HOLD_REASON) {
    throw new AppError(400, 'invalid_request', `"${field}" must be at most ${MAX_HOLD_REASON} characters (it has ${text.length}).`, [{ field, problem: 'maxLength' }]);
  }
  return text;
}

async function lockedProceeding(trx: Transaction<Database>, docket: string): Promise<ProceedingRow> {
  const p = await findProceedingByDocket(trx, docket, { forUpdate: true });
  if (!p) throw notFound('proceeding');
  return p;
}

const describeHold = (h: HoldRow) => `placed by ${h.placed_by_name} on ${formatUtc(h.placed_at)} ("${h.reason.slice(0, 200)}")`;

/** PUT /proceedings/:docket/legal-hold: a second hold while one is active is a 409, never a silent repeat. */
export async function placeHold(db: Db, ctx: AuditContext, userId: string, docket: string, reason: string): Promise<HoldRow> {
  const text = checkedReason(reason);
  return db.transaction().execute(async (trx) => {
    const p = await lockedProceeding(trx, docket);
    const active = await findActiveHold(trx, p.id);
    if (active) {
      throw conflict('legal_hold_active', `${docket} is already under a legal hold, ${describeHold(active)}. It stays in force; release it first to place a new one.`);
    }
    const { id } = await insertHold(trx, { proceedingId: p.id, reason: text, placedBy: userId });
    await recordAudit(trx, ctx, { action: 'proceeding.legal_hold_placed', subjectType: 'proceeding', subjectId: p.id, data: { docket, holdId: id, reason: text } });
    return (await findActiveHold(trx, p.id))!;
  });
}

/** DELETE /proceedings/:docket/legal-hold: ends the active hold, keeping it in the history; none -> 409. */
export async function releaseHold(db: Db, ctx: AuditContext, userId: string, docket: string, reason: string): Promise<HoldRow> {
  const text = checkedReason(reason);
  return db.transaction().execute(async (trx) => {
    const p = await lockedProceeding(trx, docket);
    const active = await findActiveHold(trx, p.id);
    if (!active) throw conflict('no_legal_hold', `${docket} is not under a legal hold: there is nothing to release.`);
    const at = new Date();
    await releaseHoldRow(trx, active.id, { releasedBy: userId, reason: text, at });
    await recordAudit(trx, ctx, {
      action: 'proceeding.legal_hold_released', subjectType: 'proceeding', subjectId: p.id,
      data: { docket, holdId: active.id, reason: text, placedAt: active.placed_at.toISOString() },
    });
    return (await findHold(trx, active.id))!;
  });
}
