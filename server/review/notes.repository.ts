import type { DbOrTrx } from '../db/database';

/** Appends a note (the table is append-only for the app role). */
export async function insertNote(db: DbOrTrx, n: { submissionId: string; authorId: string; body: string }) {
  return db.insertInto('notes').values({ submission_id: n.submissionId, author_id: n.authorId, body: n.body })
    .returning(['id', 'submission_id', 'author_id', 'body', 'created_at']).executeTakeFirstOrThrow();
}

/** A submission's notes with their authors' names, oldest first (newest last). */
export function listNotes(db: DbOrTrx, submissionId: string) {
  return db.selectFrom('notes').innerJoin('users', 'users.id', 'notes.author_id')
    .select(['notes.id', 'notes.submission_id', 'notes.author_id', 'notes.body', 'notes.created_at', 'users.name as author_name'])
    .where('notes.submission_id', '=', submissionId)
    .orderBy('notes.created_at', 'asc').orderBy('notes.id', 'asc')
    .execute();
}

export type NoteRow = Awaited<ReturnType<typeof listNotes>>[number];
