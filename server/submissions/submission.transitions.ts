import type { SubmissionStatus } from '../db/database';
import { AppError } from '../http/errors';

/**
 * The submission lifecycle (PRODUCT.md): every move a submission can make, in one table. Each
 * workflow function asserts its move here before touching the database. `startReview` and
 * `decide` are the review workflow's (the next issue), declared with the rest of the lifecycle.
 */
const TRANSITIONS = {
  submit: { from: ['draft'], to: 'submitted' },
  startReview: { from: ['submitted'], to: 'in_review' },
  decide: { from: ['in_review'], to: 'decided' },
  withdraw: { from: ['submitted', 'in_review'], to: 'withdrawn' },
} as const satisfies Record<string, { from: readonly SubmissionStatus[]; to: SubmissionStatus }>;

export type Transition = keyof typeof TRANSITIONS;

const VERBS: Record<Transition, string> = { submit: 'filed', startReview: 'taken into review', decide: 'decided', withdraw: 'withdrawn' };

/** True when `transition` may start from `status`. */
export function canMove(status: SubmissionStatus, transition: Transition): boolean {
  return (TRANSITIONS[transition].from as readonly SubmissionStatus[]).includes(status);
}

/** Returns the target status, or throws 409 `invalid_transition` explaining why not. */
export function assertMove(status: SubmissionStatus, transition: Transition): SubmissionStatus {
  if (!canMove(status, transition)) {
    throw new AppError(409, 'invalid_transition',
      `A ${status} submission cannot be ${VERBS[transition]} (allowed from: ${TRANSITIONS[transition].from.join(', ')}).`);
  }
  return TRANSITIONS[transition].to;
}

/** Drafts are the only editable state. */
export function assertDraft(status: SubmissionStatus): void {
  if (status !== 'draft') {
    throw new AppError(409, 'not_a_draft', `This submission is ${status}; filed content never changes. File a supplement instead.`);
  }
}
