import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import type { AppError } from '../http/errors';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { NOT_IN_FORM, formString, refusalToShow } from '../http/pages';
import { uuidParam } from '../http/params';
import { visibleSubmission } from '../submissions/drafts.service';
import type { Priority } from '../db/review-tables';
import { assignPageModel, dueAtFromForm, tagsFromForm } from './assignments.page-model';
import { assignReviewer, endAssignment } from './assignments.service';
import { triageSubmission } from './triage.service';

const NOTICES: Record<string, string> = {
  assigned: 'Reviewer assigned. They have been e-mailed.',
  ended: 'Assignment ended. Assign another reviewer to reassign the work.',
  triaged: 'Priority and tags saved.',
};

/**
 * The supervisor's assign page (/review/submissions/:id/assign): current assignments with End
 * buttons, the assign form, priority and tags. Each form calls the API's use case, so a refusal
 * shows here with the API's code; role (403) and visibility (404) refusals are audited the same way.
 */
export function assignmentPages(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);
  const env = { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) };
  const supervisorOnly = requirePermission('submission.triage');
  const pagePath = (id: string) => `/review/submissions/${id}/assign`;

  const show = async (req: Request, res: Response, o: { status?: number; error?: AppError; posted?: unknown } = {}) => {
    const sub = await visibleSubmission(deps.db, askerFor(req), uuidParam(req.params['id'], 'submission'));
    const model = await assignPageModel(deps.db, req.actor!, sub);
    const done = typeof req.query['done'] === 'string' ? NOTICES[req.query['done']] : undefined;
    res.status(o.status ?? 200).render('review/assign', {
      title: `Assign ${sub.tracking_number ?? sub.title}`, ...model, error: o.error, notice: o.error ? undefined : done,
      form: { reviewerId: formString(o.posted, 'reviewerId'), dueAt: formString(o.posted, 'dueAt') },
      ...(o.posted && formString(o.posted, 'form') === 'triage'
        ? { priority: formString(o.posted, 'priority'), tags: formString(o.posted, 'tags') } : {}),
    });
  };

  /** Runs a form's use case; success redirects with a notice, a refusal re-renders the page with it. */
  const handle = (done: string, work: (req: Request, id: string) => Promise<unknown>) => async (req: Request, res: Response) => {
    const id = uuidParam(req.params['id'], 'submission');
    try {
      await work(req, id);
      res.redirect(303, `${pagePath(id)}?done=${done}`);
    } catch (err) {
      const error = refusalToShow(err, NOT_IN_FORM);
      await show(req, res, { status: error.status, error, posted: req.body });
    }
  };

  router.get('/review/submissions/:id/assign', supervisorOnly, async (req, res) => { await show(req, res); });

  router.post('/review/submissions/:id/assign', supervisorOnly, handle('assigned', (req, id) => assignReviewer(deps.db, auditContext(req), askerFor(req), env, id, {
    reviewerId: formString(req.body, 'reviewerId'), dueAt: dueAtFromForm(formString(req.body, 'dueAt')),
  })));

  router.post('/review/submissions/:id/assignments/:assignmentId/end', supervisorOnly, handle('ended', (req, id) =>
    endAssignment(deps.db, auditContext(req), askerFor(req), id, uuidParam(req.params['assignmentId'], 'assignment'))));

  router.post('/review/submissions/:id/triage', supervisorOnly, handle('triaged', (req, id) => triageSubmission(deps.db, auditContext(req), askerFor(req), id, {
    priority: formString(req.body, 'priority') as Priority, tags: tagsFromForm(formString(req.body, 'tags')),
  })));

  return router;
}
