import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import type { Actor } from '../access/actor';
import { inAuthorizedTransaction } from '../access/authorize';
import { deniedNow, recordAudit, type AuditContext } from '../audit/audit.service';
import { conflict, notFound, unprocessable, type AppError } from '../http/errors';
import { discardStored, type ContentStore } from '../documents/content-store';
import { documentJson } from '../documents/document.json';
import { parseEvidenceFields, type EvidenceFields } from '../documents/documents.schemas';
import {
  deleteDocumentRow, findDocumentIn, findPublicVersion, insertDocument, nextExhibitLabel, type DocumentRow,
} from '../documents/documents.repository';
import { cleanLine, cleanText } from '../documents/filename';
import { assertFits } from '../documents/upload-budget';
import type { Received } from '../documents/upload-receive';
import { assertDraft } from './submission.transitions';
import { findSubmission } from './submissions.repository';

/** The submission a document is added to or removed from, locked, for a member of its organization. */
const draftToChange = (submissionId: string) => ({
  decision: 'submission.act' as const, subject: { type: 'submission', id: submissionId },
  lock: (trx: Transaction<Database>) => findSubmission(trx, submissionId, { forUpdate: true }),
});

/**
 * Adds an uploaded file to a draft as an exhibit. The file is already durable at its content
 * address; the row and its audit event commit together, after the draft, pairing and limits are
 * checked again under the submission's lock. On any failure the stored file is discarded.
 */
export async function addDocument(db: Db, store: ContentStore, ctx: AuditContext, actor: Actor, submissionId: string, received: Received): Promise<DocumentRow> {
  const { stored } = received;
  try {
    const fields = parseEvidenceFields(received.fields);
    return await inAuthorizedTransaction(db, { actor, recordDenial: deniedNow(db, ctx) }, draftToChange(submissionId), async (trx, sub) => {
      assertDraft(sub.status);
      const confidential = fields.confidential === 'true';
      const publicVersionOf = await checkPairing(trx, sub.id, confidential, fields.publicVersionOf?.toLowerCase());
      await assertFits(trx, sub, stored.size);
      await store.ensureInPlace(trx, stored.placement);
      const doc = await insertDocument(trx, {
        submissionId: sub.id, label: await labelFor(trx, sub.id, fields), description: cleanText(fields.description ?? ''),
        originalName: stored.originalName, mediaType: stored.mediaType, size: stored.size, sha256: stored.sha256,
        storageKey: stored.placement.key, confidential, publicVersionOf, flags: stored.flags, createdBy: actor.userId,
      });
      await recordAudit(trx, ctx, {
        action: 'document.uploaded', subjectType: 'document', subjectId: doc.id,
        data: { submissionId: sub.id, ...documentJson(doc) },
      });
      return doc;
    });
  } catch (err) {
    await discardStored(db, store, stored);
    throw err;
  } finally {
    await store.dropTemp(stored.placement.keptTemp).catch(() => undefined);
  }
}

async function labelFor(trx: Transaction<Database>, submissionId: string, fields: EvidenceFields): Promise<string> {
  const label = fields.label === undefined ? '' : cleanLine(fields.label);
  return label || nextExhibitLabel(trx, submissionId);
}

/** A public version names a confidential document of the same draft that has no public version yet. */
async function checkPairing(trx: Transaction<Database>, submissionId: string, confidential: boolean, target: string | undefined): Promise<string | null> {
  if (!target) return null;
  const invalid = (message: string): AppError => unprocessable('invalid_public_version', message, [{ field: 'publicVersionOf' }]);
  if (confidential) throw invalid('A public version cannot itself be confidential: send confidential=false with publicVersionOf.');
  const original = await findDocumentIn(trx, submissionId, target);
  if (!original || !original.confidential) throw invalid('publicVersionOf must name a confidential document of this draft.');
  const existing = await findPublicVersion(trx, original.id);
  if (existing) throw conflict('public_version_exists', `"${original.label}" already has a public version (${existing.label}). Delete that one first to replace it.`);
  return original.id;
}

/** Removes a document from a draft; its file goes too unless another row shares the content. */
export async function deleteDocument(db: Db, store: ContentStore, ctx: AuditContext, actor: Actor, submissionId: string, documentId: string): Promise<void> {
  const doc = await inAuthorizedTransaction(db, { actor, recordDenial: deniedNow(db, ctx) }, draftToChange(submissionId), async (trx, sub) => {
    assertDraft(sub.status);
    const row = await findDocumentIn(trx, sub.id, documentId);
    if (!row) throw notFound('document');
    const publicVersion = await findPublicVersion(trx, row.id);
    if (publicVersion) throw conflict('public_version_attached', `Delete its public version (${publicVersion.label}) first.`);
    await deleteDocumentRow(trx, row.id);
    await recordAudit(trx, ctx, { action: 'document.deleted', subjectType: 'document', subjectId: row.id, data: { submissionId: sub.id, before: documentJson(row) } });
    return row;
  });
  // After commit, under the key's lock: if this fails (crash, database gone) the sweep removes the orphan later.
  await store.removeIfUnreferenced(db, doc.storage_key).catch(() => false);
}
