import { Router } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { saveFindingsSchema } from './findings.schemas';
import { findingsJson, findingsOf, saveFindings, suggestionFor } from './findings.service';

const parseSave = parser(saveFindingsSchema);
const TAG = 'review';

/** Findings on a response: versioned rulings per numbered argument, and the suggested numbering. */
export function findingsApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);

  describe({ method: 'post', path: '/submissions/:id/findings', tag: TAG, summary: 'Save a new version of the findings on a response: a ruling and reasoning per numbered argument.', roles: ['reviewer', 'supervisor'], requestBody: saveFindingsSchema, response: { status: 201 } });
  router.post('/submissions/:id/findings', requirePermission('findings.write'), async (req, res) => {
    const id = uuidParam(req.params['id'], 'submission');
    const saved = await saveFindings(deps.db, auditContext(req), req.actor!, id, parseSave(req.body));
    // Answer with the version this request saved, even when a concurrent save landed after it.
    const { versions } = await findingsOf(deps.db, askerFor(req), id);
    res.status(201).json(findingsJson(id, versions.filter((v) => v.version <= saved.version)));
  });

  describe({ method: 'get', path: '/submissions/:id/findings', tag: TAG, summary: 'The latest findings on a response with its version and the history of every version.', roles: ['reviewer', 'supervisor', 'legal'] });
  router.get('/submissions/:id/findings', requirePermission('findings.read'), async (req, res) => {
    const id = uuidParam(req.params['id'], 'submission');
    const { versions } = await findingsOf(deps.db, askerFor(req), id);
    res.json(findingsJson(id, versions));
  });

  describe({ method: 'get', path: '/submissions/:id/findings/suggestion', tag: TAG, summary: 'The argument split on the vendor\'s own numbering (1. 1) (1)), for the reviewer to confirm or edit.', roles: ['reviewer', 'supervisor', 'legal'] });
  router.get('/submissions/:id/findings/suggestion', requirePermission('findings.read'), async (req, res) => {
    res.json({ items: await suggestionFor(deps.db, askerFor(req), uuidParam(req.params['id'], 'submission')) });
  });

  return router;
}
