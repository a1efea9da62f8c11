import type { Actor } from '../../server/access/actor';
import { judge } from '../../server/access/decisions';
import type { Role, SubmissionStatus } from '../../server/db/database';

const ORG = '11111111-1111-4111-8111-111111111111';
const actor = (role: Role, recusedFrom: string[] = []): Actor => ({ userId: 'u', role, organizationId: role === 'vendor' ? ORG : null, email: 'x@example.test', name: 'X', via: 'token', recusedFrom });
const sub = (status: SubmissionStatus = 'submitted') => ({ organization_id: ORG, status });
const allowed = (decision: 'note.read' | 'note.add' | 'findings.read' | 'findings.save') =>
  (['vendor', 'reviewer', 'supervisor', 'legal', 'admin'] as Role[]).filter((r) => judge(actor(r), decision, sub()) === true);

describe('notes and findings decisions', () => {
  it('when each role asks on a filed submission, then reviewers and supervisors write, legal also reads, vendors and administrators do neither', () => {
    expect(allowed('note.read')).toEqual(['reviewer', 'supervisor', 'legal']);
    expect(allowed('note.add')).toEqual(['reviewer', 'supervisor']);
    expect(allowed('findings.read')).toEqual(['reviewer', 'supervisor', 'legal']);
    expect(allowed('findings.save')).toEqual(['reviewer', 'supervisor']);
  });

  it('when the reviewer is recused from the organization or the submission is a draft, then no, answered as not found', () => {
    for (const d of ['note.read', 'note.add', 'findings.read', 'findings.save'] as const) {
      expect(judge(actor('reviewer', [ORG]), d, sub())).toEqual({ reason: 'recused: declared conflict' });
      expect(judge(actor('reviewer'), d, sub('draft'))).not.toBe(true);
      expect((judge(actor('reviewer', [ORG]), d, sub()) as { error?: unknown }).error).toBeUndefined();
    }
  });
});
