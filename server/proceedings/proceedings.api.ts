import { Router, type Request, type Response } from 'express';
import { isStaff } from '../access/actor';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { parser } from '../http/validate';
import { notFound } from '../http/errors';
import { ifMatchVersion } from '../http/if-match';
import {
  DOCKET, createProceedingSchema, patchProceedingSchema, proceedingListResponse, proceedingResponse, refuseNulls,
} from './proceedings.schemas';
import { createProceeding, updateProceeding } from './proceedings.service';
import { findProceedingByDocket, listNoticeDocuments, type ProceedingRow } from './proceedings.repository';
import { proceedingJson } from './proceeding.json';
import { listProceedings } from './proceedings.list';
import { activeHoldJson } from './legal-hold.json';
import { findActiveHold } from './legal-hold.repository';

const parseCreate = parser(createProceedingSchema);
const parsePatch = parser(patchProceedingSchema);
const TAG = 'proceedings';

/** A docket that does not match the pattern cannot name anything: 404, like any unknown docket. */
function docketParam(raw: unknown): string {
  if (typeof raw !== 'string' || !DOCKET.test(raw)) throw notFound('proceeding');
  return raw;
}

/** Proceedings: administrators open and amend dockets; anyone reads the notice and its window. */
export function proceedingsApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);
  /**
   * Responds with the whole proceeding, its version as the ETag (for If-Match on the next PATCH).
   * Staff also see whether it is under a legal hold, and why (`legalHold`); vendors and the public do not.
   */
  const present = async (req: Request, res: Response, row: ProceedingRow, status = 200) => {
    const docs = await listNoticeDocuments(deps.db, [row.id]);
    const json = proceedingJson(row, docs, new Date());
    const staff = req.actor !== undefined && isStaff(req.actor.role);
    res.status(status).set('ETag', `"${row.version}"`).json(staff ? { ...json, legalHold: activeHoldJson(await findActiveHold(deps.db, row.id)) } : json);
  };

  describe({ method: 'post', path: '/proceedings', tag: TAG, summary: 'Open a proceeding (docket, notice, response window, late policy, limits, response schema).', roles: ['admin'], requestBody: createProceedingSchema, response: { status: 201, schema: proceedingResponse } });
  router.post('/proceedings', requirePermission('proceeding.create'), async (req, res) => {
    const row = await createProceeding(deps.db, auditContext(req), parseCreate(req.body));
    res.location(`/api/v1/proceedings/${row.docket}`);
    await present(req, res, row, 201);
  });

  describe({ method: 'get', path: '/proceedings', tag: TAG, summary: 'List proceedings (?status=open|upcoming|closed&limit=&cursor=).', response: { status: 200, schema: proceedingListResponse } });
  router.get('/proceedings', async (req, res) => {
    res.json(await listProceedings(deps.db, req.query));
  });

  describe({ method: 'get', path: '/proceedings/:docket', tag: TAG, summary: 'One proceeding: notice, window (UTC and local), late policy, limits, response schema, notice documents.', response: { status: 200, schema: proceedingResponse } });
  router.get('/proceedings/:docket', async (req, res) => {
    const row = await findProceedingByDocket(deps.db, docketParam(req.params['docket']));
    if (!row) throw notFound('proceeding');
    await present(req, res, row);
  });

  describe({ method: 'patch', path: '/proceedings/:docket', tag: TAG, summary: 'Amend a proceeding (If-Match: <version> -> 409 when stale); the docket never changes.', roles: ['admin'], requestBody: patchProceedingSchema, response: { status: 200, schema: proceedingResponse } });
  router.patch('/proceedings/:docket', requirePermission('proceeding.update'), async (req, res) => {
    const docket = docketParam(req.params['docket']);
    refuseNulls(req.body);
    const row = await updateProceeding(deps.db, auditContext(req), docket, parsePatch(req.body), ifMatchVersion(req));
    await present(req, res, row);
  });

  return router;
}
