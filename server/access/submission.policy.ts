import type { SubmissionStatus } from '../db/database';
import type { Actor } from './actor';

/** What the submission rules read of a submission (or of a document's or receipt's submission). */
export interface SubmissionOwnership { organization_id: string; status: SubmissionStatus }

/**
 * Object-level rules for submissions and everything inside them (documents, receipts). Vendors see
 * their own organization's, drafts included; staff see what has been filed, never a draft (a draft
 * is the vendor's private work until it is filed), and nothing of an organization they declared a
 * conflict with (recusal; supplements and replies share the organization, so they inherit it).
 * A "no" is answered with 404, never 403.
 */
export function canSeeSubmission(actor: Actor, submission: SubmissionOwnership): boolean {
  if (actor.role === 'vendor') return actor.organizationId === submission.organization_id;
  return submission.status !== 'draft' && !actor.recusedFrom.includes(submission.organization_id);
}

/**
 * The same rule for lists, which filter in SQL: true when the actor's lists may show drafts (of
 * their own organization only; lists scope vendors to it). Must agree with canSeeSubmission.
 */
export const listsDrafts = (actor: Pick<Actor, 'role'>): boolean => actor.role === 'vendor';

/** The same recusal for lists, counts and figures: organizations whose rows a list must leave out. */
export const hiddenOrganizations = (actor: Pick<Actor, 'recusedFrom'>): readonly string[] => actor.recusedFrom;

/** Only members of the submitting organization prepare, file, supplement or withdraw. */
export function canActForOrganization(actor: Actor, submission: Pick<SubmissionOwnership, 'organization_id'>): boolean {
  return actor.role === 'vendor' && actor.organizationId === submission.organization_id;
}
