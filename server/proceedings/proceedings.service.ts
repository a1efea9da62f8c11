import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../db/database';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { conflict, notFound } from '../http/errors';
import { DEFAULT_RESPONSE_SCHEMA } from './response-schema';
import { checkProceeding, type CheckedProceeding, type ProceedingFields } from './proceedings.rules';
import { findProceedingByDocket, insertProceeding, updateProceedingRow, type ProceedingRow } from './proceedings.repository';
import type { CreateProceedingInput, PatchProceedingInput } from './proceedings.schemas';

/** The fields as the audit trail and the API name them, for before/after comparisons. */
function auditable(p: CheckedProceeding): Record<string, unknown> {
  return {
    title: p.title, summary: p.summary, noticeText: p.noticeText, opensAt: p.opensAt.toISOString(), closesAt: p.closesAt.toISOString(),
    timeZone: p.timeZone, latePolicy: p.latePolicy, responseSchema: p.responseSchema, limits: p.limits,
  };
}

/**
 * POST /proceedings: an administrator opens a docket. The row and its `proceeding.created` audit
 * event commit together; a docket already in use is a 409 (the unique index decides, not a
 * read-then-write race).
 */
export async function createProceeding(db: Db, ctx: AuditContext, input: CreateProceedingInput): Promise<ProceedingRow> {
  const { docket, limits, responseSchema, ...rest } = input;
  const checked = checkProceeding({ ...rest, responseSchema: responseSchema ?? null, limits: limits ?? {} });
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await insertProceeding(trx, docket, checked);
      await recordAudit(trx, ctx, { action: 'proceeding.created', subjectType: 'proceeding', subjectId: row.id, data: { docket, after: auditable(checked) } });
      return row;
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw conflict('docket_taken', `Docket ${docket} already exists. Choose another docket number, or PATCH /proceedings/${docket} to change that one.`);
    }
    throw err;
  }
}

/**
 * PATCH /proceedings/:docket: merges the change over the stored proceeding and checks the result
 * as a whole (a new `closesAt` must still follow the stored `opensAt`). With `expectedVersion`
 * (If-Match) a stale edit is refused. Only the fields that changed go into the audit event.
 */
export async function updateProceeding(db: Db, ctx: AuditContext, docket: string, patch: PatchProceedingInput, expectedVersion?: number): Promise<ProceedingRow> {
  return db.transaction().execute(async (trx) => {
    const row = await findProceedingByDocket(trx, docket, { forUpdate: true });
    if (!row) throw notFound('proceeding');
    if (expectedVersion !== undefined && expectedVersion !== row.version) {
      throw conflict('version_conflict', `Proceeding ${docket} changed since you loaded it (you have version ${expectedVersion}, it is now ${row.version}). Reload it and apply your edit again.`);
    }
    const current = storedAsChecked(row);
    const { responseSchema, limits, ...plain } = patch;
    const merged: ProceedingFields = {
      ...current,
      ...plain,
      // For both, null means "back to the default" and absent means "keep".
      responseSchema: responseSchema === undefined ? current.responseSchema : responseSchema,
      limits: limits === null ? {} : { ...current.limits, ...limits },
    };
    const checked = checkProceeding(merged);
    const before = auditable(current);
    const after = auditable(checked);
    // Deep comparison, not JSON text: jsonb hands keys back in its own order.
    const changed = Object.keys(after).filter((k) => !isDeepStrictEqual(before[k], after[k]));
    const updated = await updateProceedingRow(trx, row.id, checked);
    await recordAudit(trx, ctx, {
      action: 'proceeding.updated', subjectType: 'proceeding', subjectId: row.id,
      data: { docket, version: updated.version, before: pick(before, changed), after: pick(after, changed) },
    });
    return updated;
  });
}

/**
 * A stored row in API terms, without re-running the rules (an old row may predate them), so a
 * PATCH can be merged over it and compared with it.
 */
function storedAsChecked(row: ProceedingRow): CheckedProceeding {
  return {
    title: row.title, summary: row.summary, noticeText: row.notice_text, opensAt: row.opens_at, closesAt: row.closes_at,
    timeZone: row.time_zone, latePolicy: row.late_policy, limits: row.limits,
    responseSchema: (row.response_schema ?? DEFAULT_RESPONSE_SCHEMA) as Record<string, unknown>,
  };
}

const pick = (o: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
