import type { Kysely } from 'kysely';

/** Deleting, discarding and sweeping look files up by storage key: index it on both tables. Frozen file. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('documents_storage_key_idx').on('documents').column('storage_key').execute();
  await db.schema.createIndex('notice_documents_storage_key_idx').on('notice_documents').column('storage_key').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notice_documents_storage_key_idx').execute();
  await db.schema.dropIndex('documents_storage_key_idx').execute();
}
