import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import { lockName } from '../db/locks';
import { countEvents } from '../audit/audit.repository';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { AppError, notFound } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { unusablePasswordHash } from './password';
import { insertUniqueUser } from './users.service';
import { issueOneTimeToken } from './one-time-tokens.repository';
import { findOrganization } from './organizations.repository';
import { listActiveMembers } from './users.repository';
import type { Links } from './verification.service';
import type { InvitationRequest } from './registration.schemas';

const INVITATION_LIFETIME_MS = 72 * 60 * 60 * 1000;
/** Invitations one organization may send per rolling 24 hours (each is an e-mail to any address). */
export const MAX_INVITATIONS_PER_DAY = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Strips control characters from names quoted in an e-mail body (the schemas refuse them too). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const plain = (s: string): string => s.replace(/[\u0000-\u001f\u007f]+/g, ' ');

/**
 * POST /organizations/:id/invitations: a verified member brings a colleague in. The colleague's
 * vendor account has no usable password until they follow the one-time link (72 h) and choose
 * one; following it also confirms their address. Account, link, e-mail and audit commit together.
 */
export async function inviteMember(db: Db, ctx: AuditContext, organizationId: string, inviter: { name: string }, input: InvitationRequest, links: Links) {
  return db.transaction().execute(async (trx) => {
    const org = await findOrganization(trx, organizationId);
    if (!org) throw notFound('organization');
    await assertInvitationAllowed(trx, organizationId);
    const id = await insertUniqueUser(trx, {
      email: input.email, name: input.name, role: 'vendor', organizationId, passwordHash: unusablePasswordHash(), emailVerified: false, totpSecret: null,
    });
    const token = await issueOneTimeToken(trx, id, 'activate', INVITATION_LIFETIME_MS);
    await enqueueMail(trx, {
      to: input.email,
      subject: `You are invited to respond for ${plain(org.legal_name)}`,
      carriesSecret: true,
      text: `${plain(inviter.name)} invited you to join ${plain(org.legal_name)} on the Vendor Response Portal, where the organization `
        + 'prepares and files its responses to agency notices.\n\n'
        + `Choose your password within 72 hours:\n${links.publicUrl}/account/activate?token=${token}\n\n`
        + 'If you did not expect this, ignore this message; the account stays unusable.',
    }, links.mailDomain);
    await recordAudit(trx, ctx, {
      action: 'user.created', subjectType: 'user', subjectId: id,
      data: { after: { email: input.email, name: input.name, role: 'vendor', organizationId }, via: 'invitation' },
    });
    await recordAudit(trx, ctx, { action: 'organization.member_invited', subjectType: 'organization', subjectId: organizationId, data: { userId: id, email: input.email } });
    return { id, email: input.email, name: input.name, organizationId };
  });
}

/**
 * The portal sends each invitation as an e-mail to an address the inviter chooses: capped per
 * organization so an account cannot be used to mail strangers in bulk. Serialized per organization,
 * so parallel requests cannot overshoot.
 */
async function assertInvitationAllowed(trx: Transaction<Database>, organizationId: string): Promise<void> {
  await lockName(trx, `invitations:${organizationId}`);
  const n = await countEvents(trx, { actions: ['organization.member_invited'], subjectId: organizationId, since: new Date(Date.now() - DAY_MS) });
  if (n >= MAX_INVITATIONS_PER_DAY) {
    throw new AppError(429, 'too_many_invitations', `Your organization has sent ${MAX_INVITATIONS_PER_DAY} invitations in the last 24 hours, the most allowed. Try again tomorrow, or ask the agency for help.`,
      [{ retryAfterSeconds: DAY_MS / 1000 }]);
  }
}

/** GET /organizations/:id: the organization, its standing and its (not disabled) members. */
export async function organizationProfile(db: Db, organizationId: string) {
  const org = await findOrganization(db, organizationId);
  if (!org) return undefined;
  const members = await listActiveMembers(db, organizationId);
  return {
    id: org.id, legalName: org.legal_name, country: org.country, uei: org.uei,
    standing: { basis: org.standing_basis, statement: org.standing_statement },
    members: members.map((m) => ({ id: m.id, name: m.name, email: m.email, emailVerified: m.email_verified_at !== null })),
  };
}
