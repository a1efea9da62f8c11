import { Router } from 'express';
import type { Deps } from '../deps';
import { recordAuditNow } from '../audit/audit.service';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { uuidParam } from '../http/params';
import { ContentStore } from '../documents/content-store';
import { visibleDocument } from '../documents/download';
import { loadReviewPage } from './review-page.service';
import { notPreviewable, previewKind, sendPreview } from './review-page.preview';

/**
 * The staff review page of one submission and its sandboxed document preview. Read-only: every
 * change is made on the action pages it links to. Roles without 'review.read' (vendors,
 * administrators) get an audited 403; a submission the reader may not see (a draft, a recused
 * organization's) an audited 404, as in the API.
 */
export function reviewPagePages(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);
  const store = new ContentStore(deps.config.uploadsDir);

  router.get('/review/submissions/:id', requirePermission('review.read'), async (req, res) => {
    const page = await loadReviewPage(deps.db, askerFor(req), uuidParam(req.params['id'], 'submission'), new Date());
    const { sub } = page;
    res.render('review/submission', { title: `Review ${sub.trackingNumber ?? sub.title}`, ...page });
  });

  router.get('/review/documents/:id/preview', requirePermission('review.read'), async (req, res) => {
    const doc = await visibleDocument(deps.db, askerFor(req), uuidParam(req.params['id'], 'document'));
    if (!previewKind(doc.media_type)) throw notPreviewable(doc.media_type);
    await recordAuditNow(deps.db, auditContext(req), {
      action: 'document.previewed', subjectType: 'document', subjectId: doc.id, data: { submissionId: doc.submission_id, sha256: doc.sha256 },
    });
    await sendPreview(res, store, { storageKey: doc.storage_key, mediaType: doc.media_type, size: Number(doc.size), sha256: doc.sha256 });
  });

  return router;
}
