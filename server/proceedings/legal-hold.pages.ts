import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { AppError, notFound } from '../http/errors';
import { formString, refusalToShow, signedIn } from '../http/pages';
import { singleQuery } from '../http/pagination';
import { holdHistoryView, holdPageHref, holdView } from './legal-hold.page-model';
import { listActiveHolds } from './legal-hold.repository';
import { MAX_HOLD_REASON } from './legal-hold.schemas';
import { placeHold, releaseHold } from './legal-hold.service';
import { findProceedingByDocket } from './proceedings.repository';
import { DOCKET } from './proceedings.schemas';

/** Active holds listed on /record/holds; the API and each proceeding's page have the rest. */
const SHOWN_HOLDS = 200;

type Step = 'place' | 'release';
const DONE: Record<Step, string> = {
  place: 'Legal hold placed. Nothing of this proceeding can be deleted until the hold is released.',
  release: 'Legal hold released. It stays in the history below; retention applies to the proceeding again.',
};

/** The form as posted: the reason and the confirmation box. */
const readForm = (body: unknown) => ({ reason: formString(body, 'reason'), confirm: formString(body, 'confirm') === 'yes' });

/**
 * Legal staff's hold pages: /record/holds (every active hold, and a docket to go to) and one page
 * per proceeding to place or release its hold with a reason and a confirmation, and read its history.
 */
export function legalHoldPages(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);
  const legalOnly = requirePermission('legal_hold.manage');

  const proceedingOf = async (raw: unknown) => {
    const p = typeof raw === 'string' && DOCKET.test(raw) ? await findProceedingByDocket(deps.db, raw) : undefined;
    if (!p) throw notFound('proceeding');
    return p;
  };

  const renderHoldPage = async (res: Response, docket: string, extra: Record<string, unknown> = {}) => {
    const p = await proceedingOf(docket);
    const state = await holdHistoryView(deps.db, p.id);
    res.render('proceedings/legal-hold', {
      title: `Legal hold: ${p.docket}`, proceeding: { docket: p.docket, title: p.title, href: `/proceedings/${encodeURIComponent(p.docket)}` },
      ...state, action: holdPageHref(p.docket) + (state.active ? '/release' : ''), maxReason: MAX_HOLD_REASON,
      form: { reason: '', confirm: false }, fieldErrors: {}, ...extra,
    });
  };

  const activeHolds = async () => (await listActiveHolds(deps.db, SHOWN_HOLDS))
    .map((h) => ({ ...holdView(h), docket: h.docket, title: h.title, href: holdPageHref(h.docket) }));

  router.get('/record/holds', legalOnly, async (req, res) => {
    const q = singleQuery(req.query, ['docket']);
    const docket = q['docket']?.trim().toUpperCase();
    if (docket) {
      const p = DOCKET.test(docket) ? await findProceedingByDocket(deps.db, docket) : undefined;
      if (p) return res.redirect(303, holdPageHref(p.docket));
      res.status(404);
      const error = new AppError(404, 'not_found', `No proceeding has the docket ${docket.slice(0, 40)}. Check it and try again.`);
      return res.render('proceedings/legal-holds', { title: 'Error: Legal holds', holds: await activeHolds(), docket: q['docket'], error, fieldErrors: { docket: error.message } });
    }
    res.render('proceedings/legal-holds', { title: 'Legal holds', holds: await activeHolds(), docket: '', fieldErrors: {} });
  });

  router.get('/proceedings/:docket/legal-hold', legalOnly, async (req, res) => {
    const done = singleQuery(req.query, ['done'])['done'];
    await renderHoldPage(res, String(req.params['docket']), { notice: done === 'place' || done === 'release' ? DONE[done] : undefined });
  });

  /** Places or releases, or shows the refusal on the page: a missing reason or confirmation, or a 409. */
  const act = (step: Step) => async (req: Request, res: Response) => {
    const p = await proceedingOf(req.params['docket']);
    const form = readForm(req.body);
    try {
      if (!form.confirm) {
        throw new AppError(400, 'confirmation_required', step === 'place'
          ? 'Tick the box to confirm that nothing of this proceeding may be deleted while the hold lasts.'
          : 'Tick the box to confirm that the hold ends and retention applies again.', [{ field: 'confirm' }]);
      }
      const run = step === 'place' ? placeHold : releaseHold;
      await run(deps.db, auditContext(req), signedIn(req).userId, p.docket, form.reason);
    } catch (thrown) {
      const error = refusalToShow(thrown, [401, 403, 404]);
      const field = error.details[0]?.['field'];
      const fieldErrors = field === 'confirm' || field === 'reason' ? { [field]: error.message } : {};
      res.status(error.status);
      return renderHoldPage(res, p.docket, { title: `Error: Legal hold: ${p.docket}`, error, form, fieldErrors });
    }
    res.redirect(303, `${holdPageHref(p.docket)}?done=${step}`);
  };
  router.post('/proceedings/:docket/legal-hold', legalOnly, act('place'));
  router.post('/proceedings/:docket/legal-hold/release', legalOnly, act('release'));

  return router;
}
