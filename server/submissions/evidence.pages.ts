import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { authorize } from '../access/authorize';
import { NOT_IN_FORM, refusalToShow } from '../http/pages';
import { uuidParam } from '../http/params';
import { ContentStore, discardStored } from '../documents/content-store';
import { EVIDENCE_FIELD_NAMES } from '../documents/documents.schemas';
import { uploadBudget } from '../documents/upload-budget';
import { receiveUpload, type Received } from '../documents/upload-receive';
import { addDocument, deleteDocument } from './evidence.service';
import { assertDraft } from './submission.transitions';
import { pageLoader, renderSubmission, type PageData } from './submission.pages-render';

/**
 * A plain HTML form sends every field, empty or not; the API reads an empty `label` or
 * `publicVersionOf` as a bad value. Empty here means "not given", as the form's hints say.
 */
const withoutEmpty = (received: Received): Received => ({
  ...received,
  fields: Object.fromEntries(Object.entries(received.fields).filter(([, v]) => v !== '')),
});

/**
 * Evidence as pages: the no-JavaScript upload (public/upload.js sends the same form to the API
 * with progress instead) and removal. Both run the documents feature's own steps in the API's
 * order: access and state, then the budget, and only then is the body read.
 */
export function evidencePages(deps: Deps): Router {
  const router = Router();
  const load = pageLoader(deps);
  const { askerFor } = createGuards(deps.db);
  const store = new ContentStore(deps.config.uploadsDir);

  /** The editor again, with the refusal; a filed submission shows its read-only view instead. */
  const showRefusal = (res: Parameters<typeof renderSubmission>[0], d: PageData, err: unknown, req: Request) => {
    const error = refusalToShow(err, NOT_IN_FORM);
    renderSubmission(res, d, { status: error.status, error, uploadPosted: req.body });
  };

  router.post('/submissions/:id/documents', async (req, res) => {
    const d = await load(req, req.params['id']);
    // Only its organization adds to a submission, checked before the body is read: the API's audited 404.
    await authorize(askerFor(req), 'submission.act', { type: 'submission', id: d.sub.id }, d.sub);
    try {
      assertDraft(d.sub.status);
      const budget = await uploadBudget(deps.db, d.sub);
      const received = await receiveUpload(req, res, { store, ...budget, fields: EVIDENCE_FIELD_NAMES, discard: (s) => discardStored(deps.db, store, s) });
      await addDocument(deps.db, store, auditContext(req), req.actor!, d.sub.id, withoutEmpty(received));
      res.redirect(303, `/submissions/${d.sub.id}?uploaded=1`);
    } catch (err) {
      showRefusal(res, await load(req, d.sub.id), err, req);
    }
  });

  router.post('/submissions/:id/documents/:docId/delete', async (req, res) => {
    const d = await load(req, req.params['id']);
    const docId = uuidParam(req.params['docId'], 'document');
    try {
      await deleteDocument(deps.db, store, auditContext(req), req.actor!, d.sub.id, docId);
      res.redirect(303, `/submissions/${d.sub.id}?removed=1`);
    } catch (err) {
      showRefusal(res, await load(req, d.sub.id), err, req);
    }
  });

  return router;
}
