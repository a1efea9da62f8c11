import { Router } from 'express';
import { sql } from 'kysely';
import type { Deps } from '../deps';
import type { createMetrics } from '../http/metrics';

/** Liveness, readiness and Prometheus metrics, at the root (not under /api/v1). */
export function opsRoutes(deps: Deps, metrics: ReturnType<typeof createMetrics>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await sql`SELECT 1`.execute(deps.db);
      res.json({ status: 'ready', database: 'up' });
    } catch {
      res.status(503).set('Retry-After', '5').json({ status: 'unavailable', database: 'down' });
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
