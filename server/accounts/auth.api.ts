import { Router } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { parser } from '../http/validate';
import { describe } from '../http/openapi';
import { recordAuditNow } from '../audit/audit.service';
import { unauthorized } from '../http/errors';
import { createUserSchema, disableUserSchema, meResponseSchema, tokenRequestSchema, tokenResponseSchema } from './accounts.schemas';
import { issueApiToken } from './sign-in.service';
import { disableUser, inviteStaffUser } from './users.service';
import { uuidParam } from '../http/params';
import { revokeApiToken, revokeSession } from './credentials.repository';

const parseTokenRequest = parser(tokenRequestSchema);
const parseCreateUser = parser(createUserSchema);
const parseDisable = parser(disableUserSchema);

/** /api/v1 routes for signing in, the current account and staff accounts. */
export function accountsApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn, requirePermission } = createGuards(deps.db);

  describe({ method: 'post', path: '/auth/tokens', tag: 'accounts', summary: 'Exchange e-mail, password (and TOTP for staff) for a bearer token (24 h).', requestBody: tokenRequestSchema, response: { status: 201, schema: tokenResponseSchema } });
  router.post('/auth/tokens', async (req, res) => {
    const input = parseTokenRequest(req.body);
    const { token, expiresAt } = await issueApiToken(deps.db, deps.totpVault, auditContext(req), input);
    res.status(201).json({ token, expiresAt: expiresAt.toISOString() });
  });

  describe({ method: 'delete', path: '/auth/tokens/current', tag: 'accounts', summary: 'Revoke the token (or session) making this request.', roles: ['any'], response: { status: 204 } });
  router.delete('/auth/tokens/current', requireSignIn, async (req, res) => {
    if (req.apiTokenId) await revokeApiToken(deps.db, req.apiTokenId);
    else if (req.portalSession) await revokeSession(deps.db, req.portalSession.rawId);
    else throw unauthorized();
    await recordAuditNow(deps.db, auditContext(req), { action: 'auth.signed_out', subjectType: 'user', subjectId: req.actor!.userId, data: { via: req.actor!.via } });
    res.status(204).end();
  });

  describe({ method: 'get', path: '/me', tag: 'accounts', summary: 'The signed-in account.', roles: ['any'], response: { status: 200, schema: meResponseSchema } });
  router.get('/me', requireSignIn, (req, res) => {
    const a = req.actor!;
    res.json({ id: a.userId, email: a.email, name: a.name, role: a.role, ...(a.organizationId ? { organizationId: a.organizationId } : {}) });
  });

  describe({ method: 'post', path: '/users', tag: 'accounts', summary: 'Invite a staff member (e-mails a one-time activation link).', roles: ['admin'], requestBody: createUserSchema, response: { status: 201, schema: meResponseSchema } });
  router.post('/users', requirePermission('user.create'), async (req, res) => {
    const input = parseCreateUser(req.body);
    const user = await inviteStaffUser(deps.db, auditContext(req), input, { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) });
    res.status(201).location(`/api/v1/users/${user.id}`).json(user);
  });

  describe({ method: 'post', path: '/users/:id/disable', tag: 'accounts', summary: 'Disable an account: its sessions and tokens end at once. Refused (409) for your own account and for the last administrator.', roles: ['admin'], requestBody: disableUserSchema, response: { status: 204 } });
  router.post('/users/:id/disable', requirePermission('user.disable'), async (req, res) => {
    const { reason } = parseDisable(req.body);
    await disableUser(deps.db, auditContext(req), uuidParam(req.params['id'], 'account'), reason);
    res.status(204).end();
  });

  return router;
}
