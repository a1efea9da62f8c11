import { sql, type Kysely } from 'kysely';

/**
 * Review: conflicts of interest, assignments, internal notes, versioned findings, dispositions
 * (drafted, approved by a second person, issued, superseded), and triage fields on submissions.
 * Notes and findings are append-only by grant; an issued disposition's words never change
 * (trigger): a correction is a new disposition that supersedes it. Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('conflicts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('competitor','financial_interest','prior_employment','other')`))
    .addColumn('statement', 'text', (c) => c.notNull().check(sql`length(statement) BETWEEN 1 AND 5000`))
    .addColumn('declared_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX conflicts_active_user_idx ON conflicts (user_id, organization_id) WHERE ended_at IS NULL`.execute(db);
  await sql`CREATE INDEX conflicts_active_org_idx ON conflicts (organization_id) WHERE ended_at IS NULL`.execute(db);

  await db.schema.createTable('assignments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('submission_id', 'uuid', (c) => c.notNull().references('submissions.id'))
    .addColumn('reviewer_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('assigned_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ended_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('reminder_sent_at', 'timestamptz')
    .execute();
  await sql`CREATE UNIQUE INDEX assignments_open_uniq ON assignments (submission_id, reviewer_id) WHERE ended_at IS NULL`.execute(db);
  await sql`CREATE INDEX assignments_open_reviewer_idx ON assignments (reviewer_id, due_at) WHERE ended_at IS NULL`.execute(db);
  await sql`CREATE INDEX assignments_reminder_idx ON assignments (due_at) WHERE ended_at IS NULL AND reminder_sent_at IS NULL`.execute(db);

  await db.schema.createTable('notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('submission_id', 'uuid', (c) => c.notNull().references('submissions.id'))
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) BETWEEN 1 AND 20000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('notes_submission_idx').on('notes').columns(['submission_id', 'created_at']).execute();

  await db.schema.createTable('findings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('submission_id', 'uuid', (c) => c.notNull().references('submissions.id'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('arguments', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('findings_version_uniq', ['submission_id', 'version'])
    .execute();

  await db.schema.createTable('dispositions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('submission_id', 'uuid', (c) => c.notNull().references('submissions.id'))
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome IN ('sustained','partially_sustained','not_sustained','dismissed_untimely','dismissed_no_standing','withdrawn')`))
    .addColumn('rationale', 'text', (c) => c.notNull().check(sql`length(rationale) BETWEEN 1 AND 50000`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status IN ('draft','approved','issued','superseded')`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('drafted_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('editors', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('approved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('issued_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('issued_at', 'timestamptz')
    .addColumn('supersedes_id', 'uuid', (c) => c.references('dispositions.id'))
    .addColumn('supersede_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('dispositions_approval_pair', sql`(approved_by IS NULL) = (approved_at IS NULL)`)
    .addCheckConstraint('dispositions_issue_pair', sql`(issued_by IS NULL) = (issued_at IS NULL)`)
    .addCheckConstraint('dispositions_supersede_reason', sql`(supersedes_id IS NULL) = (supersede_reason IS NULL)`)
    .execute();
  // One disposition in preparation and one in force per submission at a time.
  await sql`CREATE UNIQUE INDEX dispositions_pending_uniq ON dispositions (submission_id) WHERE status IN ('draft','approved')`.execute(db);
  await sql`CREATE UNIQUE INDEX dispositions_issued_uniq ON dispositions (submission_id) WHERE status = 'issued'`.execute(db);
  await freezeIssuedDispositions(db);

  await db.schema.alterTable('submissions')
    .addColumn('priority', 'text', (c) => c.notNull().defaultTo('normal').check(sql`priority IN ('low','normal','high','urgent')`))
    .execute();
  await db.schema.alterTable('submissions').addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`)).execute();

  await sql`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        GRANT SELECT, INSERT, UPDATE ON conflicts, assignments, dispositions TO portal_app;
        GRANT SELECT, INSERT ON notes, findings TO portal_app;
      END IF;
    END $$`.execute(db);
}

/** An issued disposition's words and people never change; it may only become superseded. */
async function freezeIssuedDispositions(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION dispositions_freeze() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'disposition % cannot be deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF OLD.status IN ('issued','superseded') AND (
        NEW.submission_id, NEW.outcome, NEW.rationale, NEW.drafted_by, NEW.editors, NEW.approved_by, NEW.approved_at,
        NEW.issued_by, NEW.issued_at, NEW.supersedes_id, NEW.supersede_reason
      ) IS DISTINCT FROM (
        OLD.submission_id, OLD.outcome, OLD.rationale, OLD.drafted_by, OLD.editors, OLD.approved_by, OLD.approved_at,
        OLD.issued_by, OLD.issued_at, OLD.supersedes_id, OLD.supersede_reason
      ) THEN
        RAISE EXCEPTION 'disposition % is issued; its content cannot change', OLD.id USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF OLD.status = 'superseded' AND NEW.status <> 'superseded'
        OR OLD.status = 'issued' AND NEW.status NOT IN ('issued','superseded') THEN
        RAISE EXCEPTION 'disposition % cannot move from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER dispositions_freeze BEFORE UPDATE OR DELETE ON dispositions
    FOR EACH ROW EXECUTE FUNCTION dispositions_freeze()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('submissions').dropColumn('tags').execute();
  await db.schema.alterTable('submissions').dropColumn('priority').execute();
  await db.schema.dropTable('dispositions').execute();
  await sql`DROP FUNCTION IF EXISTS dispositions_freeze()`.execute(db);
  await db.schema.dropTable('findings').execute();
  await db.schema.dropTable('notes').execute();
  await db.schema.dropTable('assignments').execute();
  await db.schema.dropTable('conflicts').execute();
}
