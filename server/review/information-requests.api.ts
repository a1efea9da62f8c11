import { Router } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { visibleSubmission } from '../submissions/drafts.service';
import { listRequests } from '../submissions/information-requests.repository';
import { requestJson } from './information-requests.json';
import { createRequestSchema } from './information-requests.schemas';
import { createInformationRequest } from './information-requests.service';

const parseCreate = parser(createRequestSchema);
const TAG = 'review';

/** Information requests: staff ask, the response's organization reads and answers (by filing a reply). */
export function informationRequestsApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn, requirePermission, askerFor } = createGuards(deps.db);

  describe({ method: 'post', path: '/submissions/:id/information-requests', tag: TAG, summary: 'Ask the organization behind a filed response a question, with a due date; it is e-mailed to the filer.', roles: ['reviewer', 'supervisor'], requestBody: createRequestSchema, response: { status: 201 } });
  router.post('/submissions/:id/information-requests', requirePermission('information_request.create'), async (req, res) => {
    const id = uuidParam(req.params['id']);
    await visibleSubmission(deps.db, askerFor(req), id);
    const request = await createInformationRequest(deps.db, auditContext(req), req.actor!,
      { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) }, id, parseCreate(req.body));
    res.status(201).json(requestJson(request, new Date()));
  });

  describe({ method: 'get', path: '/submissions/:id/information-requests', tag: TAG, summary: 'The information requests on a response, with their status (open, answered, expired).', roles: ['any'] });
  router.get('/submissions/:id/information-requests', requireSignIn, async (req, res) => {
    const sub = await visibleSubmission(deps.db, askerFor(req), uuidParam(req.params['id']));
    const now = new Date();
    res.json({ items: (await listRequests(deps.db, sub.id)).map((r) => requestJson(r, now)) });
  });

  return router;
}
