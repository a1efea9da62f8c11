import { sql } from 'kysely';
import type { Db, SubmissionStatus } from '../db/database';
import type { Actor } from '../access/actor';
import type { AppError } from '../http/errors';
import { badRequest } from '../http/errors';
import { decodeCursor, encodeCursor, parseLimit, singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { listDocumentsFor } from '../documents/documents.repository';
import { submissionJson } from './submission.view';

/** Sort keys clients may name, mapped to columns: never interpolate what the client sent. */
const SORTS = {
  createdAt: { column: 'submissions.created_at', dir: 'asc' },
  '-createdAt': { column: 'submissions.created_at', dir: 'desc' },
  updatedAt: { column: 'submissions.updated_at', dir: 'asc' },
  '-updatedAt': { column: 'submissions.updated_at', dir: 'desc' },
} as const;
type SortKey = keyof typeof SORTS;
const STATUSES: readonly SubmissionStatus[] = ['draft', 'submitted', 'in_review', 'decided', 'withdrawn'];

interface Cursor { t: string; id: string }
const isCursor = (v: unknown): v is Cursor => typeof v === 'object' && v !== null
  && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(String((v as Cursor).t))
  && /^[0-9a-f-]{36}$/.test(String((v as Cursor).id));

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
  const cursor = decodeCursor(q['cursor'], isCursor);

  let rows = db.selectFrom('submissions').innerJoin('proceedings', 'proceedings.id', 'submissions.proceeding_id')
    .selectAll('submissions').select('proceedings.docket')
    // Microsecond-exact cursor value: a JavaScript Date would round it and skip rows.
    .select(sql<string>`to_char(${sql.ref(sort.column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_t')).orderBy(sort.column, sort.dir).orderBy('submissions.id', sort.dir).limit(limit + 1);
  if (organizationId) rows = rows.where('submissions.organization_id', '=', organizationId);
  if (q['docket']) rows = rows.where('proceedings.docket', '=', q['docket'].slice(0, 40));
  if (status) rows = rows.where('submissions.status', '=', status);
  if (q['q']) {
    const like = `%${q['q'].slice(0, 200).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    rows = rows.where((eb) => eb.or([eb('submissions.title', 'ilike', like), eb('submissions.tracking_number', 'ilike', like)]));
  }
  if (cursor) {
    const op = sort.dir === 'asc' ? sql`>` : sql`<`;
    rows = rows.where(sql<boolean>`(${sql.ref(sort.column)}, submissions.id) ${op} (${cursor.t}::timestamptz, ${cursor.id}::uuid)`);
  }
  const found = await rows.execute();
  const page = found.slice(0, limit);
  const docs = await listDocumentsFor(db, page.map((s) => s.id));
  const last = page.at(-1);
  return {
    items: page.map((s) => submissionJson(s, docs.filter((d) => d.submission_id === s.id))),
    nextCursor: found.length > limit && last ? encodeCursor({ t: last.cursor_t, id: last.id }) : null,
  };
}
