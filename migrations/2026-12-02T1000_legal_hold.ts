import { sql, type Kysely } from 'kysely';

/**
 * Legal holds and the audit browser's time filter.
 *
 * - `legal_holds`: one row per hold a proceeding was ever under (placed, then released), never
 *   deleted; at most one active per proceeding (partial unique index). The app role may insert and
 *   release, not delete; a trigger lets a row change only by being released, once.
 * - While a proceeding has an active hold the database refuses DELETE of anything of its record
 *   (the proceeding, its notice documents, its submissions, drafts included, their documents,
 *   information requests, assignments, notes, findings, dispositions, its tracking counter) with
 *   SQLSTATE VPH01, and TRUNCATE of those tables while any hold is active. The row trigger takes a
 *   key-share lock on the proceeding first, so a delete racing a hold being placed either commits
 *   before the hold or sees it (placing locks the proceeding FOR UPDATE).
 * - `audit_events (occurred_at, seq)`: GET /audit?from=&to= turns a time range into a seq range
 *   with two index probes, then walks the seq-ordered indexes it already has.
 * - `submissions (updated_at) WHERE status = 'draft'`: the abandoned-draft purge finds old drafts
 *   without reading filed submissions.
 * Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_events_occurred_idx').on('audit_events').columns(['occurred_at', 'seq']).execute();
  await sql`CREATE INDEX submissions_draft_touched_idx ON submissions (updated_at) WHERE status = 'draft'`.execute(db);

  await db.schema.createTable('legal_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('proceeding_id', 'uuid', (c) => c.notNull().references('proceedings.id'))
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) BETWEEN 1 AND 2000`))
    .addColumn('placed_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('placed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('released_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('released_at', 'timestamptz')
    .addColumn('release_reason', 'text', (c) => c.check(sql`length(release_reason) BETWEEN 1 AND 2000`))
    .addCheckConstraint('legal_holds_release_complete', sql`(released_at IS NULL) = (released_by IS NULL) AND (released_at IS NULL) = (release_reason IS NULL)`)
    .execute();
  await sql`CREATE UNIQUE INDEX legal_holds_one_active ON legal_holds (proceeding_id) WHERE released_at IS NULL`.execute(db);
  await db.schema.createIndex('legal_holds_proceeding_idx').on('legal_holds').columns(['proceeding_id', 'placed_at']).execute();
  await keepHoldHistory(db);
  await guardHeldRecords(db);

  await sql`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        GRANT SELECT, INSERT, UPDATE ON legal_holds TO portal_app;
      END IF;
    END $$`.execute(db);
}

/** A hold row is history: it is never deleted, and changes only by being released, once. */
async function keepHoldHistory(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION legal_holds_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'legal_holds keeps every hold; % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF OLD.released_at IS NOT NULL OR (NEW.id, NEW.proceeding_id, NEW.reason, NEW.placed_by, NEW.placed_at)
        IS DISTINCT FROM (OLD.id, OLD.proceeding_id, OLD.reason, OLD.placed_by, OLD.placed_at) THEN
        RAISE EXCEPTION 'legal hold % can only be released, once', OLD.id USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER legal_holds_keep_history BEFORE UPDATE OR DELETE ON legal_holds
    FOR EACH ROW EXECUTE FUNCTION legal_holds_keep_history()`.execute(db);
  await sql`CREATE TRIGGER legal_holds_no_truncate BEFORE TRUNCATE ON legal_holds
    FOR EACH STATEMENT EXECUTE FUNCTION legal_holds_keep_history()`.execute(db);
}

/**
 * Tables of a proceeding's record and how a row names its proceeding: directly (a column holding
 * the proceeding id) or through the submission it belongs to. Later tables of the record attach the
 * same function: `EXECUTE FUNCTION legal_hold_guard('proceeding' | 'submission', '<column>')`.
 */
const GUARDED: ReadonlyArray<[table: string, via: 'proceeding' | 'submission', column: string]> = [
  ['proceedings', 'proceeding', 'id'],
  ['notice_documents', 'proceeding', 'proceeding_id'],
  ['submissions', 'proceeding', 'proceeding_id'],
  ['tracking_counters', 'proceeding', 'proceeding_id'],
  ['documents', 'submission', 'submission_id'],
  ['information_requests', 'submission', 'submission_id'],
  ['assignments', 'submission', 'submission_id'],
  ['notes', 'submission', 'submission_id'],
  ['findings', 'submission', 'submission_id'],
  ['dispositions', 'submission', 'submission_id'],
];

async function guardHeldRecords(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION legal_hold_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      pid uuid;
      held record;
    BEGIN
      IF TG_ARGV[0] = 'submission' THEN
        SELECT proceeding_id INTO pid FROM submissions WHERE id = (to_jsonb(OLD) ->> TG_ARGV[1])::uuid;
      ELSE
        pid := (to_jsonb(OLD) ->> TG_ARGV[1])::uuid;
      END IF;
      IF pid IS NULL THEN
        RETURN OLD;
      END IF;
      -- Waits for a hold being placed on this proceeding (it holds the row FOR UPDATE), then sees it.
      PERFORM 1 FROM proceedings WHERE id = pid FOR KEY SHARE;
      SELECT p.docket, h.placed_at INTO held FROM legal_holds h JOIN proceedings p ON p.id = h.proceeding_id
        WHERE h.proceeding_id = pid AND h.released_at IS NULL;
      IF FOUND THEN
        RAISE EXCEPTION 'proceeding % is under a legal hold: DELETE from % refused', held.docket, TG_TABLE_NAME
          USING ERRCODE = 'VPH01',
            DETAIL = format('The hold was placed at %s and is still active.', held.placed_at),
            HINT = 'Nothing of a held proceeding may be deleted until legal staff release the hold.';
      END IF;
      RETURN OLD;
    END $$`.execute(db);
  await sql`
    CREATE FUNCTION legal_hold_guard_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM legal_holds WHERE released_at IS NULL) THEN
        RAISE EXCEPTION 'a legal hold is active: TRUNCATE of % refused', TG_TABLE_NAME USING ERRCODE = 'VPH01',
          HINT = 'Nothing of a held proceeding may be deleted until legal staff release the hold.';
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  for (const [table, via, column] of GUARDED) {
    await sql`CREATE TRIGGER ${sql.id(`${table}_legal_hold`)} BEFORE DELETE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION legal_hold_guard(${sql.lit(via)}, ${sql.lit(column)})`.execute(db);
    await sql`CREATE TRIGGER ${sql.id(`${table}_legal_hold_truncate`)} BEFORE TRUNCATE ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION legal_hold_guard_truncate()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table] of GUARDED) {
    await sql`DROP TRIGGER IF EXISTS ${sql.id(`${table}_legal_hold`)} ON ${sql.table(table)}`.execute(db);
    await sql`DROP TRIGGER IF EXISTS ${sql.id(`${table}_legal_hold_truncate`)} ON ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS legal_hold_guard(); DROP FUNCTION IF EXISTS legal_hold_guard_truncate()`.execute(db);
  await db.schema.dropTable('legal_holds').execute();
  await sql`DROP FUNCTION IF EXISTS legal_holds_keep_history()`.execute(db);
  await sql`DROP INDEX IF EXISTS submissions_draft_touched_idx`.execute(db);
  await db.schema.dropIndex('audit_events_occurred_idx').execute();
}
