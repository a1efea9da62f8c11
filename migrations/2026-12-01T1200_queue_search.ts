import { sql, type Kysely } from 'kysely';

/**
 * The staff queue's full-text search and orders. `submissions.search` is a weighted tsvector (tracking
 * number, title and the organization's legal name A, summary B, argument C), kept by triggers: written when a row
 * is inserted or its text changes, and rewritten for every submission of an organization that is
 * renamed. It is outside the filed-content list of the freeze trigger, so filed rows may carry it.
 * Indexes: GIN over it, and b-trees matching the queue's real orders (newest filed first, per state).
 * Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE submissions ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector`.execute(db);
  await sql`
    CREATE FUNCTION submissions_search_vector(tracking text, title text, summary text, argument text, org_name text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector('simple', coalesce(tracking, '')), 'A')
        || setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(org_name, '')), 'A')
        || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
        || setweight(to_tsvector('english', coalesce(argument, '')), 'C')
    $$`.execute(db);
  await sql`
    CREATE FUNCTION submissions_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search := submissions_search_vector(NEW.tracking_number, NEW.title, NEW.summary, NEW.argument,
        (SELECT legal_name FROM organizations WHERE id = NEW.organization_id));
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER submissions_search BEFORE INSERT OR UPDATE OF tracking_number, title, summary, argument, organization_id
    ON submissions FOR EACH ROW EXECUTE FUNCTION submissions_search_fill()`.execute(db);
  await sql`
    CREATE FUNCTION organizations_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE submissions SET search = submissions_search_vector(tracking_number, title, summary, argument, NEW.legal_name)
        WHERE organization_id = NEW.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER organizations_search_refresh AFTER UPDATE OF legal_name ON organizations
    FOR EACH ROW WHEN (OLD.legal_name IS DISTINCT FROM NEW.legal_name)
    EXECUTE FUNCTION organizations_search_refresh()`.execute(db);
  await sql`UPDATE submissions s SET search = submissions_search_vector(s.tracking_number, s.title, s.summary, s.argument, o.legal_name)
    FROM organizations o WHERE o.id = s.organization_id`.execute(db);

  // Staff never see drafts, so every queue index leaves them out.
  await sql`CREATE INDEX submissions_search_idx ON submissions USING gin (search) WHERE status <> 'draft'`.execute(db);
  await sql`CREATE INDEX submissions_queue_submitted_idx ON submissions (submitted_at, id) WHERE status <> 'draft'`.execute(db);
  await sql`CREATE INDEX submissions_queue_updated_idx ON submissions (updated_at, id) WHERE status <> 'draft'`.execute(db);
  await sql`CREATE INDEX submissions_queue_created_idx ON submissions (created_at, id) WHERE status <> 'draft'`.execute(db);
  await sql`CREATE INDEX submissions_queue_state_idx ON submissions (status, submitted_at, id) WHERE status <> 'draft'`.execute(db);
  await sql`CREATE INDEX information_requests_open_idx ON information_requests (submission_id, due_at) WHERE answered_at IS NULL`.execute(db);
  await sql`CREATE INDEX assignments_open_submission_idx ON assignments (submission_id, due_at) WHERE ended_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['assignments_open_submission_idx', 'information_requests_open_idx', 'submissions_queue_state_idx',
    'submissions_queue_created_idx', 'submissions_queue_updated_idx', 'submissions_queue_submitted_idx', 'submissions_search_idx']) {
    await sql`DROP INDEX IF EXISTS ${sql.id(index)}`.execute(db);
  }
  await sql`DROP TRIGGER IF EXISTS organizations_search_refresh ON organizations`.execute(db);
  await sql`DROP TRIGGER IF EXISTS submissions_search ON submissions`.execute(db);
  await sql`DROP FUNCTION IF EXISTS organizations_search_refresh(); DROP FUNCTION IF EXISTS submissions_search_fill()`.execute(db);
  await sql`ALTER TABLE submissions DROP COLUMN search`.execute(db);
  await sql`DROP FUNCTION IF EXISTS submissions_search_vector(text, text, text, text, text)`.execute(db);
}
