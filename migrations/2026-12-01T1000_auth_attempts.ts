import { sql, type Kysely } from 'kysely';

/**
 * Every step that checks a secret (password, authenticator code, authenticator enrolment, e-mail
 * verification, account activation) and every registration records its attempt here before any
 * work is done, so the throttles count attempts (in-flight ones included), per account, per client
 * address and per pair of both. A successful sign-in is kept as a row too: it marks the address as
 * one the account's owner uses. Replaces sign_in_failures, which only the password step wrote and
 * which counted failures after the fact. Frozen file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('auth_attempts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull()
      .check(sql`kind IN ('password','totp','enrol','verify_email','activate','register')`))
    .addColumn('account_key', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('succeeded', 'boolean', (c) => c.notNull().defaultTo(sql`false`))
    .execute();
  await db.schema.createIndex('auth_attempts_account_idx').on('auth_attempts').columns(['kind', 'account_key', 'ip', 'at']).execute();
  await db.schema.createIndex('auth_attempts_ip_idx').on('auth_attempts').columns(['kind', 'ip', 'at']).execute();
  await db.schema.createIndex('auth_attempts_at_idx').on('auth_attempts').column('at').execute();
  await sql`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON auth_attempts TO portal_app;
      END IF;
    END $$`.execute(db);
  await db.schema.dropTable('sign_in_failures').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('sign_in_failures')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sign_in_failures_email_idx').on('sign_in_failures').columns(['email_key', 'at']).execute();
  await db.schema.createIndex('sign_in_failures_ip_idx').on('sign_in_failures').columns(['ip', 'at']).execute();
  await sql`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_failures TO portal_app;
      END IF;
    END $$`.execute(db);
  await db.schema.dropTable('auth_attempts').execute();
}
