import { type Kysely, sql } from 'kysely';

/**
 * Vendor responses: organization standing, notice documents, submissions and their evidence,
 * gap-free tracking counters, idempotency keys. Filed submissions and their documents are frozen
 * by triggers: the database itself refuses to change what a receipt vouches for. Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations')
    .addColumn('standing_basis', 'text', (c) => c.notNull().defaultTo('directly_impacted')
      .check(sql`standing_basis IN ('named_party','directly_impacted')`))
    .addColumn('standing_statement', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  await db.schema.createTable('notice_documents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('proceeding_id', 'uuid', (c) => c.notNull().references('proceedings.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('notice_documents_proceeding_idx').on('notice_documents').column('proceeding_id').execute();

  await db.schema.createTable('submissions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('proceeding_id', 'uuid', (c) => c.notNull().references('proceedings.id'))
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id'))
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('response','supplement','reply_to_request')`))
    .addColumn('parent_id', 'uuid', (c) => c.references('submissions.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft')
      .check(sql`status IN ('draft','submitted','in_review','decided','withdrawn')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('argument', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('tracking_number', 'text', (c) => c.unique())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('submitted_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('certification', 'jsonb')
    .addColumn('standing', 'jsonb')
    .addColumn('content_digest', 'text')
    .addColumn('receipt', 'jsonb')
    .addColumn('withdrawn_at', 'timestamptz')
    .addColumn('withdrawal_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('submissions_filed_complete', sql`status = 'draft' OR (tracking_number IS NOT NULL AND submitted_at IS NOT NULL AND receipt IS NOT NULL)`)
    .addCheckConstraint('submissions_parent_kind', sql`(kind = 'response') = (parent_id IS NULL)`)
    .execute();
  await db.schema.createIndex('submissions_org_idx').on('submissions').columns(['organization_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('submissions_status_idx').on('submissions').columns(['proceeding_id', 'status', 'submitted_at', 'id']).execute();

  await db.schema.createTable('documents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('submission_id', 'uuid', (c) => c.notNull().references('submissions.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('confidential', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('public_version_of', 'uuid', (c) => c.references('documents.id'))
    .addColumn('flags', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('documents_public_version_not_confidential', sql`public_version_of IS NULL OR NOT confidential`)
    .execute();
  await db.schema.createIndex('documents_submission_idx').on('documents').column('submission_id').execute();
  await sql`CREATE UNIQUE INDEX documents_one_public_version ON documents (public_version_of) WHERE public_version_of IS NOT NULL`.execute(db);

  await db.schema.createTable('tracking_counters')
    .addColumn('proceeding_id', 'uuid', (c) => c.primaryKey().references('proceedings.id'))
    .addColumn('last_value', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema.createTable('idempotency_keys')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute();

  await freezeFiledSubmissions(db);
  await sql`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON notice_documents, submissions, documents, tracking_counters, idempotency_keys TO portal_app;
      END IF;
    END $$`.execute(db);
}

/** Content of a filed submission and its documents can never change again (PRODUCT.md: Submission). */
async function freezeFiledSubmissions(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION submissions_freeze() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
          RAISE EXCEPTION 'submission % is filed and cannot be deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
      END IF;
      IF OLD.status <> 'draft' AND (
        NEW.proceeding_id, NEW.organization_id, NEW.created_by, NEW.kind, NEW.parent_id, NEW.title, NEW.summary,
        NEW.argument, NEW.fields, NEW.tracking_number, NEW.submitted_at, NEW.submitted_by, NEW.late,
        NEW.certification, NEW.standing, NEW.content_digest, NEW.receipt
      ) IS DISTINCT FROM (
        OLD.proceeding_id, OLD.organization_id, OLD.created_by, OLD.kind, OLD.parent_id, OLD.title, OLD.summary,
        OLD.argument, OLD.fields, OLD.tracking_number, OLD.submitted_at, OLD.submitted_by, OLD.late,
        OLD.certification, OLD.standing, OLD.content_digest, OLD.receipt
      ) THEN
        RAISE EXCEPTION 'submission % is filed; its content cannot change', OLD.id USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF OLD.status <> 'draft' AND NEW.status = 'draft' THEN
        RAISE EXCEPTION 'submission % is filed and cannot return to draft', OLD.id USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER submissions_freeze BEFORE UPDATE OR DELETE ON submissions
    FOR EACH ROW EXECUTE FUNCTION submissions_freeze()`.execute(db);

  await sql`
    CREATE FUNCTION documents_freeze() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      parent_status text;
    BEGIN
      SELECT status INTO parent_status FROM submissions
        WHERE id = COALESCE(NEW.submission_id, OLD.submission_id) FOR SHARE;
      IF parent_status <> 'draft' OR (TG_OP = 'UPDATE' AND OLD.submission_id <> NEW.submission_id) THEN
        RAISE EXCEPTION 'documents of a filed submission cannot change' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER documents_freeze BEFORE INSERT OR UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_freeze()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['idempotency_keys', 'tracking_counters', 'documents', 'submissions', 'notice_documents']) {
    await db.schema.dropTable(t).execute();
  }
  await sql`DROP FUNCTION IF EXISTS submissions_freeze(); DROP FUNCTION IF EXISTS documents_freeze()`.execute(db);
  await db.schema.alterTable('organizations').dropColumn('standing_basis').dropColumn('standing_statement').execute();
}
