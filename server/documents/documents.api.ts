import { Router } from 'express';
import type { Deps } from '../deps';
import { recordAuditNow } from '../audit/audit.service';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe, multipartForm } from '../http/openapi';
import { uuidParam } from '../http/params';
import { ContentStore, discardStored } from './content-store';
import { NOTICE_FIELD_NAMES, noticeFieldsSchema } from './documents.schemas';
import { sendStoredFile, visibleDocument } from './download';
import { NOTICE_MAX_BYTES, addNotice, proceedingId, publicNotice, publicNotices } from './notices.service';
import { fileTooLarge } from './upload-errors';
import { receiveUpload } from './upload-receive';

const TAG = 'documents';
const NOTICE_FORM = multipartForm(noticeFieldsSchema);

/**
 * Document downloads and the proceedings' public notice documents (a draft's evidence uploads are
 * the submissions feature's routes, over the same machinery). Every upload route checks who and
 * how much room BEFORE reading the body.
 */
export function documentsApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn, requirePermission, askerFor } = createGuards(deps.db);
  const store = new ContentStore(deps.config.uploadsDir);
  const discard = (stored: Parameters<typeof discardStored>[2]) => discardStored(deps.db, store, stored);

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
