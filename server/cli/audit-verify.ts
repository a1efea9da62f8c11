import type { Deps } from '../deps';
import { verifyAuditChain } from '../audit/audit.verify';
import { SYSTEM_CONTEXT, recordAuditNow } from '../audit/audit.service';

/** `portal audit verify`: prints the result; exit 0 when intact, 1 naming the first bad row. */
export async function auditVerify(deps: Deps): Promise<number> {
  const result = await verifyAuditChain(deps.db);
  if (result.ok) {
    process.stdout.write(`Audit trail intact: ${result.count} events, head ${result.headHash}\n`);
  } else {
    process.stdout.write(`Audit trail BROKEN at event ${result.firstBadSeq}: ${result.reason}\n`
      + `${result.count} events before it verified; last good hash ${result.headHash}\n`);
  }
  await recordAuditNow(deps.db, SYSTEM_CONTEXT, { action: 'audit.verified', data: { ok: result.ok, count: result.count, firstBadSeq: result.firstBadSeq ?? null, via: 'cli' } });
  return result.ok ? 0 : 1;
}
