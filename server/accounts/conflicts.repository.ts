import { sql, type Transaction } from 'kysely';
import type { Database, DbOrTrx } from '../db/database';
import { cursorColumn, keysetPage, type KeysetCursor, type KeysetOrder } from '../db/keyset';
import type { ConflictKind } from '../db/review-tables';

/**
 * The organizations `users.id` has an active (not ended) conflict with, as a column of the query
 * that resolves a session or token: read with the credential, in the same round trip, into the
 * actor, so every access decision and list filter sees it.
 */
export const recusedFromColumn = sql<string[]>`array(SELECT DISTINCT c.organization_id::text FROM conflicts c
  WHERE c.user_id = users.id AND c.ended_at IS NULL)`.as('recused_from');

/** A conflict with the organization's legal name, as lists and pages show it. */
export interface ConflictRow {
  id: string;
  user_id: string;
  organization_id: string;
  organization_name: string;
  kind: ConflictKind;
  statement: string;
  declared_at: Date;
  ended_at: Date | null;
}

const withOrganization = (db: DbOrTrx) => db.selectFrom('conflicts')
  .innerJoin('organizations', 'organizations.id', 'conflicts.organization_id')
  .select(['conflicts.id', 'conflicts.user_id', 'conflicts.organization_id', 'organizations.legal_name as organization_name',
    'conflicts.kind', 'conflicts.statement', 'conflicts.declared_at', 'conflicts.ended_at']);

/** The person's active conflict with the organization, if any (callers hold the pair's lock). */
export const findActiveConflict = (db: DbOrTrx, userId: string, organizationId: string): Promise<ConflictRow | undefined> =>
  withOrganization(db).where('conflicts.user_id', '=', userId).where('conflicts.organization_id', '=', organizationId)
    .where('conflicts.ended_at', 'is', null).orderBy('conflicts.declared_at').executeTakeFirst();

/** One conflict by id, locked for the rest of the transaction (ending it). */
export const lockConflict = (trx: Transaction<Database>, id: string): Promise<ConflictRow | undefined> =>
  withOrganization(trx).where('conflicts.id', '=', id).forUpdate('conflicts').executeTakeFirst();

/** Stores a new declaration and returns it. */
export async function insertConflict(trx: Transaction<Database>, c: { userId: string; organizationId: string; kind: ConflictKind; statement: string }): Promise<string> {
  const row = await trx.insertInto('conflicts')
    .values({ user_id: c.userId, organization_id: c.organizationId, kind: c.kind, statement: c.statement })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Ends a conflict: the row stays, with the moment it ended. */
export async function endConflict(trx: Transaction<Database>, id: string, at: Date): Promise<void> {
  await trx.updateTable('conflicts').set({ ended_at: at }).where('id', '=', id).where('ended_at', 'is', null).execute();
}

export const CONFLICT_ORDER: KeysetOrder = { column: 'conflicts.declared_at', id: 'conflicts.id', dir: 'desc' };

/** One page of a person's own conflicts, active and ended, newest first (one row more than `limit`). */
export const listConflictsOf = (db: DbOrTrx, userId: string, cursor: KeysetCursor | undefined, limit: number) =>
  keysetPage(withOrganization(db).select(cursorColumn(CONFLICT_ORDER)).where('conflicts.user_id', '=', userId), CONFLICT_ORDER, cursor, limit).execute();

/** An organization as a declaration names it: never more than its name and country. */
export interface OrganizationMatch { id: string; legal_name: string; country: string }

/**
 * Organizations with at least one filed (non-draft) submission whose legal name contains `text`
 * (case-insensitive; LIKE wildcards in it are matched literally) or whose UEI is `text`, by name.
 * Recusals do not filter this list: a person must see whom they declared a conflict with.
 */
export function searchFiledOrganizations(db: DbOrTrx, text: string, limit: number): Promise<OrganizationMatch[]> {
  let q = db.selectFrom('organizations').select(['organizations.id', 'organizations.legal_name', 'organizations.country'])
    .where(({ exists, selectFrom }) => exists(selectFrom('submissions').select(sql.lit(1).as('one'))
      .whereRef('submissions.organization_id', '=', 'organizations.id').where('submissions.status', '<>', 'draft')));
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('organizations.legal_name', 'ilike', like), eb('organizations.uei', '=', text.toUpperCase())]));
  }
  return q.orderBy('organizations.legal_name').orderBy('organizations.id').limit(limit).execute();
}
