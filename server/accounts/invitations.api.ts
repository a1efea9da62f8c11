import { Router } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { parser } from '../http/validate';
import { uuidParam } from '../http/params';
import { assertMayInvite, visibleOrganization } from './invitations.access';
import { inviteMember } from './invitations.service';
import { invitationSchema, memberResponse, organizationResponse } from './registration.schemas';

const parseInvitation = parser(invitationSchema);
const TAG = 'organizations';

/** An organization's profile and members, and invitations of colleagues by its verified members. */
export function invitationsApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn, askerFor } = createGuards(deps.db);

  describe({ method: 'get', path: '/organizations/:id', tag: TAG, summary: 'An organization, its standing and its members (its members and staff).', roles: ['vendor', 'reviewer', 'supervisor', 'legal', 'admin'], response: { status: 200, schema: organizationResponse } });
  router.get('/organizations/:id', requireSignIn, async (req, res) => {
    res.json(await visibleOrganization(deps.db, askerFor(req), uuidParam(req.params['id'], 'organization')));
  });

  describe({ method: 'post', path: '/organizations/:id/invitations', tag: TAG, summary: 'Invite a colleague into your organization (e-mails a one-time activation link, 72 h).', roles: ['vendor'], requestBody: invitationSchema, response: { status: 201, schema: memberResponse } });
  router.post('/organizations/:id/invitations', requireSignIn, async (req, res) => {
    const id = uuidParam(req.params['id'], 'organization');
    const asker = askerFor(req);
    await assertMayInvite(deps.db, asker, id);
    const input = parseInvitation(req.body);
    const member = await inviteMember(deps.db, auditContext(req), id, asker.actor, input, { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) });
    res.status(201).json(member);
  });

  return router;
}
