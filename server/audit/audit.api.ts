import { Router } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { singleQuery } from '../http/pagination';
import { AUDIT_QUERY, nextCursorOf, parseAuditQuery } from './audit.filters';
import { eventJson } from './audit.json';
import { runVerification } from './audit.record';
import { listEvents } from './audit.repository';
import { canonicalJson } from './canonical-json';

/** Legal staff read and verify the audit trail. */
export function auditApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);

  describe({
    method: 'get', path: '/audit', tag: 'record', roles: ['legal'],
    summary: 'Audit events in sequence order (?subjectId=&actorId=&action=&from=&to=&cursor=&limit=). from/to: ISO 8601, a date (a whole UTC day) or a date-time with zone; both inclusive.',
  });
  router.get('/audit', requirePermission('audit.read'), async (req, res) => {
    const { filter, after, limit } = parseAuditQuery(singleQuery(req.query, AUDIT_QUERY));
    const rows = await listEvents(deps.db, filter, after, limit);
    // Serialised without recursion: a row of any depth the chain holds can be exported (docs/audit.md).
    res.type('application/json').send(canonicalJson({ items: rows.slice(0, limit).map(eventJson), nextCursor: nextCursorOf(rows, limit) }));
  });

  describe({ method: 'get', path: '/audit/verify', tag: 'record', summary: 'Recompute the whole hash chain: {ok, count, headHash, firstBadSeq?}. The run is itself recorded (audit.verified).', roles: ['legal', 'admin'] });
  router.get('/audit/verify', requirePermission('audit.verify'), async (req, res) => {
    res.json(await runVerification(deps.db, auditContext(req), 'api'));
  });

  return router;
}
