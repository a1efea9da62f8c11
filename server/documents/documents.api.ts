import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import { authorize } from '../access/authorize';
import { recordAuditNow } from '../audit/audit.service';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { uuidParam } from '../http/params';
import { assertDraft } from '../submissions/submission.transitions';
import { visibleSubmission } from '../submissions/drafts.service';
import { documentJson } from '../submissions/submission.view';
import { ContentStore } from './content-store';
import { EVIDENCE_FIELD_NAMES, NOTICE_FIELD_NAMES, evidenceFieldsSchema, noticeFieldsSchema } from './documents.schemas';
import { addDocument, deleteDocument, discardStored, visibleDocument } from './documents.service';
import { sendStoredFile } from './download';
import { NOTICE_MAX_BYTES, addNotice, proceedingId, publicNotice, publicNotices } from './notices.service';
import { uploadBudget } from './upload-budget';
import { fileTooLarge } from './upload-errors';
import { receiveUpload } from './upload-receive';

const TAG = 'documents';

/**
 * Evidence uploads, deletions and downloads, and the proceedings' public notice documents.
 * Every upload route checks who, what state and how much room BEFORE reading the body.
 */
export function documentsApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn, requirePermission, askerFor } = createGuards(deps.db);
  const store = new ContentStore(deps.config.uploadsDir);
  const discard = (stored: Parameters<typeof discardStored>[2]) => discardStored(deps.db, store, stored);

  /** A multipart form for the OpenAPI document: the validated text fields plus the file itself. */
const withFile = (fields: object) => ({
  type: 'object', required: ['file'],
  properties: { ...(fields as { properties?: object }).properties, file: { type: 'string', format: 'binary' } },
});
const EVIDENCE_FORM = withFile(evidenceFieldsSchema);
const NOTICE_FORM = withFile(noticeFieldsSchema);

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

  describe({ method: 'get', path: '/documents/:id/content', tag: TAG, roles: ['any'],
    summary: 'The document\'s bytes (attachment, nosniff, CSP sandbox); for those who may see its submission.' });
  router.get('/documents/:id/content', requireSignIn, async (req, res) => {
    const doc = await visibleDocument(deps.db, askerFor(req), uuidParam(req.params['id'], 'document'));
    await recordAuditNow(deps.db, auditContext(req), {
      action: 'document.downloaded', subjectType: 'document', subjectId: doc.id, data: { submissionId: doc.submission_id, sha256: doc.sha256 },
    });
    await sendStoredFile(res, store, {
      storageKey: doc.storage_key, mediaType: doc.media_type, size: Number(doc.size), sha256: doc.sha256, originalName: doc.original_name,
    });
  });

  describe({ method: 'post', path: '/proceedings/:docket/notice-documents', tag: TAG, roles: ['admin'], response: { status: 201 }, multipartBody: NOTICE_FORM,
    summary: 'Add a document to the public notice package (multipart/form-data: file, title?).' });
  router.post('/proceedings/:docket/notice-documents', requirePermission('proceeding.update'), async (req, res) => {
    const docket = String(req.params['docket']);
    const proceeding = { id: await proceedingId(deps.db, docket), docket };
    const received = await receiveUpload(req, res, {
      store, limit: NOTICE_MAX_BYTES, tooLarge: () => fileTooLarge(NOTICE_MAX_BYTES), fields: NOTICE_FIELD_NAMES, discard,
    });
    const notice = await addNotice(deps.db, store, auditContext(req), req.actor!, proceeding, received);
    res.status(201).location(notice.url).json(notice);
  });

  describe({ method: 'get', path: '/proceedings/:docket/notice-documents', tag: TAG, summary: 'The public notice package of a proceeding.' });
  router.get('/proceedings/:docket/notice-documents', async (req, res) => {
    res.json({ items: await publicNotices(deps.db, String(req.params['docket'])) });
  });

  describe({ method: 'get', path: '/proceedings/:docket/notice-documents/:id/content', tag: TAG, summary: 'A notice document\'s bytes (public).' });
  router.get('/proceedings/:docket/notice-documents/:id/content', async (req, res) => {
    const n = await publicNotice(deps.db, String(req.params['docket']), uuidParam(req.params['id'], 'notice document'));
    await sendStoredFile(res, store, { storageKey: n.storage_key, mediaType: n.media_type, size: Number(n.size), sha256: n.sha256, originalName: n.original_name });
  });

  return router;
}
