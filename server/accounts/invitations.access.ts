import { authorize, type Asker } from '../access/authorize';
import type { Db } from '../db/database';
import { notFound } from '../http/errors';
import { organizationProfile } from './invitations.service';
import { findUserById } from './users.repository';

/**
 * The access decisions of the organization's pages and API, made through access/ (which audits
 * every refusal) so both faces ask the same question and get the same answer.
 */

/** An invitation's first step: a member of the organization whose own address is confirmed, or a refusal. */
export async function assertMayInvite(db: Db, asker: Asker, organizationId: string): Promise<void> {
  const me = await findUserById(db, asker.actor.userId);
  await authorize(asker, 'organization.invite', { type: 'organization', id: organizationId },
    { id: organizationId, inviterVerified: Boolean(me?.email_verified_at) });
}

/** An organization's profile and members, for its members and staff (anyone else: audited 404). */
export async function visibleOrganization(db: Db, asker: Asker, organizationId: string) {
  await authorize(asker, 'organization.see', { type: 'organization', id: organizationId }, { id: organizationId });
  const profile = await organizationProfile(db, organizationId);
  if (!profile) throw notFound('organization');
  return profile;
}
