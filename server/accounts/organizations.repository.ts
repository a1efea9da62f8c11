import type { DbOrTrx } from '../db/database';

/** An organization by id, if it exists. */
export const findOrganization = (db: DbOrTrx, id: string) =>
  db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
