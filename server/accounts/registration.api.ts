import { Router } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { parser } from '../http/validate';
import { registerResponse, registerSchema, verifyEmailSchema } from './registration.schemas';
import { registerOrganization } from './registration.service';
import { resendVerification, verifyEmail } from './verification.service';
import { invitationsApi } from './invitations.api';

const parseRegister = parser(registerSchema);
const parseVerify = parser(verifyEmailSchema);
const TAG = 'accounts';

/** Self-registration of organizations, e-mail verification, and (mounted here) organization invitations. */
export function registrationApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn } = createGuards(deps.db);
  const links = { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) };

  describe({ method: 'post', path: '/auth/register', tag: TAG, summary: 'Register an organization, its standing and its first member (e-mails a verification link; 10 per hour per address).', requestBody: registerSchema, response: { status: 201, schema: registerResponse } });
  router.post('/auth/register', async (req, res) => {
    const input = parseRegister(req.body);
    const ids = await registerOrganization(deps.db, auditContext(req), input, links);
    res.status(201).location(`/api/v1/organizations/${ids.organizationId}`).json(ids);
  });

  describe({ method: 'post', path: '/auth/verify-email', tag: TAG, summary: 'Confirm an e-mail address with the one-time token from the link (24 h; works once).', requestBody: verifyEmailSchema, response: { status: 204 } });
  router.post('/auth/verify-email', async (req, res) => {
    await verifyEmail(deps.db, auditContext(req), parseVerify(req.body).token);
    res.status(204).end();
  });

  describe({ method: 'post', path: '/auth/verify-email/resend', tag: TAG, summary: 'Send a new verification link (older links stop working; 5 per hour).', roles: ['vendor'], response: { status: 202 } });
  router.post('/auth/verify-email/resend', requireSignIn, async (req, res) => {
    await resendVerification(deps.db, auditContext(req), req.actor!, links);
    res.status(202).end();
  });

  router.use(invitationsApi(deps));
  return router;
}
