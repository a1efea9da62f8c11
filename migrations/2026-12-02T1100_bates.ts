import { sql, type Kysely } from 'kysely';

/**
 * Bates numbers of the legal export (issue 10, docs/export-stamping.md). `bates_series` holds each
 * proceeding's prefix (unique across proceedings, letters and digits only, so it can never take the
 * tracking-number shape `<docket>-NNNNNN`) and the last number given out; `bates_ranges` holds the
 * range each document (a notice document or a submission's document) was given, once.
 *
 * The database itself keeps the promises: a range is never updated or deleted (trigger and grants);
 * new ranges of a proceeding start after every range it already had and do not overlap one another
 * (checked once per INSERT statement, under the series rows' locks), so ranges never overlap and
 * numbers are never reused; they end within the counter, which only grows; the prefix never changes
 * once a range carries it; a range names a document of its own proceeding.
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
    CREATE FUNCTION bates_ranges_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'Bates ranges cannot be removed' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RAISE EXCEPTION 'Bates range of document % cannot be changed or removed', OLD.document_id
        USING ERRCODE = 'integrity_constraint_violation';
    END $$`.execute(db);
  await sql`CREATE TRIGGER bates_ranges_frozen BEFORE UPDATE OR DELETE ON bates_ranges
    FOR EACH ROW EXECUTE FUNCTION bates_ranges_frozen()`.execute(db);
  await sql`CREATE TRIGGER bates_ranges_no_truncate BEFORE TRUNCATE ON bates_ranges
    FOR EACH STATEMENT EXECUTE FUNCTION bates_ranges_frozen()`.execute(db);

  // Checked once per INSERT statement over all its rows (an export inserts thousands at a time).
  await sql`
    CREATE FUNCTION bates_ranges_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      bad record;
    BEGIN
      -- The series rows' locks order every allocation of each proceeding.
      PERFORM 1 FROM bates_series WHERE proceeding_id IN (SELECT proceeding_id FROM inserted) ORDER BY proceeding_id FOR UPDATE;
      -- New ranges start after every range the proceeding had before this statement...
      WITH prior AS (
        SELECT r.proceeding_id, max(r.last_number) AS highest FROM bates_ranges r
         WHERE r.proceeding_id IN (SELECT proceeding_id FROM inserted)
           AND NOT EXISTS (SELECT 1 FROM inserted n WHERE n.document_id = r.document_id)
         GROUP BY r.proceeding_id)
      SELECT i.first_number, p.highest INTO bad FROM inserted i JOIN prior p ON p.proceeding_id = i.proceeding_id
       WHERE i.first_number <= p.highest LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'Bates range starting at % overlaps or precedes numbers already given out (up to %)', bad.first_number, bad.highest
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      -- ...do not overlap one another...
      SELECT x.first_number, x.prev_last INTO bad FROM (
        SELECT first_number, lag(last_number) OVER (PARTITION BY proceeding_id ORDER BY first_number) AS prev_last FROM inserted) x
        WHERE x.first_number <= x.prev_last LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'Bates range starting at % overlaps another (ending at %)', bad.first_number, bad.prev_last
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      -- ...end within the counter...
      SELECT i.first_number, i.last_number, s.last_number AS counter INTO bad FROM inserted i
        JOIN bates_series s ON s.proceeding_id = i.proceeding_id WHERE i.last_number > s.last_number LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'Bates range % to % is beyond the counter (%)', bad.first_number, bad.last_number, bad.counter
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      -- ...and name a document of their own proceeding.
      SELECT i.document_id, i.source, i.proceeding_id INTO bad FROM inserted i
        WHERE NOT (i.source = 'notice' AND EXISTS (
            SELECT 1 FROM notice_documents WHERE id = i.document_id AND proceeding_id = i.proceeding_id)
          OR i.source = 'submission' AND EXISTS (
            SELECT 1 FROM documents d JOIN submissions s ON s.id = d.submission_id
            WHERE d.id = i.document_id AND s.proceeding_id = i.proceeding_id))
        LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'document % is not a % document of proceeding %', bad.document_id, bad.source, bad.proceeding_id
          USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER bates_ranges_check AFTER INSERT ON bates_ranges
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION bates_ranges_check()`.execute(db);

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
  await sql`DROP FUNCTION IF EXISTS bates_ranges_check(); DROP FUNCTION IF EXISTS bates_ranges_frozen(); DROP FUNCTION IF EXISTS bates_series_check()`.execute(db);
}
