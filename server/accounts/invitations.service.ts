import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { notFound } from '../http/errors';
import { enqueueMail } from '../notifications/outbox';
import { hashPassword } from './password';
import { insertUniqueUser } from './users.service';
import { newSecret, sha256 } from './credentials.repository';
import type { Links } from './verification.service';
import type { InvitationRequest } from './registration.schemas';

export const INVITATION_LIFETIME_MS = 72 * 60 * 60 * 1000;

/** Strips control characters from names quoted in an e-mail body (the schemas refuse them too). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const plain = (s: string): string => s.replace(/[\u0000-\u001f\u007f]+/g, ' ');

/**
 * POST /organizations/:id/invitations: a verified member brings a colleague in. The colleague's
 * vendor account has no usable password until they follow the one-time link (72 h) and choose
 * one; following it also confirms their address. Account, link, e-mail and audit commit together.
 */
export async function inviteMember(db: Db, ctx: AuditContext, organizationId: string, inviter: { name: string }, input: InvitationRequest, links: Links) {
  const unusable = await hashPassword(randomBytes(32).toString('base64'));
  return db.transaction().execute(async (trx) => {
    const org = await trx.selectFrom('organizations').select(['id', 'legal_name']).where('id', '=', organizationId).executeTakeFirst();
    if (!org) throw notFound('organization');
    const id = await insertUniqueUser(trx, {
      email: input.email, name: input.name, role: 'vendor', organizationId, passwordHash: unusable, emailVerified: false, totpSecret: null,
    });
    const token = newSecret();
    await trx.insertInto('one_time_tokens').values({
      token_hash: sha256(token), user_id: id, purpose: 'activate', expires_at: new Date(Date.now() + INVITATION_LIFETIME_MS), used_at: null,
    }).execute();
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

/** GET /organizations/:id: the organization, its standing and its (not disabled) members. */
export async function organizationProfile(db: Db, organizationId: string) {
  const org = await db.selectFrom('organizations').selectAll().where('id', '=', organizationId).executeTakeFirst();
  if (!org) return undefined;
  const members = await db.selectFrom('users').select(['id', 'name', 'email', 'email_verified_at'])
    .where('organization_id', '=', organizationId).where('disabled_at', 'is', null).orderBy('created_at').orderBy('id').execute();
  return {
    id: org.id, legalName: org.legal_name, country: org.country, uei: org.uei,
    standing: { basis: org.standing_basis, statement: org.standing_statement },
    members: members.map((m) => ({ id: m.id, name: m.name, email: m.email, emailVerified: m.email_verified_at !== null })),
  };
}
