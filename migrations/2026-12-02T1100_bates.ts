import { sql, type Kysely } from 'kysely';

/**
 * Bates numbers of the legal export (issue 10, docs/export-stamping.md). `bates_series` holds each
 * proceeding's prefix (unique across proceedings, letters and digits only, so it can never take the
 * tracking-number shape `<docket>-NNNNNN`) and the last number given out; `bates_ranges` holds the
 * range each document (a notice document or a submission's document) was given, once.
 *
 * The database itself keeps the promises: a range is never updated or deleted (trigger and grants);
 * a new range of a proceeding starts after every range it already has (trigger, under the series
 * row's lock), so ranges never overlap and numbers are never reused; the counter only grows; the
 * prefix never changes once a range carries it; a range names a document of its own proceeding.
 * Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('bates_series')
    .addColumn('proceeding_id', 'uuid', (c) => c.primaryKey().references('proceedings.id'))
    .addColumn('prefix', 'text', (c) => c.notNull().unique().check(sql`prefix ~ '^[A-Z0-9]{2,48}$'`))
    .addColumn('last_number', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`last_number >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.createTable('bates_ranges')
    .addColumn('document_id', 'uuid', (c) => c.primaryKey())
    .addColumn('proceeding_id', 'uuid', (c) => c.notNull().references('bates_series.proceeding_id'))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source IN ('notice','submission')`))
    .addColumn('first_number', 'bigint', (c) => c.notNull().check(sql`first_number >= 1`))
    .addColumn('last_number', 'bigint', (c) => c.notNull())
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('bates_ranges_ordered', sql`last_number >= first_number`)
    .execute();
  await sql`CREATE UNIQUE INDEX bates_ranges_first_idx ON bates_ranges (proceeding_id, first_number)`.execute(db);

  await sql`
    CREATE FUNCTION bates_ranges_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      series_last bigint;
      highest bigint;
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'Bates ranges cannot be removed' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'Bates range of document % cannot be changed or removed', OLD.document_id
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      -- The series row's lock orders every allocation of the proceeding.
      SELECT last_number INTO series_last FROM bates_series WHERE proceeding_id = NEW.proceeding_id FOR UPDATE;
      -- Ranges only ever grow, so the one that starts highest also ends highest (and the index finds it).
      SELECT last_number INTO highest FROM bates_ranges WHERE proceeding_id = NEW.proceeding_id
        ORDER BY first_number DESC LIMIT 1;
      IF highest IS NOT NULL AND NEW.first_number <= highest THEN
        RAISE EXCEPTION 'Bates range % to % overlaps or precedes numbers already given out (up to %)',
          NEW.first_number, NEW.last_number, highest USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF NEW.last_number > series_last THEN
        RAISE EXCEPTION 'Bates range % to % is beyond the counter (%)', NEW.first_number, NEW.last_number, series_last
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF NEW.source = 'notice' AND NOT EXISTS (
        SELECT 1 FROM notice_documents WHERE id = NEW.document_id AND proceeding_id = NEW.proceeding_id
      ) OR NEW.source = 'submission' AND NOT EXISTS (
        SELECT 1 FROM documents d JOIN submissions s ON s.id = d.submission_id
        WHERE d.id = NEW.document_id AND s.proceeding_id = NEW.proceeding_id
      ) THEN
        RAISE EXCEPTION 'document % is not a % document of proceeding %', NEW.document_id, NEW.source, NEW.proceeding_id
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER bates_ranges_check BEFORE INSERT OR UPDATE OR DELETE ON bates_ranges
    FOR EACH ROW EXECUTE FUNCTION bates_ranges_check()`.execute(db);
  await sql`CREATE TRIGGER bates_ranges_no_truncate BEFORE TRUNCATE ON bates_ranges
    FOR EACH STATEMENT EXECUTE FUNCTION bates_ranges_check()`.execute(db);

  await sql`
    CREATE FUNCTION bates_series_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'a Bates series cannot be removed' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF NEW.last_number < OLD.last_number THEN
        RAISE EXCEPTION 'Bates numbers of proceeding % are never reused (counter % cannot go back to %)',
          OLD.proceeding_id, OLD.last_number, NEW.last_number USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF NEW.proceeding_id <> OLD.proceeding_id OR (NEW.prefix <> OLD.prefix AND OLD.last_number > 0) THEN
        RAISE EXCEPTION 'the Bates prefix % is in use and cannot change', OLD.prefix
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER bates_series_check BEFORE UPDATE OR DELETE ON bates_series
    FOR EACH ROW EXECUTE FUNCTION bates_series_check()`.execute(db);
  await sql`CREATE TRIGGER bates_series_no_truncate BEFORE TRUNCATE ON bates_series
    FOR EACH STATEMENT EXECUTE FUNCTION bates_series_check()`.execute(db);

  await sql`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        GRANT SELECT, INSERT, UPDATE ON bates_series TO portal_app;
        GRANT SELECT, INSERT ON bates_ranges TO portal_app;
      END IF;
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS bates_ranges`.execute(db);
  await sql`DROP TABLE IF EXISTS bates_series`.execute(db);
  await sql`DROP FUNCTION IF EXISTS bates_ranges_check(); DROP FUNCTION IF EXISTS bates_series_check()`.execute(db);
}
