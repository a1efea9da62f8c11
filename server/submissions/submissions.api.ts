import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { parser } from '../http/validate';
import { badRequest, notFound } from '../http/errors';
import { ifMatchVersion } from '../http/if-match';
import { findIssuedDisposition } from './dispositions.repository';
import { issuedDispositionJson } from './disposition.page-model';
import { uuidParam } from '../http/params';
import { IDEMPOTENCY_KEY, createDraftSchema, patchDraftSchema, submitSchema, withdrawSchema } from './submissions.schemas';
import { createDraft, updateDraft, visibleSubmission, withdrawSubmission } from './drafts.service';
import { submitSubmission } from './submit.service';
import { listDocuments } from '../documents/documents.repository';
import { findSubmission } from './submissions.repository';
import { submissionJson } from './submission.json';
import { listSubmissionsBody } from './submissions.list';
import { countQueue } from './queue.list';
import { evidenceApi } from './evidence.api';

const parseCreate = parser(createDraftSchema);
const parsePatch = parser(patchDraftSchema);
const parseSubmit = parser(submitSchema);
const parseWithdraw = parser(withdrawSchema);
const TAG = 'submissions';

/** Drafts, filing and withdrawal (vendors: own organization; staff: read); a draft's evidence is mounted from its own router. */
export function submissionsApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn, requirePermission, askerFor } = createGuards(deps.db);
  /** The state queue answers may be kept for: the audit head the request started from, unless QUEUE_CACHE is off. */
  const queueState = (req: Request) => (deps.config.queueCache ? req.auditHead : undefined);
  /** Reads back after a change the caller was allowed to make. */
  const present = async (id: string) => {
    const sub = await findSubmission(deps.db, id);
    if (!sub) throw notFound('submission');
    return submissionJson(sub, await listDocuments(deps.db, id));
  };

  describe({ method: 'post', path: '/proceedings/:docket/submissions', tag: TAG, summary: 'Start a draft response or supplement.', roles: ['vendor'], requestBody: createDraftSchema, response: { status: 201 } });
  router.post('/proceedings/:docket/submissions', requireSignIn, async (req, res) => {
    const id = await createDraft(deps.db, auditContext(req), req.actor!, String(req.params['docket']), parseCreate(req.body));
    const body = await present(id);
    res.status(201).location(`/api/v1/submissions/${id}`).set('ETag', `"${body.version}"`).json(body);
  });

  describe({ method: 'get', path: '/submissions', tag: TAG, summary: 'List submissions. Vendors: ?docket=&status=&q=&sort=&cursor=&limit=&organizationId=. '
    + 'Staff: the review queue (docs/review-queue.md): ?docket=&status=&kind=&assignee=me|unassigned|<userId>'
    + '&overdue=&late=&confidential=&flagged=&openRequest=&q=&sort=&cursor=&limit=.', roles: ['any'] });
  router.get('/submissions', requireSignIn, async (req, res) => {
    res.type('application/json').send(await listSubmissionsBody(deps.db, askerFor(req), req.query, queueState(req)));
  });

  describe({ method: 'get', path: '/submissions/counts', tag: TAG, summary: 'Staff: submissions per state under the queue filters (each exact up to `cap`; `capped` names those with more).', roles: ['reviewer', 'supervisor'] });
  router.get('/submissions/counts', requirePermission('submission.review'), async (req, res) => {
    res.json(await countQueue(deps.db, askerFor(req), req.query, queueState(req)));
  });

  describe({ method: 'get', path: '/submissions/:id', tag: TAG, summary: 'One submission with its documents and, once issued, its disposition (never a draft or approval data).', roles: ['any'] });
  router.get('/submissions/:id', requireSignIn, async (req, res) => {
    const sub = await visibleSubmission(deps.db, askerFor(req), uuidParam(req.params['id']));
    const [docs, disposition] = await Promise.all([listDocuments(deps.db, sub.id), findIssuedDisposition(deps.db, sub.id)]);
    // Only an issued disposition is ever shown here: drafts and approvals stay with staff.
    res.set('ETag', `"${sub.version}"`).json({ ...submissionJson(sub, docs), disposition: disposition ? issuedDispositionJson(disposition) : null });
  });

  describe({ method: 'patch', path: '/submissions/:id', tag: TAG, summary: 'Edit a draft (If-Match: <version> -> 409 when stale).', roles: ['vendor'], requestBody: patchDraftSchema });
  router.patch('/submissions/:id', requireSignIn, async (req, res) => {
    const id = uuidParam(req.params['id']);
    await visibleSubmission(deps.db, askerFor(req), id);
    await updateDraft(deps.db, auditContext(req), req.actor!, id, parsePatch(req.body), ifMatchVersion(req));
    const body = await present(id);
    res.set('ETag', `"${body.version}"`).json(body);
  });

  describe({ method: 'post', path: '/submissions/:id/submit', tag: TAG, summary: 'File the draft (Idempotency-Key supported); returns the signed receipt.', roles: ['vendor'], requestBody: submitSchema });
  router.post('/submissions/:id/submit', requireSignIn, async (req, res) => {
    const id = uuidParam(req.params['id']);
    await visibleSubmission(deps.db, askerFor(req), id);
    const key = req.get('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 8-100 letters, digits, "-" or "_".');
    const result = await submitSubmission(deps.db, auditContext(req), req.actor!,
      { receiptKey: deps.receiptKey, publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) }, id, parseSubmit(req.body), key);
    res.json(result);
  });

  describe({ method: 'post', path: '/submissions/:id/withdraw', tag: TAG, summary: 'Withdraw a filed submission with a reason (nothing is deleted).', roles: ['vendor'], requestBody: withdrawSchema });
  router.post('/submissions/:id/withdraw', requireSignIn, async (req, res) => {
    const id = uuidParam(req.params['id']);
    await visibleSubmission(deps.db, askerFor(req), id);
    await withdrawSubmission(deps.db, auditContext(req), req.actor!, id, parseWithdraw(req.body).reason);
    res.json(await present(id));
  });

  router.use(evidenceApi(deps));
  return router;
}

