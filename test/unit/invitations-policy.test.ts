import { canSeeOrganization, inviteDecision } from '../../server/access/organization.policy';
import { COUNTRY_CODES } from '../../server/accounts/registration.countries';

const ORG_A = '11111111-1111-4111-8111-111111111111';
const ORG_B = '22222222-2222-4222-8222-222222222222';

describe('inviteDecision', () => {
  it('when a verified member of the organization invites, then allow', () => {
    expect(inviteDecision({ role: 'vendor', organizationId: ORG_A }, ORG_A, true)).toBe('allow');
  });
  it('when a member has not confirmed their address, then unverified', () => {
    expect(inviteDecision({ role: 'vendor', organizationId: ORG_A }, ORG_A, false)).toBe('unverified');
  });
  it('when a vendor of another organization invites, then hide (404), verified or not', () => {
    expect(inviteDecision({ role: 'vendor', organizationId: ORG_B }, ORG_A, true)).toBe('hide');
    expect(inviteDecision({ role: 'vendor', organizationId: ORG_B }, ORG_A, false)).toBe('hide');
  });
  it('when staff invite, then forbid (403)', () => {
    for (const role of ['reviewer', 'supervisor', 'legal', 'admin'] as const) {
      expect(inviteDecision({ role, organizationId: null }, ORG_A, true)).toBe('forbid');
    }
  });
});

describe('canSeeOrganization', () => {
  it('when members or staff look, then yes; another vendor, no', () => {
    expect(canSeeOrganization({ role: 'vendor', organizationId: ORG_A, recusedFrom: [] }, ORG_A)).toBe(true);
    expect(canSeeOrganization({ role: 'legal', organizationId: null, recusedFrom: [] }, ORG_A)).toBe(true);
    expect(canSeeOrganization({ role: 'vendor', organizationId: ORG_B, recusedFrom: [] }, ORG_A)).toBe(false);
  });
  it('when staff declared a conflict with the organization, then no (recusal); other organizations stay visible', () => {
    for (const role of ['reviewer', 'supervisor', 'legal', 'admin'] as const) {
      expect(canSeeOrganization({ role, organizationId: null, recusedFrom: [ORG_A] }, ORG_A)).toBe(false);
      expect(canSeeOrganization({ role, organizationId: null, recusedFrom: [ORG_A] }, ORG_B)).toBe(true);
    }
  });
});

describe('COUNTRY_CODES', () => {
  it('when listed, then the 249 ISO 3166-1 alpha-2 codes, once each, without unions or user-assigned codes', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    expect(COUNTRY_CODES).toEqual(expect.arrayContaining(['US', 'RU', 'DE', 'CN', 'SS', 'CW']));
    for (const code of ['EU', 'UN', 'XK', 'UK', 'SU', 'AN']) expect(COUNTRY_CODES).not.toContain(code);
  });
});
