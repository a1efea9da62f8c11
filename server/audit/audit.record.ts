import type { Db } from '../db/database';
import { recordAuditNow, type AuditContext } from './audit.service';
import { verifyAuditChain, type VerifyResult } from './audit.verify';
import type { EventFilter } from './audit.repository';

/**
 * Reading the trail leaves a trace (PRODUCT.md: legal staff read everything, audited). Each writer
 * appends one event in a transaction of its own, after the read, so what was read never includes
 * the event about reading it. Bulk API pages of GET /audit are not recorded (docs/audit.md "Who
 * read the trail"): a walker exporting the chain would otherwise chase a head that moves with it.
 */

/** Where a verification run was asked for. */
export type VerifyVia = 'api' | 'page' | 'cli';

/** Runs the whole-chain verification and records that it ran, and what it found. */
export async function runVerification(db: Db, ctx: AuditContext, via: VerifyVia): Promise<VerifyResult> {
  const result = await verifyAuditChain(db);
  await recordAuditNow(db, ctx, {
    action: 'audit.verified', subjectType: 'audit_trail', subjectId: null,
    data: { ok: result.ok, count: result.count, headHash: result.headHash, firstBadSeq: result.firstBadSeq ?? null, via },
  });
  return result;
}

/** The filters as the trail records them (dates as ISO text, absent ones left out). */
export function filterFacts(f: EventFilter): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.subjectId) out['subjectId'] = f.subjectId;
  if (f.actorId) out['actorId'] = f.actorId;
  if (f.action) out['action'] = f.action;
  if (f.from) out['from'] = f.from.toISOString();
  if (f.before) out['before'] = f.before.toISOString();
  return out;
}

/** One page of the audit browser was shown: which filters, from where, how many events. */
export const recordBrowsed = (db: Db, ctx: AuditContext, f: EventFilter, after: number, shown: number) =>
  recordAuditNow(db, ctx, { action: 'audit.browsed', subjectType: 'audit_trail', subjectId: null, data: { filters: filterFacts(f), after, shown } });

/** One event was opened in the audit browser's detail view. */
export const recordEventViewed = (db: Db, ctx: AuditContext, seq: number) =>
  recordAuditNow(db, ctx, { action: 'audit.event_viewed', subjectType: 'audit_event', subjectId: String(seq) });
