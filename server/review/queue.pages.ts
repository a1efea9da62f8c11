import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import { createGuards } from '../http/guards';
import { refusalToShow } from '../http/pages';
import { formatUtc } from '../http/format';
import { singleQuery } from '../http/pagination';
import type { AppError } from '../http/errors';
import { STATUS_LABELS, KIND_LABELS } from '../submissions/submission.display';
import { countQueue, highlightQueue, listQueue, MARK_START, MARK_STOP } from '../submissions/queue.list';
import { QUEUE_SORTS } from '../submissions/queue.params';

/** The form's fields, in the order the page shows them; the same names as the API's query. */
const FIELDS = ['q', 'docket', 'status', 'kind', 'assignee', 'overdue', 'late', 'confidential', 'flagged', 'openRequest', 'sort', 'cursor'] as const;
const FLAG_LABELS = { overdue: 'Overdue', late: 'Filed late', confidential: 'Has confidential documents', flagged: 'Has flagged documents', openRequest: 'Open information request' };
const SORT_LABELS: Record<keyof typeof QUEUE_SORTS, string> = {
  '-submittedAt': 'Newest filed first', submittedAt: 'Oldest filed first', '-updatedAt': 'Recently updated first',
  updatedAt: 'Least recently updated first', '-createdAt': 'Newest started first', createdAt: 'Oldest started first',
};

type QueueItem = Awaited<ReturnType<typeof listQueue>>['items'][number];

/** One table row: what the template shows, highlights included (still plain text with markers). */
function rowModel(s: QueueItem, h: { title: string; organization: string; excerpt: string } | undefined) {
  return {
    id: s.id, trackingNumber: s.trackingNumber, status: s.status, statusLabel: STATUS_LABELS[s.status], kind: KIND_LABELS[s.kind],
    title: h?.title ?? s.title, organization: h?.organization ?? s.organizationName ?? '', excerpt: h?.excerpt ?? '',
    priority: s.priority, assignees: s.assignees.map((a) => a.name).join(', '), due: s.dueAt ? formatUtc(new Date(s.dueAt)) : '',
    flags: [s.overdue && 'Overdue', s.late && 'Late', s.confidential && 'Confidential', s.flagged && 'Flagged', s.openRequest && 'Open request'].filter(Boolean),
  };
}

/** GET /review: the staff queue as a page, over the same use cases as GET /api/v1/submissions and /counts. */
export function queuePages(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);

  router.get('/review', requirePermission('submission.review'), async (req: Request, res) => {
    const asker = askerFor(req);
    let form: Record<string, string | undefined> = {};
    let error: AppError | undefined;
    let page: Awaited<ReturnType<typeof listQueue>> = { items: [], nextCursor: null };
    let counts: Awaited<ReturnType<typeof countQueue>> | undefined;
    try {
      form = singleQuery(req.query, FIELDS);
      // Counts take the filters only: the order and the page do not change them.
      const filters = Object.fromEntries(Object.entries(form).filter(([k]) => k !== 'sort' && k !== 'cursor'));
      const asOf = deps.config.queueCache ? req.auditHead : undefined;
      [page, counts] = await Promise.all([listQueue(deps.db, asker, form, asOf), countQueue(deps.db, asker, filters, asOf)]);
    } catch (err) {
      error = refusalToShow(err);
    }
    const text = form['q']?.trim();
    const highlights = text && page.items.length ? await highlightQueue(deps.db, page.items.map((i) => i.id), text) : new Map();
    const kept = Object.fromEntries(Object.entries(form).filter(([k, v]) => k !== 'cursor' && v)) as Record<string, string>;
    res.status(error ? error.status : 200).render('review/queue', {
      title: 'Review queue', error, form, markStart: MARK_START, markStop: MARK_STOP,
      items: page.items.map((s) => rowModel(s, highlights.get(s.id))),
      next: page.nextCursor ? `/review?${new URLSearchParams({ ...kept, cursor: page.nextCursor })}` : null,
      counts: counts ? Object.entries(counts.counts).map(([status, n]) => ({ status, label: STATUS_LABELS[status as keyof typeof STATUS_LABELS], n: n.toLocaleString('en-US') })) : [],
      estimated: counts?.estimated ?? false,
      statuses: Object.entries(STATUS_LABELS).filter(([s]) => s !== 'draft').map(([value, label]) => ({ value, label })),
      kinds: Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label })),
      flags: Object.entries(FLAG_LABELS).map(([name, label]) => ({ name, label, checked: form[name] === 'true' })),
      sorts: Object.entries(SORT_LABELS).map(([value, label]) => ({ value, label })),
    });
  });
  return router;
}
