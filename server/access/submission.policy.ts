import type { Actor } from './actor';

interface OwnedByOrganization { organization_id: string }

/**
 * Object-level rules for submissions and everything inside them (documents, receipts). Vendors see
 * only their own organization's; staff see all (conflict-of-interest recusal narrows this when the
 * review feature declares conflicts). A "no" must be answered with 404, never 403.
 */
export function canSeeSubmission(actor: Actor, submission: OwnedByOrganization): boolean {
  if (actor.role === 'vendor') return actor.organizationId === submission.organization_id;
  return true;
}

/** Only members of the submitting organization prepare, file, supplement or withdraw. */
export function canActForOrganization(actor: Actor, submission: OwnedByOrganization): boolean {
  return actor.role === 'vendor' && actor.organizationId === submission.organization_id;
}
