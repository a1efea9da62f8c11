import { createHash } from 'node:crypto';
import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import { authorize, inAuthorizedTransaction, type Asker } from '../access/authorize';
import { deniedNow, recordAudit, type AuditContext } from '../audit/audit.service';
import { unprocessable } from '../http/errors';
import { findSubmission } from '../submissions/submissions.repository';
import { insertNote, listNotes, type NoteRow } from './notes.repository';
import type { NoteInput } from './notes.schemas';

/**
 * Internal notes: staff-only working remarks on a submission. They are never part of anything a
 * vendor reads (pages, API, e-mail, receipts); the audit event keeps only the note's SHA-256 and
 * length, so even the record (which legal exports) does not carry the text twice.
 */
export async function addNote(db: Db, ctx: AuditContext, actor: Actor, submissionId: string, input: NoteInput): Promise<NoteRow> {
  const body = input.body.replace(/\r\n?/g, '\n');
  if (!body.trim()) throw unprocessable('blank_note', 'Write the note: it cannot be only spaces or line breaks.');
  return inAuthorizedTransaction(db, { actor, recordDenial: deniedNow(db, ctx) }, {
    decision: 'note.add', subject: { type: 'submission', id: submissionId },
    lock: (trx) => findSubmission(trx, submissionId),
  }, async (trx) => {
    const note = await insertNote(trx, { submissionId, authorId: actor.userId, body });
    await recordAudit(trx, ctx, {
      action: 'note.added', subjectType: 'submission', subjectId: submissionId,
      data: { noteId: note.id, sha256: createHash('sha256').update(body, 'utf8').digest('hex'), length: body.length },
    });
    return { ...note, author_name: actor.name };
  });
}

/** The notes on a submission the asker may read them on (else 404, audited), newest last. */
export async function notesOf(db: Db, asker: Asker, submissionId: string): Promise<NoteRow[]> {
  await authorize(asker, 'note.read', { type: 'submission', id: submissionId }, await findSubmission(db, submissionId));
  return listNotes(db, submissionId);
}

/** A note as the API returns it. */
export const noteJson = (n: NoteRow) => ({
  id: n.id, submissionId: n.submission_id, body: n.body,
  author: { id: n.author_id, name: n.author_name }, createdAt: n.created_at.toISOString(),
});
