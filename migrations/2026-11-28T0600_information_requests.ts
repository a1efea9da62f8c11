import { sql, type Kysely } from 'kysely';

/**
 * Information requests: staff ask the organization behind a filed response a question with a due
 * date. While one is open, the vendor may answer it (a `reply_to_request`) and file supplements
 * even after the response window has closed. Answered requests keep the reply that answered them.
 * Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('information_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('submission_id', 'uuid', (c) => c.notNull().references('submissions.id'))
    .addColumn('question', 'text', (c) => c.notNull().check(sql`length(question) BETWEEN 1 AND 10000`))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('answered_by', 'uuid', (c) => c.references('submissions.id'))
    .addColumn('answered_at', 'timestamptz')
    .addCheckConstraint('information_requests_answer_pair', sql`(answered_by IS NULL) = (answered_at IS NULL)`)
    .execute();
  await db.schema.createIndex('information_requests_submission_idx').on('information_requests').column('submission_id').execute();
  await sql`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        GRANT SELECT, INSERT, UPDATE ON information_requests TO portal_app;
      END IF;
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('information_requests').execute();
}
