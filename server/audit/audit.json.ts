import type { AuditEventRow } from './audit.repository';

/**
 * One event as GET /audit returns it: exactly the member names the hash covers, plus `prevHash`
 * and `hash`, so an exported page verifies without knowing the database (docs/audit.md).
 */
export const eventJson = (r: AuditEventRow) => ({
  seq: Number(r.seq), occurredAt: r.occurred_at.toISOString(), actorId: r.actor_id, actorRole: r.actor_role,
  action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, requestId: r.request_id,
  ip: r.ip, userAgent: r.user_agent, data: r.data, prevHash: r.prev_hash, hash: r.hash,
});

export type EventJson = ReturnType<typeof eventJson>;
