import { Kysely, Migrator, PostgresDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { Logger as WorkerLogger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import { migrations } from '../../migrations';

/**
 * Brings the database to the latest schema as the connecting (owner) role: our migrations, then the
 * job queue's own schema, then the grants the app role needs on it. Safe to run repeatedly and from
 * several processes at once (kysely and graphile-worker both take advisory locks).
 */
export async function migrateToLatest(connectionString: string, appRole = 'portal_app'): Promise<MigrationResultSet> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const result = await migrator.migrateToLatest();
    if (result.error) throw result.error;
    await runWorkerMigrations({ pgPool: pool, logger: quietWorkerLogger });
    await grantJobQueue(db, appRole);
    return result;
  } finally {
    await db.destroy();
  }
}

async function grantJobQueue(db: Kysely<unknown>, appRole: string): Promise<void> {
  const { rows } = await sql<{ ok: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${appRole}) AS ok`.execute(db);
  if (!rows[0]?.ok) return;
  const role = sql.id(appRole);
  await sql`GRANT USAGE ON SCHEMA graphile_worker TO ${role}`.execute(db);
  await sql`GRANT ALL ON ALL TABLES IN SCHEMA graphile_worker TO ${role}`.execute(db);
  await sql`GRANT ALL ON ALL SEQUENCES IN SCHEMA graphile_worker TO ${role}`.execute(db);
  await sql`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO ${role}`.execute(db);
  // The queue's private tables have row-level security with no policies (only the owner passes);
  // the app role enqueues and works jobs, so it gets an explicit allow-all policy on each.
  const { rows: tables } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'graphile_worker' AND c.relkind = 'r' AND c.relrowsecurity
      AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'app_role_all')`.execute(db);
  for (const { name } of tables) {
    await sql`CREATE POLICY app_role_all ON ${sql.id('graphile_worker', name)} TO ${role} USING (true) WITH CHECK (true)`.execute(db);
  }
}

/** graphile-worker logs every migration at info; keep only warnings and errors. */
const quietWorkerLogger = new WorkerLogger(() => (level, message) => {
  if (level === 'error' || level === 'warning') process.stderr.write(`[jobs] ${level}: ${message}\n`);
});
