import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { NOT_IN_FORM, formString, refusalToShow, signedIn } from '../http/pages';
import { singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { dispositionSchema, supersedeSchema } from './dispositions.schemas';
import { draftCorrection, saveDisposition } from './dispositions.service';
import { renderDispositionPage, type DispositionPageOptions } from './dispositions.view';
import { approveDisposition, issueDisposition, readDispositions } from './dispositions.workflow';

const parseWords = parser(dispositionSchema);
const parseSupersede = parser(supersedeSchema);

/** Messages shown once after a redirect, announced by the page's status region. */
const NOTICES: Record<string, string> = {
  saved: 'The draft was saved. Another supervisor, who has not edited it, approves it.',
  approved: 'The disposition is approved. Check the preview, then issue it.',
  issued: 'The disposition is issued: the vendor can read it and has been e-mailed.',
  corrected: 'The correction is drafted. It is approved and issued like any disposition; issuing it supersedes the one in force.',
};

/** The version a form was made from (hidden input), or undefined for a new draft. */
const formVersion = (body: unknown): number | undefined => {
  const v = formString(body, 'version');
  return /^\d{1,9}$/.test(v) ? Number(v) : undefined;
};

/**
 * The staff disposition page and its forms. Each POST calls the same use case as the API and,
 * when refused, shows the page again with the error and what was typed.
 */
export function dispositionPages(deps: Deps): Router {
  const router = Router();
  const env = { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) };
  const path = '/review/submissions/:id/disposition';

  const show = async (req: Request, res: Response, o: DispositionPageOptions = {}) => {
    const actor = signedIn(req);
    const c = await readDispositions(deps.db, auditContext(req), actor, uuidParam(req.params['id'], 'submission'));
    await renderDispositionPage(res, deps.db, actor, env, c, o);
  };

  /** Runs a form's use case; 303 back to the page with a notice, or the page again with the refusal. */
  const act = (notice: string, form: DispositionPageOptions['form'], work: (req: Request, id: string) => Promise<unknown>) =>
    async (req: Request, res: Response) => {
      const id = uuidParam(req.params['id'], 'submission');
      signedIn(req);
      try {
        await work(req, id);
        res.redirect(303, `/review/submissions/${id}/disposition?${notice}=1`);
      } catch (err) {
        const error = refusalToShow(err, NOT_IN_FORM);
        await show(req, res, { status: error.status, error, posted: req.body, form });
      }
    };

  router.get(path, async (req, res) => {
    const q = singleQuery(req.query, Object.keys(NOTICES));
    const notice = Object.keys(NOTICES).find((k) => q[k] === '1');
    await show(req, res, { notice: notice ? NOTICES[notice] : undefined });
  });

  router.post(path, act('saved', 'words', (req, id) => saveDisposition(deps.db, auditContext(req), req.actor!, id,
    parseWords({ outcome: formString(req.body, 'outcome'), rationale: formString(req.body, 'rationale') }), formVersion(req.body))));

  router.post(`${path}/approve`, act('approved', undefined, (req, id) =>
    approveDisposition(deps.db, auditContext(req), req.actor!, id, formVersion(req.body))));

  router.post(`${path}/issue`, act('issued', undefined, (req, id) =>
    issueDisposition(deps.db, auditContext(req), req.actor!, env, id, formVersion(req.body))));

  router.post(`${path}/supersede`, act('corrected', 'supersede', (req, id) => draftCorrection(deps.db, auditContext(req), req.actor!, id,
    parseSupersede({ outcome: formString(req.body, 'outcome'), rationale: formString(req.body, 'rationale'), reason: formString(req.body, 'reason') }))));

  return router;
}
