import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database';
import type { FindingArgument } from '../db/review-tables';

/** The next version number of a submission's findings (call with the submission row locked). */
export async function nextFindingsVersion(db: DbOrTrx, submissionId: string): Promise<number> {
  const row = await db.selectFrom('findings').select(sql<number>`coalesce(max(version), 0) + 1`.as('next'))
    .where('submission_id', '=', submissionId).executeTakeFirstOrThrow();
  return Number(row.next);
}

/** Appends one version (the table is append-only; (submission_id, version) is unique). */
export async function insertFindings(db: DbOrTrx, f: { submissionId: string; version: number; args: FindingArgument[]; createdBy: string }) {
  return db.insertInto('findings').values({
    submission_id: f.submissionId, version: f.version, arguments: JSON.stringify(f.args), created_by: f.createdBy,
  }).returning(['id', 'version', 'created_at']).executeTakeFirstOrThrow();
}

/** Every version of a submission's findings with who saved it, oldest first. */
export function listFindings(db: DbOrTrx, submissionId: string) {
  return db.selectFrom('findings').innerJoin('users', 'users.id', 'findings.created_by')
    .select(['findings.id', 'findings.version', 'findings.arguments', 'findings.created_by', 'findings.created_at', 'users.name as created_by_name'])
    .where('findings.submission_id', '=', submissionId).orderBy('findings.version', 'asc').execute();
}

export type FindingsRow = Awaited<ReturnType<typeof listFindings>>[number];
