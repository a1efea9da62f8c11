import { Router } from 'express';
import type { Deps } from '../deps';
import { createGuards } from '../http/guards';
import { formatUtc } from '../http/format';
import { STATUS_LABELS } from '../submissions/submission.display';
import { dashboardFigures } from './dashboard.service';
import { filingsChart } from './dashboard.chart';

const reviewUrl = (id: string) => `/review/submissions/${id}`;

/** The staff dashboard page (/dashboard): the API's figures, with the chart drawn on the server. */
export function dashboardPages(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);

  router.get('/dashboard', requirePermission('review.read'), async (req, res) => {
    const f = await dashboardFigures(deps.db, req.actor!, new Date());
    const overdue = <T extends { submissionId: string; dueAt: string }>(items: T[]) =>
      items.map((i) => ({ ...i, url: reviewUrl(i.submissionId), due: formatUtc(new Date(i.dueAt)) }));
    res.render('review/dashboard', {
      title: 'Dashboard',
      states: (['submitted', 'in_review', 'decided', 'withdrawn'] as const).map((s) => ({ status: s, label: STATUS_LABELS[s], count: f.counts[s] })),
      total: f.counts.total,
      overdueAssignments: { total: f.overdue.assignments.total, items: overdue(f.overdue.assignments.items) },
      overdueRequests: { total: f.overdue.informationRequests.total, items: overdue(f.overdue.informationRequests.items) },
      workload: f.workload, days: f.filingsPerDay, chart: filingsChart(f.filingsPerDay),
      recused: req.actor!.recusedFrom.length > 0,
    });
  });

  return router;
}
