import type { Db } from '../db/database';
import { lockName } from '../db/locks';
import { isKeysetCursor, keysetRows } from '../db/keyset';
import { inAuthorizedTransaction, type Asker } from '../access/authorize';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { AppError, badRequest, conflict, unprocessable } from '../http/errors';
import { decodeCursor, encodeCursor } from '../http/pagination';
import {
  endConflict, findActiveConflict, insertConflict, listConflictsOf, lockConflict, searchFiledOrganizations, type ConflictRow, type OrganizationMatch,
} from './conflicts.repository';
import { findOrganization } from './organizations.repository';
import type { DeclareConflictInput } from './conflicts.schemas';

/** How many organizations a search returns at most. */
export const MAX_MATCHES = 20;
const MAX_QUERY = 200;

/** A conflict as the API returns it (conflicts.schemas.ts `conflictResponse`). */
export const conflictJson = (c: ConflictRow) => ({
  id: c.id, organizationId: c.organization_id, organizationName: c.organization_name, kind: c.kind, statement: c.statement,
  declaredAt: c.declared_at.toISOString(), endedAt: c.ended_at?.toISOString() ?? null, active: c.ended_at === null,
});

const describe = (c: ConflictRow) => `${c.kind.replace(/_/g, ' ')} conflict ${c.id}, declared ${c.declared_at.toISOString()}`;

/**
 * A staff member declares a conflict of interest with an organization: from the next request on,
 * its submissions are invisible to them everywhere (Actor.recusedFrom). One active declaration per
 * organization; the row and its `conflict.declared` audit event commit together.
 */
export async function declareConflict(db: Db, ctx: AuditContext, userId: string, input: DeclareConflictInput): Promise<ConflictRow> {
  const statement = input.statement.trim();
  const organizationId = input.organizationId.toLowerCase();
  if (!statement) {
    throw badRequest('invalid_statement', 'Write a statement saying what the conflict is (1 to 5000 characters).', [{ field: 'statement', problem: 'blank' }]);
  }
  return db.transaction().execute(async (trx) => {
    if (!await findOrganization(trx, organizationId)) {
      throw unprocessable('unknown_organization', 'No organization has this id. Find it with GET /api/v1/organizations?q=<name or UEI>.',
        [{ field: 'organizationId', problem: 'unknown' }]);
    }
    // Two declarations sent at once must not both pass the check below.
    await lockName(trx, `conflicts:${userId}:${organizationId}`);
    const existing = await findActiveConflict(trx, userId, organizationId);
    if (existing) {
      throw new AppError(409, 'conflict_already_declared', `You already declared a conflict with ${existing.organization_name} (${describe(existing)}). End it before declaring another.`,
        [{ conflictId: existing.id }]);
    }
    const id = await insertConflict(trx, { userId, organizationId, kind: input.kind, statement });
    await recordAudit(trx, ctx, {
      action: 'conflict.declared', subjectType: 'conflict', subjectId: id,
      data: { userId, organizationId, kind: input.kind, statement },
    });
    return (await lockConflict(trx, id))!;
  });
}

/**
 * Ends the asker's own conflict: the row stays with `ended_at`, and the organization's submissions
 * are visible again from the next request. Someone else's conflict is a 404 (audited).
 */
export async function endOwnConflict(db: Db, ctx: AuditContext, asker: Asker, id: string): Promise<ConflictRow> {
  return inAuthorizedTransaction(db, asker, { decision: 'conflict.end', subject: { type: 'conflict', id }, lock: (trx) => lockConflict(trx, id) },
    async (trx, row) => {
      if (row.ended_at) throw conflict('conflict_already_ended', `This conflict with ${row.organization_name} already ended on ${row.ended_at.toISOString()}.`);
      const endedAt = new Date();
      await endConflict(trx, id, endedAt);
      await recordAudit(trx, ctx, {
        action: 'conflict.ended', subjectType: 'conflict', subjectId: id, data: { userId: row.user_id, organizationId: row.organization_id, kind: row.kind },
      });
      return { ...row, ended_at: endedAt };
    });
}

/** One page of the person's own conflicts (active and ended), newest first. */
export async function listOwnConflicts(db: Db, userId: string, q: { cursor?: string; limit: number }) {
  const cursor = decodeCursor(q.cursor, isKeysetCursor);
  const { rows, next } = keysetRows(await listConflictsOf(db, userId, cursor, q.limit), q.limit);
  return { items: rows, nextCursor: next ? encodeCursor(next) : null };
}

/** Organizations with filed submissions matching `q` (legal name or UEI); all of them, by name, when `q` is empty. */
export function findOrganizations(db: Db, q: string | undefined, limit = MAX_MATCHES): Promise<OrganizationMatch[]> {
  const text = (q ?? '').trim();
  if (text.length > MAX_QUERY) throw badRequest('invalid_query', `"q" is at most ${MAX_QUERY} characters: part of the legal name, or the UEI.`);
  return searchFiledOrganizations(db, text, limit);
}
