import type { Actor } from '../../server/access/actor';
import { judge } from '../../server/access/decisions';
import type { Role } from '../../server/db/database';
import { allowedMoves, assertDispositionMove } from '../../server/review/dispositions.transitions';

const ORG = '11111111-1111-4111-8111-111111111111';
const actor = (role: Role, userId = 'me', recusedFrom: string[] = []): Actor => ({ userId, role, organizationId: role === 'vendor' ? ORG : null, email: 'x@example.test', name: 'X', via: 'token', recusedFrom });
const pending = (drafted_by: string, editors: string[] = [drafted_by]) => ({ organization_id: ORG, status: 'in_review' as const, drafted_by, editors });

describe('the disposition transition table', () => {
  it('when each state is asked for its next moves, then draft -> edit/approve, approved -> edit/issue, issued -> supersede, superseded -> none', () => {
    expect(allowedMoves('none')).toEqual(['draft']);
    expect(allowedMoves('draft')).toEqual(['edit', 'approve']);
    expect(allowedMoves('approved')).toEqual(['edit', 'issue']);
    expect(allowedMoves('issued')).toEqual(['supersede']);
    expect(allowedMoves('superseded')).toEqual([]);
  });

  it('when an illegal move is asserted, then 422 invalid_transition naming the state and the allowed moves', () => {
    expect(() => assertDispositionMove('issued', 'edit')).toThrow(expect.objectContaining({ status: 422, code: 'invalid_transition', details: [{ state: 'issued', move: 'edit', allowed: ['supersede'] }] }));
    expect(assertDispositionMove('approved', 'issue')).toBe('issued');
  });
});

describe('the disposition decisions', () => {
  it('when the drafter or an editor approves, then two_person_rule; another supervisor, yes; a reviewer, forbidden', () => {
    expect(judge(actor('supervisor', 'a'), 'disposition.approve', pending('a'))).toMatchObject({ error: { status: 403, code: 'two_person_rule' } });
    expect(judge(actor('supervisor', 'b'), 'disposition.approve', pending('a', ['a', 'b']))).toMatchObject({ error: { code: 'two_person_rule' } });
    expect(judge(actor('supervisor', 'c'), 'disposition.approve', pending('a', ['a', 'b']))).toBe(true);
    expect(judge(actor('reviewer', 'c'), 'disposition.approve', pending('a'))).toMatchObject({ error: { status: 403, code: 'forbidden' } });
  });

  it('when a vendor of the organization or recused staff ask, then not found (no error of its own); legal and admins are told no', () => {
    for (const d of ['disposition.draft', 'disposition.issue', 'disposition.approve'] as const) {
      expect(judge(actor('vendor'), d, pending('a'))).toEqual({ reason: 'not visible to actor' });
      expect(judge(actor('supervisor', 'c', [ORG]), d, pending('a'))).toEqual({ reason: 'recused: declared conflict' });
      expect(judge(actor('admin'), d, pending('a'))).toMatchObject({ error: { status: 403 } });
    }
    expect(judge(actor('reviewer'), 'disposition.draft', pending('a'))).toBe(true);
    expect(judge(actor('reviewer'), 'disposition.issue', pending('a'))).toMatchObject({ error: { status: 403 } });
  });
});
