import type { Actor } from '../../server/access/actor';
import { judge } from '../../server/access/decisions';
import { membershipDecision } from '../../server/access/organization.policy';
import type { Role, SubmissionStatus } from '../../server/db/database';

const ORG_A = '11111111-1111-4111-8111-111111111111';
const ORG_B = '22222222-2222-4222-8222-222222222222';
const STAFF: Role[] = ['reviewer', 'supervisor', 'legal', 'admin'];
const actor = (role: Role, organizationId: string | null = null): Actor => ({ userId: 'u', role, organizationId, email: 'x@example.test', name: 'X', via: 'token', recusedFrom: [] });
const sub = (status: SubmissionStatus) => ({ organization_id: ORG_A, status });

describe('submission decisions', () => {
  it('when the organization\'s own member asks, then they see and act on drafts and filings alike', () => {
    for (const status of ['draft', 'submitted'] as const) {
      expect(judge(actor('vendor', ORG_A), 'submission.see', sub(status))).toBe(true);
      expect(judge(actor('vendor', ORG_A), 'submission.act', sub(status))).toBe(true);
    }
  });

  it('when another vendor asks, then no to everything, answered as not found (no error of its own)', () => {
    expect(judge(actor('vendor', ORG_B), 'submission.see', sub('submitted'))).toEqual({ reason: 'not visible to actor' });
    expect(judge(actor('vendor', ORG_B), 'submission.act', sub('draft'))).toEqual({ reason: 'not a member of the submitting organization' });
  });

  it('when staff ask, then they see filed submissions, never a draft, and act on none', () => {
    for (const role of STAFF) {
      expect(judge(actor(role), 'submission.see', sub('submitted'))).toBe(true);
      expect(judge(actor(role), 'submission.see', sub('withdrawn'))).toBe(true);
      expect(judge(actor(role), 'submission.see', sub('draft'))).not.toBe(true);
      expect(judge(actor(role), 'submission.act', sub('submitted'))).not.toBe(true);
      expect(judge(actor(role), 'submission.prepare', { docket: 'D' })).toMatchObject({ error: { status: 403, code: 'forbidden' } });
    }
  });

  it('when staff declared a conflict with the organization, then its filings are hidden (404, no error of its own) with a recusal as the reason, and other organizations stay visible', () => {
    for (const role of STAFF) {
      const recused = { ...actor(role), recusedFrom: [ORG_A] };
      expect(judge(recused, 'submission.see', sub('submitted'))).toEqual({ reason: 'recused: declared conflict' });
      expect(judge(recused, 'submission.see', sub('draft'))).toEqual({ reason: 'recused: declared conflict' });
      expect(judge(actor(role), 'submission.see', sub('draft'))).toEqual({ reason: 'not visible to actor' });
      expect(judge(recused, 'submission.see', { organization_id: ORG_B, status: 'submitted' })).toBe(true);
    }
    expect(judge({ ...actor('reviewer'), recusedFrom: [ORG_A] }, 'information_request.create', sub('submitted'))).not.toBe(true);
  });

  it('when staff ask a question about a response, then reviewing roles may on a filed one only', () => {
    expect(judge(actor('reviewer'), 'information_request.create', sub('submitted'))).toBe(true);
    expect(judge(actor('supervisor'), 'information_request.create', sub('draft'))).not.toBe(true);
    expect(judge(actor('legal'), 'information_request.create', sub('submitted'))).not.toBe(true);
  });
});

describe('conflict decisions', () => {
  it('when someone ends a conflict, then only its declarer may; anyone else is refused as not found', () => {
    expect(judge({ ...actor('reviewer'), userId: 'me' }, 'conflict.end', { user_id: 'me' })).toBe(true);
    expect(judge({ ...actor('admin'), userId: 'boss' }, 'conflict.end', { user_id: 'me' })).toEqual({ reason: 'not the declarer of the conflict' });
  });

  it('when a vendor\'s organization id were somehow in recusedFrom, then its own member still sees its filings (recusal is for staff)', () => {
    expect(judge({ ...actor('vendor', ORG_A), recusedFrom: [ORG_A] }, 'submission.see', sub('submitted'))).toBe(true);
  });
});

describe('membershipDecision', () => {
  it('when members, other vendors or staff manage members, then allow, hide and forbid', () => {
    expect(membershipDecision({ role: 'vendor', organizationId: ORG_A }, ORG_A)).toBe('allow');
    expect(membershipDecision({ role: 'vendor', organizationId: ORG_B }, ORG_A)).toBe('hide');
    expect(membershipDecision({ role: 'admin', organizationId: null }, null)).toBe('forbid');
  });
});
