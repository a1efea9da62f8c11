import { Router } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { notFound } from '../http/errors';
import { describe } from '../http/openapi';
import { signedIn } from '../http/pages';
import { parser } from '../http/validate';
import { holdJson } from './legal-hold.json';
import { listHolds } from './legal-hold.repository';
import { holdListResponse, holdReasonSchema, holdResponse } from './legal-hold.schemas';
import { placeHold, releaseHold } from './legal-hold.service';
import { findProceedingByDocket } from './proceedings.repository';
import { DOCKET } from './proceedings.schemas';

const parseReason = parser(holdReasonSchema);
const TAG = 'record';

/** A docket that does not match the pattern cannot name anything: 404, like any unknown docket. */
function docketParam(raw: unknown): string {
  if (typeof raw !== 'string' || !DOCKET.test(raw)) throw notFound('proceeding');
  return raw;
}

/** Legal holds over the API: place, release, and the proceeding's hold history (legal staff). */
export function legalHoldApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);
  const legalOnly = requirePermission('legal_hold.manage');

  describe({
    method: 'put', path: '/proceedings/:docket/legal-hold', tag: TAG, roles: ['legal'], requestBody: holdReasonSchema,
    summary: 'Place a legal hold: nothing of the proceeding may be deleted while it lasts. 201 with the hold; 409 legal_hold_active when one is already in force.',
    response: { status: 201, schema: holdResponse },
  });
  router.put('/proceedings/:docket/legal-hold', legalOnly, async (req, res) => {
    const docket = docketParam(req.params['docket']);
    const hold = await placeHold(deps.db, auditContext(req), signedIn(req).userId, docket, parseReason(req.body).reason);
    res.status(201).json(holdJson(docket, hold));
  });

  describe({
    method: 'delete', path: '/proceedings/:docket/legal-hold', tag: TAG, roles: ['legal'], requestBody: holdReasonSchema,
    summary: 'Release the active legal hold (it stays in the history). 200 with the released hold; 409 no_legal_hold when none is in force.',
    response: { status: 200, schema: holdResponse },
  });
  router.delete('/proceedings/:docket/legal-hold', legalOnly, async (req, res) => {
    const docket = docketParam(req.params['docket']);
    const hold = await releaseHold(deps.db, auditContext(req), signedIn(req).userId, docket, parseReason(req.body).reason);
    res.json(holdJson(docket, hold));
  });

  describe({
    method: 'get', path: '/proceedings/:docket/legal-holds', tag: TAG, roles: ['legal'],
    summary: 'Every legal hold the proceeding was ever under, newest first, with who placed and released each and why.',
    response: { status: 200, schema: holdListResponse },
  });
  router.get('/proceedings/:docket/legal-holds', legalOnly, async (req, res) => {
    const docket = docketParam(req.params['docket']);
    const p = await findProceedingByDocket(deps.db, docket);
    if (!p) throw notFound('proceeding');
    res.json({ items: (await listHolds(deps.db, p.id)).map((h) => holdJson(docket, h)) });
  });

  return router;
}
