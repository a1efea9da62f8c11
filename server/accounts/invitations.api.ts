import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { parser } from '../http/validate';
import { uuidParam } from '../http/params';
import { AppError, forbidden, notFound } from '../http/errors';
import { recordAuditNow } from '../audit/audit.service';
import { findUserById } from './users.repository';
import { canSeeOrganization, inviteDecision } from './invitations.policy';
import { inviteMember, organizationProfile } from './invitations.service';
import { invitationSchema, memberResponse, organizationResponse } from './registration.schemas';

const parseInvitation = parser(invitationSchema);
const TAG = 'organizations';

/** An organization's profile and members, and invitations of colleagues by its verified members. */
export function invitationsApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn, hideFromActor } = createGuards(deps.db);
  /** A 403 is an access decision too: audited like the guards' own denials. */
  const refuse = async (req: Request, organizationId: string, reason: string, error: AppError) => {
    await recordAuditNow(deps.db, auditContext(req), {
      action: 'access.denied', subjectType: 'organization', subjectId: organizationId,
      data: { reason, method: req.method, path: req.originalUrl.slice(0, 300) },
    });
    return error;
  };

  describe({ method: 'get', path: '/organizations/:id', tag: TAG, summary: 'An organization, its standing and its members (its members and staff).', roles: ['vendor', 'reviewer', 'supervisor', 'legal', 'admin'], response: { status: 200, schema: organizationResponse } });
  router.get('/organizations/:id', requireSignIn, async (req, res) => {
    const id = uuidParam(req.params['id'], 'organization');
    if (!canSeeOrganization(req.actor!, id)) throw await hideFromActor(req, { type: 'organization', id });
    const profile = await organizationProfile(deps.db, id);
    if (!profile) throw notFound('organization');
    res.json(profile);
  });

  describe({ method: 'post', path: '/organizations/:id/invitations', tag: TAG, summary: 'Invite a colleague into your organization (e-mails a one-time activation link, 72 h).', roles: ['vendor'], requestBody: invitationSchema, response: { status: 201, schema: memberResponse } });
  router.post('/organizations/:id/invitations', requireSignIn, async (req, res) => {
    const id = uuidParam(req.params['id'], 'organization');
    const actor = req.actor!;
    const me = await findUserById(deps.db, actor.userId);
    const decision = inviteDecision(actor, id, Boolean(me?.email_verified_at));
    if (decision === 'hide') throw await hideFromActor(req, { type: 'organization', id });
    if (decision === 'forbid') throw await refuse(req, id, `role ${actor.role} does not invite vendor members`, forbidden('Members of the organization invite their colleagues; staff do not.'));
    if (decision === 'unverified') {
      throw await refuse(req, id, 'inviter e-mail not verified',
        new AppError(403, 'email_not_verified', 'Confirm your own e-mail address (use the link we sent you) before inviting colleagues.'));
    }
    const input = parseInvitation(req.body);
    const member = await inviteMember(deps.db, auditContext(req), id, actor, input, { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) });
    res.status(201).json(member);
  });

  return router;
}
