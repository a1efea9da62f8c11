import type { Db } from '../db/database';
import { GENESIS_HASH, chainHash, type ChainedEvent } from './audit.chain';

export interface VerifyResult {
  ok: boolean;
  count: number;
  headHash: string;
  firstBadSeq?: number;
  reason?: string;
}

const BATCH = 2_000;

/**
 * Walks the whole chain in sequence order and recomputes every hash. Stops at the first row whose
 * sequence, prev_hash or hash does not match what the rows before it imply, and names it.
 */
export async function verifyAuditChain(db: Db): Promise<VerifyResult> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_events').selectAll()
      .where('seq', '>=', String(expectedSeq)).orderBy('seq').limit(BATCH).execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      const fail = (reason: string): VerifyResult => ({ ok: false, count, headHash: prevHash, firstBadSeq: seq, reason });
      if (seq !== expectedSeq) return { ...fail(`sequence gap: expected ${expectedSeq}, found ${seq}`), firstBadSeq: expectedSeq };
      if (row.prev_hash !== prevHash) return fail('prev_hash does not match the previous row\'s hash');
      const event: ChainedEvent = {
        seq,
        occurredAt: row.occurred_at.toISOString(),
        actorId: row.actor_id,
        actorRole: row.actor_role,
        action: row.action,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        requestId: row.request_id,
        ip: row.ip,
        userAgent: row.user_agent,
        data: row.data,
      };
      if (chainHash(prevHash, event) !== row.hash) return fail('hash does not match the row\'s content');
      prevHash = row.hash;
      expectedSeq += 1;
      count += 1;
    }
    if (rows.length < BATCH) break;
  }
  return { ok: true, count, headHash: prevHash };
}
