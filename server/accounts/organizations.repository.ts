import type { DbOrTrx, StandingBasis } from '../db/database';

/** An organization by id, if it exists. */
export const findOrganization = (db: DbOrTrx, id: string) =>
  db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();

/** A new organization with its standing attestation; returns its id. */
export async function insertOrganization(db: DbOrTrx, o: {
  legalName: string; country: string; uei: string | null; standingBasis: StandingBasis; standingStatement: string;
}): Promise<string> {
  const row = await db.insertInto('organizations').values({
    legal_name: o.legalName, country: o.country, uei: o.uei, standing_basis: o.standingBasis, standing_statement: o.standingStatement,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}
