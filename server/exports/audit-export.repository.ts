import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';

/**
 * The audit rows a production carries (docs/export-format.md "Audit files"). Both readers page by
 * `seq` (keyset: strictly after the last row read, never OFFSET) up to a head fixed at the start,
 * so a chain of any length is read in bounded memory, and rows appended meanwhile are not seen.
 */

/** The chain head: the newest event's seq and hash (seq 0 and null when the trail is empty). */
export async function chainHead(db: DbOrTrx): Promise<{ seq: number; hash: string | null }> {
  const row = await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: null };
}

/** The proceeding's docket, or undefined. */
export async function proceedingDocket(db: DbOrTrx, proceedingId: string): Promise<string | undefined> {
  return (await db.selectFrom('proceedings').select('docket').where('id', '=', proceedingId).executeTakeFirst())?.docket;
}

/**
 * Events about one proceeding with `after < seq <= head`, `limit` of them, oldest first, each with
 * `confidential_document` (true when its subject is a confidential document). "About" is:
 * - the proceeding itself (subject `proceeding`, or any event whose data names it as `proceedingId`);
 * - its notice documents;
 * - its FILED submissions (those with a tracking number: an unfiled draft is not part of the
 *   record) and their documents; refusals (`access.denied`) on them are included too;
 * - conflicts declared with an organization that filed in it.
 */
export async function proceedingEventsAfter(db: DbOrTrx, proceedingId: string, after: number, head: number, limit: number) {
  const submissions = sql`SELECT s.id::text FROM submissions s WHERE s.proceeding_id = ${proceedingId} AND s.tracking_number IS NOT NULL`;
  const documents = sql`SELECT d.id::text FROM documents d JOIN submissions s ON s.id = d.submission_id
    WHERE s.proceeding_id = ${proceedingId} AND s.tracking_number IS NOT NULL`;
  const notices = sql`SELECT n.id::text FROM notice_documents n WHERE n.proceeding_id = ${proceedingId}`;
  const conflicts = sql`SELECT c.id::text FROM conflicts c WHERE c.organization_id IN (
    SELECT s.organization_id FROM submissions s WHERE s.proceeding_id = ${proceedingId} AND s.tracking_number IS NOT NULL)`;
  const confidential = sql`SELECT d.id::text FROM documents d JOIN submissions s ON s.id = d.submission_id
    WHERE s.proceeding_id = ${proceedingId} AND d.confidential`;
  const rows = await db.selectFrom('audit_events').selectAll()
    .select(sql<boolean>`(audit_events.subject_type = 'document' AND audit_events.subject_id IN (${confidential}))`.as('confidential_document'))
    .where('seq', '>', String(after)).where('seq', '<=', String(head))
    .where(sql<boolean>`(
      (audit_events.subject_type = 'proceeding' AND audit_events.subject_id = ${proceedingId})
      OR (audit_events.subject_type = 'submission' AND audit_events.subject_id IN (${submissions}))
      OR (audit_events.subject_type = 'document' AND audit_events.subject_id IN (${documents}))
      OR (audit_events.subject_type = 'notice_document' AND audit_events.subject_id IN (${notices}))
      OR (audit_events.subject_type = 'conflict' AND audit_events.subject_id IN (${conflicts}))
      OR audit_events.data->>'proceedingId' = ${proceedingId}
    )`)
    .orderBy('seq').limit(limit).execute();
  return rows;
}

/**
 * chain.jsonl's lines for `after < seq <= head`, `limit` of them, built by the database as one text
 * (a row per event through the driver cost more than the rest of the export): each line is
 * `{"hash":"...","prevHash":"...","seq":N}`, members in canonical (sorted) order. `last` is the
 * last seq in the text (null when there is none).
 */
export async function chainTextAfter(db: DbOrTrx, after: number, head: number, limit: number): Promise<{ text: string; last: number | null }> {
  const { rows } = await sql<{ text: string | null; last: string | null }>`
    SELECT string_agg(line, '' ORDER BY seq) AS text, max(seq)::text AS last FROM (
      SELECT seq, '{"hash":' || to_json(hash)::text || ',"prevHash":' || to_json(prev_hash)::text || ',"seq":' || seq::text || E'}\n' AS line
      FROM audit_events WHERE seq > ${after} AND seq <= ${head} ORDER BY seq LIMIT ${limit}
    ) batch`.execute(db);
  const row = rows[0];
  return { text: row?.text ?? '', last: row?.last ? Number(row.last) : null };
}
