import { Router } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { visibleSubmission } from '../submissions/drafts.service';
import { autoAssign } from './assignments.auto';
import { assignmentJson } from './assignments.json';
import { listAssignments } from './assignments.repository';
import { assignSchema, autoAssignSchema } from './assignments.schemas';
import { assignReviewer, endAssignment } from './assignments.service';
import { triageSchema } from './triage.schemas';
import { triageSubmission } from './triage.service';

const parseAssign = parser(assignSchema);
const parseAuto = parser(autoAssignSchema);
const parseTriage = parser(triageSchema);
const TAG = 'review';

/** Triage: assignments (manual and automatic), reassignment, priority and tags (docs/review-triage.md). */
export function assignmentsApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);
  const env = { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) };

  describe({ method: 'post', path: '/submissions/:id/assignments', tag: TAG, summary: 'Assign a reviewer with a due date; the first assignment moves the submission to in_review and the reviewer is e-mailed. 409 reviewer_conflicted (the conflict\'s kind and date) or already_assigned; 422 reviewer_not_eligible, invalid_due_date, submission_closed.', roles: ['supervisor'], requestBody: assignSchema, response: { status: 201 } });
  router.post('/submissions/:id/assignments', requirePermission('submission.triage'), async (req, res) => {
    const id = uuidParam(req.params['id'], 'submission');
    const made = await assignReviewer(deps.db, auditContext(req), askerFor(req), env, id, parseAssign(req.body));
    const row = (await listAssignments(deps.db, id)).find((a) => a.id === made.id)!;
    res.status(201).json({ ...assignmentJson(row), submissionStatus: made.status });
  });

  describe({ method: 'get', path: '/submissions/:id/assignments', tag: TAG, summary: 'A submission\'s assignments, open ones first (ended ones stay, with who ended them).', roles: ['reviewer', 'supervisor', 'legal', 'admin'] });
  router.get('/submissions/:id/assignments', requirePermission('assignment.read'), async (req, res) => {
    const sub = await visibleSubmission(deps.db, askerFor(req), uuidParam(req.params['id'], 'submission'));
    res.json({ items: (await listAssignments(deps.db, sub.id)).map(assignmentJson) });
  });

  describe({ method: 'delete', path: '/submissions/:id/assignments/:assignmentId', tag: TAG, summary: 'End an assignment (it stays on record). Reassigning is ending one and creating another. 409 assignment_ended.', roles: ['supervisor'], response: { status: 204 } });
  router.delete('/submissions/:id/assignments/:assignmentId', requirePermission('submission.triage'), async (req, res) => {
    await endAssignment(deps.db, auditContext(req), askerFor(req), uuidParam(req.params['id'], 'submission'), uuidParam(req.params['assignmentId'], 'assignment'));
    res.status(204).end();
  });

  describe({ method: 'post', path: '/proceedings/:docket/auto-assign', tag: TAG, summary: 'Assign every filed, unassigned submission of the docket to the eligible reviewer (reviewerIds, or every active reviewer) with the least open work, skipping conflicted reviewers; ties break by name, then id. Returns assigned and unassigned (no_eligible_reviewer).', roles: ['supervisor'], requestBody: autoAssignSchema });
  router.post('/proceedings/:docket/auto-assign', requirePermission('submission.triage'), async (req, res) => {
    const docket = String(req.params['docket']).slice(0, 60);
    res.json(await autoAssign(deps.db, auditContext(req), askerFor(req), env, docket, parseAuto(req.body)));
  });

  describe({ method: 'patch', path: '/submissions/:id/triage', tag: TAG, summary: 'Set priority (low, normal, high, urgent) and/or tags (at most 10; each 1-40 letters, digits, - or _, stored lowercased and deduplicated). Audited submission.triaged with before and after. 422 invalid_tag, too_many_tags, submission_closed.', roles: ['supervisor'], requestBody: triageSchema });
  router.patch('/submissions/:id/triage', requirePermission('submission.triage'), async (req, res) => {
    const id = uuidParam(req.params['id'], 'submission');
    res.json({ id, ...(await triageSubmission(deps.db, auditContext(req), askerFor(req), id, parseTriage(req.body))) });
  });

  return router;
}
