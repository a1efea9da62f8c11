import type { Db, SubmissionStatus } from '../db/database';
import { isKeysetCursor, keysetRows, type KeysetOrder } from '../db/keyset';
import { authorize, type Asker } from '../access/authorize';
import { hiddenOrganizations, listsDrafts } from '../access/submission.policy';
import { badRequest } from '../http/errors';
import { decodeCursor, encodeCursor, parseLimit, singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { listDocumentsFor } from '../documents/documents.repository';
import { submissionJson } from './submission.json';
import { listSubmissionRows } from './submissions.repository';
import { listQueue, listQueueJson } from './queue.list';

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
 * 404, audited); staff get the queue (queue.list.ts): every filed one, never a draft, never a
 * recused organization's. Keyset pagination on (sort column, id).
 */
export async function listSubmissions(db: Db, asker: Asker, query: Record<string, unknown>) {
  const { actor } = asker;
  if (actor.role !== 'vendor') return listQueue(db, asker, query);
  const q = singleQuery(query, ['docket', 'status', 'q', 'sort', 'cursor', 'limit', 'organizationId']);
  const limit = parseLimit(q['limit']);
  const sortKey = q['sort'] ?? '-createdAt';
  // Own keys only: `constructor` or `toString` must read as unknown, not as Object's members.
  if (!Object.hasOwn(SORTS, sortKey)) throw badRequest('invalid_sort', `"sort" must be one of: ${Object.keys(SORTS).join(', ')}.`);
  const sort = SORTS[sortKey as SortKey];
  const status = q['status'] as SubmissionStatus | undefined;
  if (status && !STATUSES.includes(status)) throw badRequest('invalid_status', `"status" must be one of: ${STATUSES.join(', ')}.`);
  const orgFilter = q['organizationId'] ? uuidParam(q['organizationId'], 'organization') : undefined;
  if (orgFilter) await authorize(asker, 'organization.see', { type: 'organization', id: orgFilter }, { id: orgFilter });
  const organizationId = actor.role === 'vendor' ? actor.organizationId : orgFilter;
  const cursor = decodeCursor(q['cursor'], isKeysetCursor);

  const filter = { organizationId, docket: q['docket']?.slice(0, 40), status, text: q['q']?.slice(0, 200), withDrafts: listsDrafts(actor), hiddenOrganizations: hiddenOrganizations(actor) };
  const { rows, next } = keysetRows(await listSubmissionRows(db, filter, sort, cursor, limit), limit);
  const docs = await listDocumentsFor(db, rows.map((s) => s.id));
  return {
    items: rows.map((s) => submissionJson(s, docs.filter((d) => d.submission_id === s.id))),
    nextCursor: next ? encodeCursor(next) : null,
  };
}

/** GET /submissions as the response body: the staff queue's JSON comes from PostgreSQL whole (queue.list.ts). */
export async function listSubmissionsBody(db: Db, asker: Asker, query: Record<string, unknown>, asOf?: string | null): Promise<string | Buffer> {
  return asker.actor.role === 'vendor' ? JSON.stringify(await listSubmissions(db, asker, query)) : listQueueJson(db, asker, query, asOf);
}
