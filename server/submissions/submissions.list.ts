import type { Db, SubmissionStatus } from '../db/database';
import { isKeysetCursor, keysetRows, type KeysetOrder } from '../db/keyset';
import type { Actor } from '../access/actor';
import type { AppError } from '../http/errors';
import { badRequest } from '../http/errors';
import { decodeCursor, encodeCursor, parseLimit, singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { listDocumentsFor } from '../documents/documents.repository';
import { submissionJson } from './submission.json';
import { listSubmissionRows } from './submissions.repository';

/** Sort keys clients may name, mapped to columns: never interpolate what the client sent. */
const SORTS = {
  createdAt: { column: 'submissions.created_at', id: 'submissions.id', dir: 'asc' },
  '-createdAt': { column: 'submissions.created_at', id: 'submissions.id', dir: 'desc' },
  updatedAt: { column: 'submissions.updated_at', id: 'submissions.id', dir: 'asc' },
  '-updatedAt': { column: 'submissions.updated_at', id: 'submissions.id', dir: 'desc' },
} as const satisfies Record<string, KeysetOrder>;
type SortKey = keyof typeof SORTS;
const STATUSES: readonly SubmissionStatus[] = ['draft', 'submitted', 'in_review', 'decided', 'withdrawn'];

/**
 * GET /submissions: vendors see their organization's only (asking for another organization is a
 * 404, audited); staff see all. Keyset pagination on (sort column, id).
 */
export async function listSubmissions(db: Db, actor: Actor, query: Record<string, unknown>, deny: (s: { type: string; id: string }) => Promise<AppError>) {
  const q = singleQuery(query, ['docket', 'status', 'q', 'sort', 'cursor', 'limit', 'organizationId']);
  const limit = parseLimit(q['limit']);
  const sortKey = (q['sort'] ?? '-createdAt') as SortKey;
  const sort = SORTS[sortKey];
  if (!sort) throw badRequest('invalid_sort', `"sort" must be one of: ${Object.keys(SORTS).join(', ')}.`);
  const status = q['status'] as SubmissionStatus | undefined;
  if (status && !STATUSES.includes(status)) throw badRequest('invalid_status', `"status" must be one of: ${STATUSES.join(', ')}.`);
  const orgFilter = q['organizationId'] ? uuidParam(q['organizationId'], 'organization') : undefined;
  if (actor.role === 'vendor' && orgFilter && orgFilter !== actor.organizationId) throw await deny({ type: 'organization', id: orgFilter });
  const organizationId = actor.role === 'vendor' ? actor.organizationId : orgFilter;
  const cursor = decodeCursor(q['cursor'], isKeysetCursor);

  const filter = { organizationId, docket: q['docket']?.slice(0, 40), status, text: q['q']?.slice(0, 200) };
  const { rows, next } = keysetRows(await listSubmissionRows(db, filter, sort, cursor, limit), limit);
  const docs = await listDocumentsFor(db, rows.map((s) => s.id));
  return {
    items: rows.map((s) => submissionJson(s, docs.filter((d) => d.submission_id === s.id))),
    nextCursor: next ? encodeCursor(next) : null,
  };
}
