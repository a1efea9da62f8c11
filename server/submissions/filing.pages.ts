import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { badRequest, unauthorized } from '../http/errors';
import { parser } from '../http/validate';
import { findUserById } from '../accounts/users.repository';
import { withdrawSubmission } from './drafts.service';
import { submitSubmission } from './submit.service';
import { withdrawSchema } from './submissions.schemas';
import { formString } from '../http/forms';
import { isEditable, pageLoader, refusalToShow, renderReview, renderView } from './submission.pages-render';

const parseWithdraw = parser(withdrawSchema);
// The same rule the API applies to its Idempotency-Key header.
const IDEMPOTENCY_KEY = /^[\w-]{8,100}$/;

/**
 * Review before filing, filing, and withdrawal, as pages. Filing goes through submitSubmission
 * with the review page's one-time key as the Idempotency-Key, so two clicks file once.
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
      const signature = formString(req.body, 'signature');
      if (signature.length > 200) throw badRequest('invalid_request', 'Type your full name in at most 200 characters.');
      const certification = { accepted: formString(req.body, 'accept') === 'yes', signature };
      await submitSubmission(deps.db, auditContext(req), req.actor!, env, d.sub.id, { certification }, key);
      res.redirect(303, `/submissions/${d.sub.id}/receipt?filed=1`);
    } catch (err) {
      const error = refusalToShow(err);
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
      const error = refusalToShow(err);
      renderView(res, await load(req, d.sub.id), { status: error.status, error, posted: req.body });
    }
  });

  return router;
}
