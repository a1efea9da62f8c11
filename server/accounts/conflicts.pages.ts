import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import type { Actor } from '../access/actor';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { AppError } from '../http/errors';
import { formString, refusalToShow, signedIn } from '../http/pages';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { CONFLICT_KINDS, MAX_STATEMENT, declareConflictSchema } from './conflicts.schemas';
import { declareConflict, endOwnConflict, findOrganizations, listOwnConflicts } from './conflicts.service';

const parseDeclare = parser(declareConflictSchema);
/** Organizations offered in the select before anyone searches. */
const FIRST_CHOICES = 100;
/** A person's conflicts shown on the page (newest first); the API pages through the rest. */
const SHOWN_CONFLICTS = 200;

const KIND_LABELS: Record<string, string> = {
  competitor: 'Competitor', financial_interest: 'Financial interest', prior_employment: 'Prior employment', other: 'Other',
};
const KIND_OPTIONS = CONFLICT_KINDS.map((code) => ({ code, name: KIND_LABELS[code] }));

/** Words a person can act on for a field the schema refused; the code stays the API's. */
const FIELD_HELP: Record<string, string> = {
  organizationId: 'Choose the organization you have a conflict with (search by name or UEI if it is not in the list).',
  kind: 'Choose the kind of conflict.',
  statement: `Write a statement saying what the conflict is (1 to ${MAX_STATEMENT} characters).`,
};

interface DeclareForm { q: string; organizationId: string; kind: string; statement: string }
const readForm = (body: unknown): DeclareForm => ({
  q: formString(body, 'q'), organizationId: formString(body, 'organizationId'), kind: formString(body, 'kind'), statement: formString(body, 'statement'),
});

/** The staff member's own conflicts of interest (/account/conflicts): list, declare, end. No script needed. */
export function conflictsPages(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);
  const staffOnly = requirePermission('conflict.declare');

  const model = async (actor: Actor, form: DeclareForm) => {
    const search = form.q.trim().slice(0, 200);
    const [page, organizations] = await Promise.all([
      listOwnConflicts(deps.db, actor.userId, { limit: SHOWN_CONFLICTS }),
      findOrganizations(deps.db, search, search ? undefined : FIRST_CHOICES),
    ]);
    return {
      title: 'Your conflicts of interest', form, search, kinds: KIND_OPTIONS, kindLabels: KIND_LABELS, maxStatement: MAX_STATEMENT,
      conflicts: page.items, more: page.nextCursor !== null,
      organizations: organizations.map((o) => ({ code: o.id, name: `${o.legal_name} (${o.country})` })),
    };
  };

  /** A refusal shown on the page with the API's status and code, the field marked; 401/403/404 and faults rethrow. */
  const renderRefused = async (req: Request, res: Response, thrown: unknown, form: DeclareForm) => {
    const err = refusalToShow(thrown, [401, 403, 404]);
    const named = err.details[0]?.['field'];
    const field = typeof named === 'string' && Object.hasOwn(FIELD_HELP, named) ? named : undefined;
    const error = err.code === 'invalid_request' && field ? new AppError(err.status, err.code, FIELD_HELP[field]!, err.details) : err;
    const m = await model(signedIn(req), form);
    res.status(err.status).render('accounts/conflicts', { ...m, title: `Error: ${m.title}`, error, fieldErrors: field ? { [field]: error.message } : {} });
  };

  router.get('/account/conflicts', staffOnly, async (req, res) => {
    const q = typeof req.query['q'] === 'string' ? req.query['q'] : '';
    const notice = req.query['declared'] === '1' ? 'Conflict declared. That organization’s submissions are now hidden from you everywhere.'
      : req.query['ended'] === '1' ? 'Conflict ended. That organization’s submissions are visible to you again.' : undefined;
    res.render('accounts/conflicts', { ...await model(signedIn(req), { q, organizationId: '', kind: '', statement: '' }), notice, fieldErrors: {} });
  });

  router.post('/account/conflicts', staffOnly, async (req, res) => {
    const form = readForm(req.body);
    try {
      const input = parseDeclare({ organizationId: form.organizationId, kind: form.kind, statement: form.statement });
      await declareConflict(deps.db, auditContext(req), signedIn(req).userId, input);
    } catch (err) {
      return renderRefused(req, res, err, form);
    }
    res.redirect(303, '/account/conflicts?declared=1');
  });

  router.post('/account/conflicts/:id/end', staffOnly, async (req, res) => {
    const id = uuidParam(req.params['id'], 'conflict');
    try {
      await endOwnConflict(deps.db, auditContext(req), askerFor(req), id);
    } catch (err) {
      return renderRefused(req, res, err, readForm({}));
    }
    res.redirect(303, '/account/conflicts?ended=1');
  });

  return router;
}
