import type { SubmissionKind, SubmissionStatus } from '../db/database';
import type { KeysetCursor, KeysetOrder } from '../db/keyset';
import { isKeysetCursor } from '../db/keyset';
import { badRequest } from '../http/errors';
import { decodeCursor, parseLimit, singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { DOCKET } from '../proceedings/proceedings.schemas';

/**
 * The staff queue's query string, checked value by value before any of it reaches SQL: an unknown
 * parameter, a repeated one or a value outside its list is a 400 with a stable code.
 */

/** Sort keys staff may name; each pages by keyset on (a timestamp, id). Newest filed first by default. */
export const QUEUE_SORTS = {
  '-submittedAt': { column: 'submissions.submitted_at', id: 'submissions.id', dir: 'desc' },
  submittedAt: { column: 'submissions.submitted_at', id: 'submissions.id', dir: 'asc' },
  '-updatedAt': { column: 'submissions.updated_at', id: 'submissions.id', dir: 'desc' },
  updatedAt: { column: 'submissions.updated_at', id: 'submissions.id', dir: 'asc' },
  '-createdAt': { column: 'submissions.created_at', id: 'submissions.id', dir: 'desc' },
  createdAt: { column: 'submissions.created_at', id: 'submissions.id', dir: 'asc' },
} as const satisfies Record<string, KeysetOrder>;

const STATUSES: readonly SubmissionStatus[] = ['draft', 'submitted', 'in_review', 'decided', 'withdrawn'];
const KINDS: readonly SubmissionKind[] = ['response', 'supplement', 'reply_to_request'];
const FLAGS = ['overdue', 'late', 'confidential', 'flagged', 'openRequest'] as const;
export type QueueFlag = typeof FLAGS[number];
/** Longest search text accepted (websearch syntax: words, "phrases", or, -not). */
export const MAX_SEARCH = 200;

const FILTER_PARAMS = ['docket', 'status', 'kind', 'assignee', ...FLAGS, 'q', 'organizationId'] as const;
const PAGE_PARAMS = ['sort', 'cursor', 'limit'] as const;

/** Who is assigned: the asker, nobody (no open assignment), or one user. */
export type AssigneeFilter = { kind: 'me' } | { kind: 'unassigned' } | { kind: 'user'; id: string };

/** The queue's filters, already checked. A flag is true (only rows with it) or false (only rows without). */
export interface QueueFilter {
  docket?: string;
  status?: SubmissionStatus;
  kind?: SubmissionKind;
  assignee?: AssigneeFilter;
  flags: Partial<Record<QueueFlag, boolean>>;
  /** websearch_to_tsquery text. */
  text?: string;
  organizationId?: string;
}

/** One page's request: filters, order, where to continue, size. */
export interface QueuePageRequest { filter: QueueFilter; sortKey: keyof typeof QUEUE_SORTS; order: KeysetOrder; cursor?: KeysetCursor; limit: number }

function oneOf<T extends string>(raw: string | undefined, allowed: readonly T[], code: string, name: string): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw)) throw badRequest(code, `"${name}" must be one of: ${allowed.join(', ')}.`);
  return raw as T;
}

function parseAssignee(raw: string | undefined): AssigneeFilter | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'me' || raw === 'unassigned') return { kind: raw };
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) {
    throw badRequest('invalid_assignee', '"assignee" must be me, unassigned or a user id.');
  }
  return { kind: 'user', id: raw.toLowerCase() };
}

function parseFilter(q: Record<string, string | undefined>): QueueFilter {
  const flags: QueueFilter['flags'] = {};
  for (const flag of FLAGS) {
    const v = oneOf(q[flag], ['true', 'false'], 'invalid_flag', flag);
    if (v) flags[flag] = v === 'true';
  }
  const docket = q['docket'] || undefined;
  if (docket && !DOCKET.test(docket)) throw badRequest('invalid_docket', '"docket" must be a docket such as EO-2026-001 (capital letters, digits and hyphens).');
  const text = q['q']?.trim() || undefined;
  if (text && text.length > MAX_SEARCH) throw badRequest('invalid_search', `"q" must be at most ${MAX_SEARCH} characters.`);
  return {
    docket, text, flags,
    status: oneOf(q['status'], STATUSES, 'invalid_status', 'status'),
    kind: oneOf(q['kind'], KINDS, 'invalid_kind', 'kind'),
    assignee: parseAssignee(q['assignee']),
    organizationId: q['organizationId'] ? uuidParam(q['organizationId'], 'organization') : undefined,
  };
}

/** Filters of GET /submissions/counts (no paging parameters). */
export const parseQueueCounts = (query: Record<string, unknown>): QueueFilter => parseFilter(singleQuery(query, FILTER_PARAMS));

/** Filters, sort, cursor and limit of the staff GET /submissions. */
export function parseQueuePage(query: Record<string, unknown>): QueuePageRequest {
  const q = singleQuery(query, [...FILTER_PARAMS, ...PAGE_PARAMS]);
  const filter = parseFilter(q);
  const limit = parseLimit(q['limit']);
  const sortKey = (q['sort'] || '-submittedAt') as keyof typeof QUEUE_SORTS;
  // Own keys only: `constructor` or `__proto__` must read as unknown, not as Object's members.
  if (!Object.hasOwn(QUEUE_SORTS, sortKey)) throw badRequest('invalid_sort', `"sort" must be one of: ${Object.keys(QUEUE_SORTS).join(', ')}.`);
  return { filter, sortKey, order: QUEUE_SORTS[sortKey], cursor: decodeCursor(q['cursor'], isKeysetCursor), limit };
}
