import { sql, type Kysely } from 'kysely';

/**
 * Exports of a proceeding's record (docs/exports.md): one row per production requested through the
 * API or the pages, built by the `build_export` job. The archive itself is a file under
 * DATA_DIR/exports/ (`file_key`), written under a temporary name and renamed when complete. Rows
 * are never deleted by the app (the record says who exported what, when); `heartbeat_at` is how a
 * job that died with its worker is told apart from one still running. Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('exports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('proceeding_id', 'uuid', (c) => c.notNull().references('proceedings.id'))
    .addColumn('include_confidential', 'boolean', (c) => c.notNull())
    .addColumn('requested_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued').check(sql`status IN ('queued','running','done','failed')`))
    .addColumn('progress', 'smallint', (c) => c.notNull().defaultTo(0).check(sql`progress BETWEEN 0 AND 100`))
    .addColumn('items', 'integer', (c) => c.notNull().defaultTo(0).check(sql`items >= 0`))
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`bytes >= 0`))
    .addColumn('manifest_sha256', 'text', (c) => c.check(sql`manifest_sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('audit_head_hash', 'text')
    .addColumn('file_key', 'text', (c) => c.check(sql`file_key ~ '^[0-9a-f-]{36}\\.zip$'`))
    .addColumn('error_code', 'text', (c) => c.check(sql`error_code ~ '^[a-z][a-z0-9_]{0,62}$'`))
    .addColumn('error_message', 'text', (c) => c.check(sql`length(error_message) <= 2000`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('heartbeat_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addCheckConstraint('exports_done_complete', sql`status <> 'done' OR (manifest_sha256 IS NOT NULL AND file_key IS NOT NULL AND finished_at IS NOT NULL AND progress = 100)`)
    .addCheckConstraint('exports_failed_explained', sql`status <> 'failed' OR (error_code IS NOT NULL AND error_message IS NOT NULL AND finished_at IS NOT NULL)`)
    .addCheckConstraint('exports_error_pair', sql`(error_code IS NULL) = (error_message IS NULL)`)
    .execute();
  // The list: newest first, keyset on (created_at, id). The sweep: only unfinished rows.
  await sql`CREATE INDEX exports_created_idx ON exports (created_at, id)`.execute(db);
  await sql`CREATE INDEX exports_proceeding_idx ON exports (proceeding_id, created_at)`.execute(db);
  await sql`CREATE INDEX exports_unfinished_idx ON exports (heartbeat_at) WHERE status IN ('queued','running')`.execute(db);
  await sql`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        GRANT SELECT, INSERT, UPDATE ON exports TO portal_app;
      END IF;
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exports').execute();
}
