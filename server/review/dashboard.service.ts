import type { Db, SubmissionStatus } from '../db/database';
import type { Actor } from '../access/actor';
import { hiddenOrganizations } from '../access/submission.policy';
import { countByState, filingsPerDay, overdueAssignments, overdueRequests, overdueTotals, reviewerWorkload } from './dashboard.repository';

/** Days the filings chart covers, today (UTC) included. */
export const CHART_DAYS = 30;
/** Overdue rows listed per kind; the totals count them all. */
export const OVERDUE_LISTED = 50;

/** The states a filed submission can be in, in workflow order (drafts are never counted). */
const FILED_STATES: readonly Exclude<SubmissionStatus, 'draft'>[] = ['submitted', 'in_review', 'decided', 'withdrawn'];
const DAY_MS = 86_400_000;

/** The UTC days of the chart, oldest first, as YYYY-MM-DD. */
export function chartDays(now: Date, days = CHART_DAYS): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

const item = (r: { id: string; title: string; tracking_number: string | null; due_at: Date }) =>
  ({ submissionId: r.id, title: r.title, trackingNumber: r.tracking_number, dueAt: r.due_at.toISOString() });

/**
 * The staff dashboard's figures as the API returns them (GET /api/v1/dashboard) and the page
 * shows them. Every figure leaves out the organizations the asker is recused from.
 */
export async function dashboardFigures(db: Db, actor: Actor, now: Date) {
  const hidden = hiddenOrganizations(actor);
  const days = chartDays(now);
  const [states, assignments, requests, totals, workload, perDay] = await Promise.all([
    countByState(db, hidden), overdueAssignments(db, hidden, now, OVERDUE_LISTED), overdueRequests(db, hidden, now, OVERDUE_LISTED),
    overdueTotals(db, hidden, now), reviewerWorkload(db, hidden, now), filingsPerDay(db, hidden, new Date(`${days[0]}T00:00:00Z`)),
  ]);
  const byState = Object.fromEntries(FILED_STATES.map((s) => [s, states.find((r) => r.status === s)?.count ?? 0])) as Record<(typeof FILED_STATES)[number], number>;
  return {
    generatedAt: now.toISOString(),
    counts: { ...byState, total: FILED_STATES.reduce((n, s) => n + byState[s], 0) },
    overdue: {
      assignments: { total: totals.assignments, items: assignments.map((a) => ({ ...item(a), reviewer: a.reviewer })) },
      informationRequests: { total: totals.informationRequests, items: requests.map(item) },
    },
    workload: workload.map((w) => ({ reviewerId: w.id, name: w.name, role: w.role, openAssignments: w.open, overdueAssignments: w.overdue })),
    filingsPerDay: days.map((date) => ({ date, count: perDay.get(date) ?? 0 })),
  };
}

export type DashboardFigures = Awaited<ReturnType<typeof dashboardFigures>>;
