import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { sql } from 'kysely';
import type { Deps } from '../deps';
import type { createMetrics } from '../http/metrics';

/** Compares in constant time (over the SHA-256 of each side, so lengths leak nothing either). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

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
  router.get('/metrics', async (req, res) => {
    // Answered here, as JSON: a monitoring system is not a browser to send to the sign-in page.
    if (deps.config.metricsToken && !bearerMatches(req.get('authorization'), deps.config.metricsToken)) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').json({
        error: { code: 'metrics_token_required', message: 'Send the metrics token (METRICS_TOKEN) as "Authorization: Bearer <token>".', details: [] },
      });
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
