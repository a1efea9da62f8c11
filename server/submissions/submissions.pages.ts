import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import type { Actor } from '../access/actor';
import { authorize } from '../access/authorize';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { notFound } from '../http/errors';
import { singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { findProceedingByDocket, type ProceedingRow } from '../proceedings/proceedings.repository';
import { createDraft, updateDraft, visibleSubmission } from './drafts.service';
import { listSubmissions } from './submissions.list';
import { createDraftSchema, patchDraftSchema } from './submissions.schemas';
import { NOT_IN_FORM, formString, refusalToShow, signedIn } from '../http/pages';
import { formatUtc } from '../http/format';
import { draftTextFromForm, fieldsFromForm, responseFormFields, versionFromForm } from './submission.form';
import { KIND_LABELS, STATUS_LABELS } from './submission.display';
import { proceedingModel } from './submission.page-model';
import { pageLoader, renderSubmission, type RenderOptions } from './submission.pages-render';
import { listAcceptingProceedings } from '../proceedings/proceedings.repository';
import { filingPages } from './filing.pages';
import { evidencePages } from './evidence.pages';

const parseCreate = parser(createDraftSchema);
const parsePatch = parser(patchDraftSchema);

/** Messages shown once after a redirect (?saved=1 ...), announced by the page's status region. */
const NOTICES: Record<string, string> = {
  created: 'Draft created. Add your evidence, then review and file it.',
  saved: 'Your draft was saved.',
  uploaded: 'Document uploaded.',
  removed: 'Document removed.',
  withdrawn: 'The submission was withdrawn. Nothing was deleted: the record keeps it with your reason.',
};

/**
 * Vendor pages: the submissions dashboard, a new response, the draft editor (or read-only view).
 * Filing and evidence pages are mounted from their own routers. Every change calls the same
 * domain function as the API, so the two faces cannot disagree.
 */
type ChildKind = 'supplement' | 'reply_to_request';
interface ParentLink { id: string; trackingNumber: string | null; kind: ChildKind }
const NEW_TITLES: Record<ChildKind, string> = { supplement: 'New supplement', reply_to_request: 'New reply to an information request' };

export function submissionPages(deps: Deps): Router {
  const router = Router();
  const { askerFor } = createGuards(deps.db);
  const load = pageLoader(deps);

  /** Drafts are prepared by members of a vendor organization; staff get a 403, audited as the API's. */
  const vendorOnly = async (req: Request): Promise<Actor> => {
    const asker = askerFor(req);
    const docket = String(req.params['docket']);
    await authorize(asker, 'submission.prepare', { type: 'proceeding', id: docket.slice(0, 60) }, { docket });
    return asker.actor;
  };

  const proceedingFor = async (raw: unknown): Promise<ProceedingRow> => {
    const docket = typeof raw === 'string' ? raw.slice(0, 60) : '';
    const p = docket ? await findProceedingByDocket(deps.db, docket) : undefined;
    if (!p) throw notFound('proceeding');
    return p;
  };

  const renderNew = (res: Response, p: ProceedingRow, parent: ParentLink | null, o: RenderOptions = {}) => {
    const what = parent ? NEW_TITLES[parent.kind] : 'New response';
    res.status(o.status ?? 200).render('submissions/new', {
      title: `${what}: ${p.docket}`, heading: what,
      proceeding: proceedingModel(p, new Date()), parent,
      text: draftTextFromForm(o.posted),
      fields: parent ? [] : responseFormFields(p.response_schema, {}, o.posted),
      error: o.error,
    });
  };

  /** The filed response a supplement or reply attaches to, when the vendor may see it (else 404, audited). */
  const parentFor = async (req: Request, raw: string | undefined, kind: ChildKind): Promise<ParentLink | null> => {
    if (!raw) return null;
    const parent = await visibleSubmission(deps.db, askerFor(req), uuidParam(raw, 'submission'));
    return { id: parent.id, trackingNumber: parent.tracking_number, kind };
  };

  router.get('/submissions', async (req, res) => {
    const asker = askerFor(req);
    const { actor } = asker;
    const query: Record<string, unknown> = { sort: '-updatedAt', ...req.query };
    const page = await listSubmissions(deps.db, asker, query);
    const items = page.items.map((s) => ({
      id: s.id, title: s.title, docket: s.docket, kind: KIND_LABELS[s.kind], status: s.status, statusLabel: STATUS_LABELS[s.status],
      trackingNumber: s.trackingNumber, updated: formatUtc(s.updatedAt),
    }));
    const next = page.nextCursor ? `/submissions?${new URLSearchParams({ ...(query as Record<string, string>), cursor: page.nextCursor })}` : null;
    const now = new Date();
    const open = actor.role === 'vendor' ? (await listAcceptingProceedings(deps.db, now)).map((p) => proceedingModel(p, now)) : [];
    res.render('submissions/index', { title: actor.role === 'vendor' ? 'Your submissions' : 'All submissions', isVendor: actor.role === 'vendor', items, next, open });
  });

  router.get('/proceedings/:docket/submissions/new', async (req, res) => {
    await vendorOnly(req);
    const { supplementTo, replyTo } = singleQuery(req.query, ['supplementTo', 'replyTo']);
    const parent = replyTo ? await parentFor(req, replyTo, 'reply_to_request') : await parentFor(req, supplementTo, 'supplement');
    renderNew(res, await proceedingFor(req.params['docket']), parent);
  });

  router.post('/proceedings/:docket/submissions', async (req, res) => {
    const actor = await vendorOnly(req);
    const proceeding = await proceedingFor(req.params['docket']);
    const parentId = formString(req.body, 'parentId') || undefined;
    const parent = await parentFor(req, parentId, formString(req.body, 'kind') === 'reply_to_request' ? 'reply_to_request' : 'supplement');
    try {
      const fields = parent ? {} : fieldsFromForm(responseFormFields(proceeding.response_schema, {}), req.body, {});
      const input = parseCreate({ ...draftTextFromForm(req.body), fields, ...(parent ? { kind: parent.kind, parentId: parent.id } : {}) });
      const id = await createDraft(deps.db, auditContext(req), actor, proceeding.docket, input);
      res.redirect(303, `/submissions/${id}?created=1`);
    } catch (err) {
      const error = refusalToShow(err, NOT_IN_FORM);
      renderNew(res, proceeding, parent, { status: error.status, error, posted: req.body });
    }
  });

  router.get('/submissions/:id', async (req, res) => {
    const q = singleQuery(req.query, Object.keys(NOTICES));
    const notice = Object.keys(NOTICES).find((k) => q[k] === '1');
    const d = await load(req, req.params['id']);
    renderSubmission(res, d, { notice: notice ? NOTICES[notice] : undefined });
  });

  router.post('/submissions/:id', async (req, res) => {
    const d = await load(req, req.params['id']);
    try {
      const fields = d.sub.kind === 'response'
        ? { fields: fieldsFromForm(responseFormFields(d.proceeding.response_schema, d.sub.fields), req.body, d.sub.fields) } : {};
      const patch = parsePatch({ ...draftTextFromForm(req.body), ...fields });
      await updateDraft(deps.db, auditContext(req), signedIn(req), d.sub.id, patch, versionFromForm(req.body));
      res.redirect(303, `/submissions/${d.sub.id}?saved=1`);
    } catch (err) {
      const error = refusalToShow(err, NOT_IN_FORM);
      renderSubmission(res, d, { status: error.status, error, posted: req.body });
    }
  });

  router.use(filingPages(deps));
  router.use(evidencePages(deps));
  return router;
}
