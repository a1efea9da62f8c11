import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import { authorize } from '../access/authorize';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe, multipartForm } from '../http/openapi';
import { uuidParam } from '../http/params';
import { ContentStore, discardStored } from '../documents/content-store';
import { documentJson } from '../documents/document.json';
import { EVIDENCE_FIELD_NAMES, evidenceFieldsSchema } from '../documents/documents.schemas';
import { uploadBudget } from '../documents/upload-budget';
import { receiveUpload } from '../documents/upload-receive';
import { visibleSubmission } from './drafts.service';
import { addDocument, deleteDocument } from './evidence.service';
import { assertDraft } from './submission.transitions';

const TAG = 'documents';
const EVIDENCE_FORM = multipartForm(evidenceFieldsSchema);

/**
 * A draft's evidence over the API: attach and remove. The upload route checks who, what state and
 * how much room BEFORE reading the body; the bytes go through the documents feature's machinery.
 */
export function evidenceApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn, askerFor } = createGuards(deps.db);
  const store = new ContentStore(deps.config.uploadsDir);
  const discard = (stored: Parameters<typeof discardStored>[2]) => discardStored(deps.db, store, stored);

  /** The caller's own draft, or the audited 404 / the 409 for a filed one. */
  const ownDraft = async (req: Request) => {
    const id = uuidParam(req.params['id'], 'submission');
    const asker = askerFor(req);
    const sub = await authorize(asker, 'submission.act', { type: 'submission', id }, await visibleSubmission(deps.db, asker, id));
    assertDraft(sub.status);
    return sub;
  };

  describe({ method: 'post', path: '/submissions/:id/documents', tag: TAG, roles: ['vendor'], response: { status: 201 }, multipartBody: EVIDENCE_FORM,
    summary: 'Attach a document to a draft (multipart/form-data: file, label?, description?, confidential?, publicVersionOf?).' });
  router.post('/submissions/:id/documents', requireSignIn, async (req, res) => {
    const sub = await ownDraft(req);
    const budget = await uploadBudget(deps.db, sub);
    const received = await receiveUpload(req, res, { store, ...budget, fields: EVIDENCE_FIELD_NAMES, discard });
    const doc = await addDocument(deps.db, store, auditContext(req), req.actor!, sub.id, received);
    res.status(201).location(`/api/v1/documents/${doc.id}/content`).json(documentJson(doc));
  });

  describe({ method: 'delete', path: '/submissions/:id/documents/:docId', tag: TAG, roles: ['vendor'], response: { status: 204 },
    summary: 'Remove a document from a draft.' });
  router.delete('/submissions/:id/documents/:docId', requireSignIn, async (req, res) => {
    const sub = await ownDraft(req);
    await deleteDocument(deps.db, store, auditContext(req), req.actor!, sub.id, uuidParam(req.params['docId'], 'document'));
    res.status(204).end();
  });

  return router;
}
