import type { DispositionStatus } from '../db/review-tables';
import { unprocessable } from '../http/errors';

/**
 * The disposition lifecycle in one table: drafted (PUT), edited (PUT, which returns an approved one
 * to draft), approved by a second supervisor, issued, and superseded when a correction is issued.
 * Every disposition use case asserts its move here before touching the database.
 */
const MOVES = {
  edit: { from: ['draft', 'approved'], to: 'draft' },
  approve: { from: ['draft'], to: 'approved' },
  issue: { from: ['approved'], to: 'issued' },
  supersede: { from: ['issued'], to: 'superseded' },
} as const satisfies Record<string, { from: readonly DispositionStatus[]; to: DispositionStatus }>;

export type DispositionMove = keyof typeof MOVES;

/** Where a submission's disposition stands: a status, or `none` before anything was drafted. */
export type DispositionState = DispositionStatus | 'none';

/** The moves allowed from `state` (`none`: only drafting, with PUT). */
export function allowedMoves(state: DispositionState): string[] {
  if (state === 'none') return ['draft'];
  return (Object.keys(MOVES) as DispositionMove[]).filter((m) => (MOVES[m].from as readonly string[]).includes(state));
}

/** True when `move` may start from `state`. */
export const canMoveDisposition = (state: DispositionState, move: DispositionMove): boolean =>
  state !== 'none' && (MOVES[move].from as readonly string[]).includes(state);

/** Returns the target status, or throws 422 `invalid_transition` naming the moves allowed from `state`. */
export function assertDispositionMove(state: DispositionState, move: DispositionMove): DispositionStatus {
  if (!canMoveDisposition(state, move)) {
    const allowed = allowedMoves(state);
    const from = state === 'none' ? 'There is no disposition yet' : `This disposition is ${state}`;
    throw unprocessable('invalid_transition', `${from}; it cannot be ${PAST[move]}. Allowed next: ${allowed.join(', ') || 'none'}.`,
      [{ state, move, allowed }]);
  }
  return MOVES[move].to;
}

const PAST: Record<DispositionMove, string> = { edit: 'edited', approve: 'approved', issue: 'issued', supersede: 'superseded' };
