import type { DbOrTrx } from '../db/database';

/**
 * The organizations a staff member has an active (not ended) conflict with. Read once per
 * authenticated request into the actor, so every access decision and list filter sees it.
 */
export async function activeConflictOrganizations(db: DbOrTrx, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('conflicts').select('organization_id').distinct()
    .where('user_id', '=', userId).where('ended_at', 'is', null).execute();
  return rows.map((r) => r.organization_id);
}
