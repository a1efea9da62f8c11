import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { AppError, badRequest, unauthorized } from '../http/errors';
import { parser } from '../http/validate';
import { findUserById } from '../accounts/users.repository';
import { withdrawSubmission } from './drafts.service';
import { submitSubmission, type SubmitInput } from './submit.service';
import { IDEMPOTENCY_KEY, submitSchema, withdrawSchema } from './submissions.schemas';
import { NOT_IN_FORM, formString, refusalToShow } from '../http/pages';
import { isEditable, pageLoader, renderReview, renderView } from './submission.pages-render';

const parseWithdraw = parser(withdrawSchema);
const parseSubmit = parser(submitSchema);

/** The page's words for the schema's refusals of the typed name (the field the form calls "signature"). */
const SIGNATURE_HELP: Record<string, string> = {
  maxLength: 'Type your full name in at most 200 characters.',
  minLength: 'Type your full name to sign.',
};

/** The certification as the API's own parser reads it, from the review form. */
function certificationFromForm(body: unknown): SubmitInput {
  const certification = { accepted: formString(body, 'accept') === 'yes', signature: formString(body, 'signature') };
  try {
    return parseSubmit({ certification });
  } catch (err) {
    const detail = err instanceof AppError ? err.details[0] : undefined;
    const help = detail?.['field'] === 'certification.signature' ? SIGNATURE_HELP[String(detail['problem'])] : undefined;
    if (help) throw badRequest('invalid_request', help, [{ field: 'signature' }]);
    throw err;
  }
}

/**
 * Review before filing, filing, and withdrawal, as pages. Filing reads the form with the API's
 * parser and goes through submitSubmission with the review page's one-time key as the
 * Idempotency-Key, so two clicks file once.
 */
export function filingPages(deps: Deps): Router {
  const router = Router();
  const load = pageLoader(deps);
  const env = { receiptKey: deps.receiptKey, publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) };

  /** The filer's account row: whether their e-mail is verified is one of the filing rules. */
  const filer = async (req: Request) => {
    const user = req.actor ? await findUserById(deps.db, req.actor.userId) : undefined;
    if (!user) throw unauthorized();
    return user;
  };

  router.get('/submissions/:id/review', async (req, res) => {
    const d = await load(req, req.params['id']);
    // Only a draft of one's own organization can be filed; everyone else reads the submission.
    if (!isEditable(d)) return res.redirect(303, `/submissions/${d.sub.id}`);
    renderReview(res, d, await filer(req));
  });

  router.post('/submissions/:id/submit', async (req, res) => {
    const d = await load(req, req.params['id']);
    const user = await filer(req);
    try {
      const key = formString(req.body, 'idempotencyKey');
      if (!IDEMPOTENCY_KEY.test(key)) throw badRequest('invalid_idempotency_key', 'The form is missing its one-time filing key. Reload the review page and file again.');
      await submitSubmission(deps.db, auditContext(req), req.actor!, env, d.sub.id, certificationFromForm(req.body), key);
      res.redirect(303, `/submissions/${d.sub.id}/receipt?filed=1`);
    } catch (err) {
      const error = refusalToShow(err, NOT_IN_FORM);
      // Read again: the state may have moved (the other click filed it) since the page was loaded.
      renderReview(res, await load(req, d.sub.id), user, { status: error.status, error, posted: req.body });
    }
  });

  router.post('/submissions/:id/withdraw', async (req, res) => {
    const d = await load(req, req.params['id']);
    try {
      const { reason } = parseWithdraw({ reason: formString(req.body, 'reason').trim() });
      await withdrawSubmission(deps.db, auditContext(req), req.actor!, d.sub.id, reason);
      res.redirect(303, `/submissions/${d.sub.id}?withdrawn=1`);
    } catch (err) {
      const error = refusalToShow(err, NOT_IN_FORM);
      renderView(res, await load(req, d.sub.id), { status: error.status, error, posted: req.body });
    }
  });

  return router;
}
