import type { SubmissionStatus } from '../db/database';
import type { Actor } from './actor';

/** What the submission rules read of a submission (or of a document's or receipt's submission). */
export interface SubmissionOwnership { organization_id: string; status: SubmissionStatus }

/**
 * Object-level rules for submissions and everything inside them (documents, receipts). Vendors see
 * their own organization's, drafts included; staff see what has been filed, never a draft: a draft
 * is the vendor's private work until it is filed (conflict-of-interest recusal narrows this further
 * when the review feature declares conflicts). A "no" is answered with 404, never 403.
 */
export function canSeeSubmission(actor: Actor, submission: SubmissionOwnership): boolean {
  if (actor.role === 'vendor') return actor.organizationId === submission.organization_id;
  return submission.status !== 'draft';
}

/**
 * The same rule for lists, which filter in SQL: true when the actor's lists may show drafts (of
 * their own organization only; lists scope vendors to it). Must agree with canSeeSubmission.
 */
export const listsDrafts = (actor: Pick<Actor, 'role'>): boolean => actor.role === 'vendor';

/** Only members of the submitting organization prepare, file, supplement or withdraw. */
export function canActForOrganization(actor: Actor, submission: Pick<SubmissionOwnership, 'organization_id'>): boolean {
  return actor.role === 'vendor' && actor.organizationId === submission.organization_id;
}
