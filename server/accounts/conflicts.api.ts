import { Router } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { parseLimit, singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { conflictListResponse, conflictResponse, declareConflictSchema, organizationMatchesResponse } from './conflicts.schemas';
import { conflictJson, declareConflict, endOwnConflict, findOrganizations, listOwnConflicts } from './conflicts.service';

const parseDeclare = parser(declareConflictSchema);
const TAG = 'review';
const STAFF = ['reviewer', 'supervisor', 'legal', 'admin'] as const;

/**
 * Conflicts of interest: staff declare, list and end their own; a declared conflict recuses them
 * from the organization's submissions everywhere. Also the organization search a declaration needs.
 */
export function conflictsApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);
  const staffOnly = requirePermission('conflict.declare');

  describe({ method: 'post', path: '/conflicts', tag: TAG, summary: 'Declare a conflict of interest with an organization: its submissions are hidden from you everywhere until you end it. 409 conflict_already_declared names an active one; 422 unknown_organization.', roles: STAFF, requestBody: declareConflictSchema, response: { status: 201, schema: conflictResponse } });
  router.post('/conflicts', staffOnly, async (req, res) => {
    const conflict = await declareConflict(deps.db, auditContext(req), req.actor!.userId, parseDeclare(req.body));
    res.status(201).json(conflictJson(conflict));
  });

  describe({ method: 'get', path: '/conflicts', tag: TAG, summary: 'Your own conflicts of interest, active and ended, newest first (`?limit=&cursor=`).', roles: STAFF, response: { status: 200, schema: conflictListResponse } });
  router.get('/conflicts', staffOnly, async (req, res) => {
    const q = singleQuery(req.query, ['limit', 'cursor']);
    const page = await listOwnConflicts(deps.db, req.actor!.userId, { cursor: q['cursor'], limit: parseLimit(q['limit']) });
    res.json({ items: page.items.map(conflictJson), nextCursor: page.nextCursor });
  });

  describe({ method: 'delete', path: '/conflicts/:id', tag: TAG, summary: 'End your conflict of interest (the record stays, with endedAt). 409 conflict_already_ended; someone else\'s is 404.', roles: STAFF, response: { status: 200, schema: conflictResponse } });
  router.delete('/conflicts/:id', staffOnly, async (req, res) => {
    const ended = await endOwnConflict(deps.db, auditContext(req), askerFor(req), uuidParam(req.params['id'], 'conflict'));
    res.json(conflictJson(ended));
  });

  describe({ method: 'get', path: '/organizations', tag: 'organizations', summary: 'Staff: up to 20 organizations with a filed submission, matched by legal name (`?q=`, contains, any case) or UEI. Names only (id, legalName, country); organizations you are recused from are listed too, so you can name them.', roles: STAFF, response: { status: 200, schema: organizationMatchesResponse } });
  router.get('/organizations', requirePermission('organization.search'), async (req, res) => {
    const q = singleQuery(req.query, ['q']);
    const found = await findOrganizations(deps.db, q['q']);
    res.json({ items: found.map((o) => ({ id: o.id, legalName: o.legal_name, country: o.country })) });
  });

  return router;
}
