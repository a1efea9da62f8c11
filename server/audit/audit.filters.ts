import { badRequest } from '../http/errors';
import { decodeCursor, encodeCursor, parseLimit } from '../http/pagination';
import type { EventFilter } from './audit.repository';

/**
 * The audit list's query (API.md: `?subjectId=&actorId=&action=&from=&to=&cursor=&limit=`), read
 * the same way by the API and the pages: every refusal is a 400 `invalid_parameter` (or the
 * pagination helpers' own codes) that names the parameter and says what would be accepted.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const DAY_MS = 86_400_000;

/** The query names the audit list reads. */
export const AUDIT_QUERY = ['subjectId', 'actorId', 'action', 'from', 'to', 'cursor', 'limit'] as const;

const dateError = (name: string) => badRequest('invalid_parameter',
  `"${name}" must be an ISO 8601 date (2026-12-01, read as UTC) or date and time with a zone (2026-12-01T14:30:00Z or 2026-12-01T09:30:00-05:00).`,
  [{ field: name, problem: 'format' }]);

/** True when the numbers are a real calendar date and clock time (no 30 February, no 25:00). */
function realDate(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

/**
 * An instant from `from` or `to`. A date alone is a whole UTC day: `from` starts at its midnight,
 * `to` includes all of it. A date and time includes that instant (to the millisecond, the trail's
 * precision). Returned as the half-open bound the repository takes: `from` inclusive, `to` as the
 * first instant after the range. (A `+` offset sent unencoded arrives as a space: read as `+`.)
 */
export function parseBound(raw: string, name: 'from' | 'to'): Date {
  const text = raw.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  const day = DATE_ONLY.exec(text);
  if (day) {
    const [y, mo, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (!realDate(y, mo, d)) throw dateError(name);
    const midnight = Date.UTC(y, mo - 1, d);
    return new Date(name === 'from' ? midnight : midnight + DAY_MS);
  }
  const dt = DATE_TIME.exec(text);
  if (!dt || !realDate(Number(dt[1]), Number(dt[2]), Number(dt[3]), Number(dt[4]), Number(dt[5]), Number(dt[6] ?? 0))) throw dateError(name);
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw dateError(name);
  return name === 'from' ? at : new Date(at.getTime() + 1);
}

export interface AuditQuery { filter: EventFilter; after: number; limit: number }

/** Checks and reads the list's parameters (single strings, from http/pagination.ts singleQuery). */
export function parseAuditQuery(q: Partial<Record<(typeof AUDIT_QUERY)[number], string>>): AuditQuery {
  const limit = parseLimit(q.limit);
  const after = decodeCursor(q.cursor, isSeq) ?? 0;
  const actorId = q.actorId?.trim() || undefined;
  if (actorId && !UUID.test(actorId)) throw badRequest('invalid_parameter', '"actorId" must be a user id (a UUID).', [{ field: 'actorId', problem: 'format' }]);
  const from = q.from?.trim() ? parseBound(q.from, 'from') : undefined;
  const before = q.to?.trim() ? parseBound(q.to, 'to') : undefined;
  if (from && before && from.getTime() >= before.getTime()) {
    throw badRequest('invalid_parameter', `"from" (${q.from}) is after "to" (${q.to}): give the earlier time as "from".`, [{ field: 'from', problem: 'after_to' }]);
  }
  const filter: EventFilter = {
    subjectId: q.subjectId?.trim().slice(0, 200) || undefined,
    actorId,
    action: q.action?.trim().slice(0, 100) || undefined,
    from,
    before,
  };
  return { filter, after, limit };
}

/** The cursor of the page after `rows` (fetched with one extra row), or null at the end. */
export function nextCursorOf(rows: ReadonlyArray<{ seq: string }>, limit: number): string | null {
  const last = rows.slice(0, limit).at(-1);
  return rows.length > limit && last ? encodeCursor(Number(last.seq)) : null;
}
