import type { NextFunction, Request, Response } from 'express';
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance: requests by route, latency, pool state, process. */
export function createMetrics(pool: pg.Pool) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route and status', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request latency by route', labelNames, registers: [registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const poolGauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  poolGauge('db_pool_connections_total', 'Connections open in the pool', () => pool.totalCount);
  poolGauge('db_pool_connections_idle', 'Idle connections in the pool', () => pool.idleCount);
  poolGauge('db_pool_requests_waiting', 'Queries waiting for a connection', () => pool.waitingCount);

  /** Times each request; labels use the matched route pattern, never the raw URL (bounded cardinality). */
  function track(req: Request, res: Response, next: NextFunction): void {
    const end = latency.startTimer();
    res.on('finish', () => {
      // Express resets baseUrl when an error leaves a sub-router; the router stamps it first (markBase).
      const base = (res.locals['routeBase'] as string | undefined) ?? req.baseUrl;
      const route = req.route?.path ? `${base}${String(req.route.path)}` : req.path.startsWith('/assets/') ? '/assets' : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      end(labels);
    });
    next();
  }

  /** Mounted first in each sub-router so the route label keeps its mount path. */
  function markBase(req: Request, res: Response, next: NextFunction): void {
    res.locals['routeBase'] = req.baseUrl;
    next();
  }

  return { registry, track, markBase };
}
