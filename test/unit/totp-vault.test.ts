import { TotpVault } from '../../server/accounts/totp-vault';

const vault = TotpVault.fromSessionSecret('a session secret of at least thirty-two characters');
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const ALICE = '0b6f6a3e-1f7e-4c57-9a0e-3a0f5c1d2e4b';
const BOB = '7c1d2e4b-0b6f-4a3e-8f7e-4c579a0e3a0f';

describe('sealing TOTP secrets', () => {
  it('when a secret is sealed, then the stored value does not contain it and opens to it for the same user', () => {
    const sealed = vault.seal(ALICE, SECRET);
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealed).not.toContain(SECRET);
    expect(vault.open(ALICE, sealed)).toBe(SECRET);
    expect(vault.seal(ALICE, SECRET)).not.toBe(sealed); // a fresh IV each time
  });

  it('when a sealed secret is moved to another user, altered, or opened with another key, then it does not open', () => {
    const sealed = vault.seal(ALICE, SECRET);
    expect(() => vault.open(BOB, sealed)).toThrow();
    expect(vault.openOrNull(BOB, sealed)).toBeNull();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(vault.openOrNull(ALICE, `v1.${raw.toString('base64url')}`)).toBeNull();
    const other = TotpVault.fromSessionSecret('another session secret, also long enough to use');
    expect(other.openOrNull(ALICE, sealed)).toBeNull();
  });

  it('when a row still holds a secret stored before sealing, then it is read as it is', () => {
    expect(vault.open(ALICE, SECRET)).toBe(SECRET);
  });
});
