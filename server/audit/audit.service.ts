import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import { GENESIS_HASH, chainHash, maskSecrets, type ChainedEvent } from './audit.chain';

/** Who did something and through which request; built once per request by the HTTP layer. */
export interface AuditContext {
  actorId: string | null;
  actorRole: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const SYSTEM_CONTEXT: AuditContext = { actorId: null, actorRole: 'system', requestId: null, ip: null, userAgent: null };

export interface AuditEntry {
  /** Namespaced verb, e.g. `auth.signed_in`, `submission.submitted`, `access.denied`. */
  action: string;
  subjectType?: string | null;
  subjectId?: string | null;
  /** Before/after or other facts; secrets are masked before storing. */
  data?: Record<string, unknown>;
}

// Every appender takes this transaction-scoped lock, so two writers can never read the same head.
const AUDIT_CHAIN_LOCK = 0x5650_4155; // "VPAU"

/**
 * Appends one event to the hash chain inside the caller's transaction: the change and its audit
 * row commit together or not at all. Returns the new chain head (this event's seq and hash).
 */
export async function recordAudit(trx: Transaction<Database>, ctx: AuditContext, entry: AuditEntry): Promise<AuditHead> {
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
  const head = await trx.selectFrom('audit_events').select(['seq', 'hash', 'occurred_at']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  // Time never runs backwards along the chain (a clock stepped back, or two hosts' clocks apart, give
  // the previous event's time): so a time range is a seq range, and GET /audit?from=&to= walks indexes.
  const occurredAt = new Date(Math.max(Date.now(), head ? head.occurred_at.getTime() : 0));
  const event: ChainedEvent = {
    seq: head ? Number(head.seq) + 1 : 1,
    occurredAt: occurredAt.toISOString(),
    actorId: ctx.actorId,
    actorRole: ctx.actorRole,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    requestId: ctx.requestId,
    ip: ctx.ip,
    userAgent: ctx.userAgent?.slice(0, 500) ?? null,
    data: maskSecrets(entry.data ?? {}),
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = chainHash(prevHash, event);
  await trx.insertInto('audit_events').values({
    seq: event.seq,
    occurred_at: occurredAt,
    actor_id: event.actorId,
    actor_role: event.actorRole,
    action: event.action,
    subject_type: event.subjectType,
    subject_id: event.subjectId,
    request_id: event.requestId,
    ip: event.ip,
    user_agent: event.userAgent,
    data: JSON.stringify(event.data),
    prev_hash: prevHash,
    hash,
  }).execute();
  return { seq: event.seq, hash };
}

/** Records an event in a transaction of its own (access denials, sign-in failures). */
export async function recordAuditNow(db: Db, ctx: AuditContext, entry: AuditEntry): Promise<AuditHead> {
  return db.transaction().execute((trx) => recordAudit(trx, ctx, entry));
}

/**
 * The writer of every `access.denied` event (access/authorize.ts `Asker.recordDenial`, the route
 * guards): each in a transaction of its own, so it survives the refused request's rollback.
 */
export const deniedNow = (db: Db, ctx: AuditContext) =>
  (denial: { subjectType: string; subjectId: string; data: Record<string, unknown> }): Promise<AuditHead> =>
    recordAuditNow(db, ctx, { action: 'access.denied', ...denial });

/** The newest event's hash (what receipts and exports quote), or the genesis hash when empty. */
export interface AuditHead { seq: number; hash: string }

export async function auditHead(db: Db | Transaction<Database>): Promise<AuditHead> {
  const head = await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}
