import { sql, type Kysely } from 'kysely';

/**
 * Tells listening portal processes that what a sign-in lookup returns may have changed
 * (server/db/change-feed.ts, docs/credential-cache.md): a statement-level trigger on every table the
 * token lookup reads (api_tokens, users, conflicts) and on audit_events (the lookup returns the
 * chain's head, and every change to the record writes an event) sends `NOTIFY vrp_changes` with the
 * table's name. PostgreSQL delivers it at commit, folds repeats within a transaction into one, and
 * drops it when the transaction rolls back. TRUNCATE is covered too. Frozen file.
 */
const TABLES = ['api_tokens', 'users', 'conflicts', 'audit_events'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION vrp_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('vrp_changes', TG_TABLE_NAME);
      RETURN NULL;
    END $$`.execute(db);
  for (const table of TABLES) {
    await sql`CREATE TRIGGER ${sql.id(`${table}_notify_change`)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION vrp_notify_change()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql`DROP TRIGGER ${sql.id(`${table}_notify_change`)} ON ${sql.table(table)}`.execute(db);
  await sql`DROP FUNCTION vrp_notify_change()`.execute(db);
}
