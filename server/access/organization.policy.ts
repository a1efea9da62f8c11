import type { Actor } from './actor';
import { isStaff } from './actor';

/**
 * Object-level rules for an organization and its members. They refine policies.ts the way
 * submission.policy.ts does: another organization's things answer 404 (never confirming they
 * exist). Callers ask through authorize.ts, which audits every "no".
 */

/**
 * Members see their own organization; staff see every organization except those they declared a
 * conflict with (recusal hides the organization's profile and members as it hides its submissions).
 */
export function canSeeOrganization(actor: Pick<Actor, 'role' | 'organizationId' | 'recusedFrom'>, organizationId: string): boolean {
  if (isStaff(actor.role)) return !actor.recusedFrom.includes(organizationId);
  return actor.organizationId === organizationId;
}

/** What to answer when someone asks to manage (list, invite) an organization's members. */
export type InviteDecision =
  | 'allow'
  /** Not theirs: 404, as if the organization did not exist. */
  | 'hide'
  /** Staff: the organization is visible to them, but its membership is the organization's own business (403). */
  | 'forbid'
  /** A member whose own address is unconfirmed: confirm first, then vouch for colleagues (403). */
  | 'unverified';

/** Membership is the organization's own business: its members manage it, nobody else. */
export function membershipDecision(actor: Pick<Actor, 'role' | 'organizationId'>, organizationId: string | null): 'allow' | 'hide' | 'forbid' {
  if (isStaff(actor.role)) return 'forbid';
  return organizationId !== null && actor.organizationId === organizationId ? 'allow' : 'hide';
}

/** Only a member with a confirmed e-mail address brings colleagues in. */
export function inviteDecision(actor: Pick<Actor, 'role' | 'organizationId'>, organizationId: string, actorEmailVerified: boolean): InviteDecision {
  const membership = membershipDecision(actor, organizationId);
  if (membership !== 'allow') return membership;
  return actorEmailVerified ? 'allow' : 'unverified';
}
