import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { authorize } from '../access/authorize';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { badRequest, type AppError } from '../http/errors';
import { NOT_IN_FORM, formString, refusalToShow, signedIn } from '../http/pages';
import { singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { findSubmission } from '../submissions/submissions.repository';
import { createRequestSchema } from './information-requests.schemas';
import { createInformationRequest, previewInformationRequest } from './information-requests.service';

const parseCreate = parser(createRequestSchema);

/** The due date a compose form carries: its date field (end of that day, UTC), or the preview's exact instant. */
function dueAtFrom(body: unknown): string {
  const exact = formString(body, 'dueAt');
  if (exact) return exact;
  const day = formString(body, 'dueDate');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw badRequest('invalid_due_date', 'Give the due date as a date (YYYY-MM-DD).');
  return `${day}T23:59:00.000Z`;
}

const inputFrom = (body: unknown) => parseCreate({ question: formString(body, 'question'), dueAt: dueAtFrom(body) });

/**
 * An information request in three steps: compose (question, due date), preview (the vendor's page
 * entry and the e-mail, from the functions the send uses), and only then Send. The composed
 * fields travel in hidden inputs; nothing is written until Send.
 */
export function informationRequestPages(deps: Deps): Router {
  const router = Router();
  const { askerFor } = createGuards(deps.db);
  const env = { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) };
  const base = '/review/submissions/:id/information-requests';

  /** The compose form, for staff allowed to ask about this submission (else 404 / 403, audited). */
  const compose = async (req: Request, res: Response, o: { status?: number; error?: AppError; notice?: string } = {}) => {
    const id = uuidParam(req.params['id'], 'submission');
    const sub = await authorize(askerFor(req), 'information_request.create', { type: 'submission', id }, await findSubmission(deps.db, id));
    const posted = req.method === 'POST' ? req.body : undefined;
    const dueAt = formString(posted, 'dueAt');
    res.status(o.status ?? 200).render('review/information-request-new', {
      title: `Information request: ${sub.tracking_number ?? sub.title}`, sub: { id: sub.id, title: sub.title, trackingNumber: sub.tracking_number },
      question: formString(posted, 'question'), dueDate: formString(posted, 'dueDate') || dueAt.slice(0, 10),
      error: o.error, notice: o.notice,
    });
  };

  router.get(`${base}/new`, async (req, res) => {
    const q = singleQuery(req.query, ['sent']);
    await compose(req, res, { notice: q['sent'] === '1' ? 'The information request was sent: the vendor sees it on its submission page and was e-mailed.' : undefined });
  });

  // "Change it" from the preview: the compose form again with what was typed; nothing is written.
  router.post(`${base}/new`, async (req, res) => { await compose(req, res); });

  router.post(`${base}/preview`, async (req, res) => {
    const actor = signedIn(req);
    try {
      const p = await previewInformationRequest(deps.db, auditContext(req), actor, env, uuidParam(req.params['id'], 'submission'), inputFrom(req.body));
      res.render('review/information-request-preview', {
        title: `Preview the information request: ${p.sub.tracking_number ?? p.sub.title}`,
        sub: { id: p.sub.id, title: p.sub.title, trackingNumber: p.sub.tracking_number },
        question: p.question, dueAt: p.dueAt.toISOString(), dueDate: p.dueAt.toISOString().slice(0, 10), page: p.page, email: p.email,
      });
    } catch (err) {
      const error = refusalToShow(err, NOT_IN_FORM);
      await compose(req, res, { status: error.status, error });
    }
  });

  // The send: the same use case as POST /api/v1/submissions/{id}/information-requests.
  router.post(base, async (req, res) => {
    const actor = signedIn(req);
    const id = uuidParam(req.params['id'], 'submission');
    try {
      await createInformationRequest(deps.db, auditContext(req), actor, env, id, inputFrom(req.body));
      res.redirect(303, `/review/submissions/${id}/information-requests/new?sent=1`);
    } catch (err) {
      const error = refusalToShow(err, NOT_IN_FORM);
      await compose(req, res, { status: error.status, error });
    }
  });

  return router;
}
