import type { Actor } from '../access/actor';
import { isStaff } from '../access/actor';

/**
 * Object-level rules for an organization and its members. They refine access/policies.ts the way
 * submission.policy.ts does: another organization's things answer 404 (never confirming they
 * exist), and every "no" is audited by the caller.
 */

/** Members see their own organization; staff see every organization they may review. */
export function canSeeOrganization(actor: Pick<Actor, 'role' | 'organizationId'>, organizationId: string): boolean {
  return isStaff(actor.role) || actor.organizationId === organizationId;
}

/** What to answer when someone asks to invite a member into an organization. */
export type InviteDecision =
  | 'allow'
  /** Not theirs: 404, as if the organization did not exist. */
  | 'hide'
  /** Staff: the organization is visible to them, but its membership is the organization's own business (403). */
  | 'forbid'
  /** A member whose own address is unconfirmed: confirm first, then vouch for colleagues (403). */
  | 'unverified';

/** Only a member with a confirmed e-mail address brings colleagues in. */
export function inviteDecision(actor: Pick<Actor, 'role' | 'organizationId'>, organizationId: string, actorEmailVerified: boolean): InviteDecision {
  if (isStaff(actor.role)) return 'forbid';
  if (actor.organizationId !== organizationId) return 'hide';
  return actorEmailVerified ? 'allow' : 'unverified';
}
