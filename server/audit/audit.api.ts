import { Router } from 'express';
import type { Deps } from '../deps';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { badRequest } from '../http/errors';
import { decodeCursor, encodeCursor, parseLimit, singleQuery } from '../http/pagination';
import { listEvents } from './audit.repository';
import { verifyAuditChain } from './audit.verify';
import { canonicalJson } from './canonical-json';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Legal staff read and verify the audit trail. */
export function auditApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);

  describe({ method: 'get', path: '/audit', tag: 'record', summary: 'Audit events in sequence order (?subjectId=&actorId=&action=&cursor=&limit=).', roles: ['legal'] });
  router.get('/audit', requirePermission('audit.read'), async (req, res) => {
    const q = singleQuery(req.query, ['subjectId', 'actorId', 'action', 'cursor', 'limit']);
    const limit = parseLimit(q['limit']);
    const after = decodeCursor(q['cursor'], isSeq) ?? 0;
    if (q['actorId'] && !UUID.test(q['actorId'])) throw badRequest('invalid_parameter', '"actorId" must be a UUID.');
    const filter = { subjectId: q['subjectId']?.slice(0, 200), actorId: q['actorId'], action: q['action']?.slice(0, 100) };
    const rows = await listEvents(deps.db, filter, after, limit);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    // Serialised without recursion: a row of any depth the chain holds can be exported (docs/audit.md).
    res.type('application/json').send(canonicalJson({
      items: page.map((r) => ({
        seq: Number(r.seq), occurredAt: r.occurred_at.toISOString(), actorId: r.actor_id, actorRole: r.actor_role,
        action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, requestId: r.request_id,
        ip: r.ip, userAgent: r.user_agent, data: r.data, prevHash: r.prev_hash, hash: r.hash,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(Number(last.seq)) : null,
    }));
  });

  describe({ method: 'get', path: '/audit/verify', tag: 'record', summary: 'Recompute the whole hash chain: {ok, count, headHash, firstBadSeq?}.', roles: ['legal', 'admin'] });
  router.get('/audit/verify', requirePermission('audit.verify'), async (_req, res) => {
    res.json(await verifyAuditChain(deps.db));
  });

  return router;
}
