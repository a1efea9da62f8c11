import { Router } from 'express';
import type { Deps } from '../deps';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { dashboardFigures } from './dashboard.service';

/** GET /api/v1/dashboard: the staff dashboard's figures, without the asker's recused organizations. */
export function dashboardApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);

  describe({ method: 'get', path: '/dashboard', tag: 'review', roles: ['reviewer', 'supervisor', 'legal'],
    summary: 'Counts per state, overdue assignments and information requests, open assignments per reviewer, filings per day (last 30 UTC days); recused organizations left out.' });
  router.get('/dashboard', requirePermission('review.read'), async (req, res) => {
    res.json(await dashboardFigures(deps.db, req.actor!, new Date()));
  });

  return router;
}
