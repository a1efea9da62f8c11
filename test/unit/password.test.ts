import { DUMMY_HASH, hashPassword, passwordProblem, unusablePasswordHash, verifyPassword } from '../../server/accounts/password';

describe('passwordProblem (NIST SP 800-63B-4)', () => {
  it('when a password without MFA has 14 characters, then it is too short; 15 is enough', () => {
    expect(passwordProblem('a'.repeat(0) + 'tulip-river-ox', { mfa: false })).toMatch(/at least 15/);
    expect(passwordProblem('tulip-river-oxe', { mfa: false })).toBeNull();
  });
  it('when the account has MFA, then 8 characters suffice', () => {
    expect(passwordProblem('lamp7Fox', { mfa: true })).toBeNull();
    expect(passwordProblem('lamp7Fo', { mfa: true })).toMatch(/at least 8/);
  });
  it('when the password is 64 Unicode characters, then it is accepted with no composition rules', () => {
    expect(passwordProblem('ключ🔑'.repeat(10) + 'मेरा पासवर्ड है क्या', { mfa: false })).toBeNull();
  });
  it('when the password is on the common-password list, then it is refused', () => {
    expect(passwordProblem('1qaz2wsx3edc4rfv', { mfa: false })).toMatch(/commonly used/);
    expect(passwordProblem('password', { mfa: true })).toMatch(/commonly used/);
  });
  it('when the password repeats a pattern or is a sequence, then it is refused', () => {
    expect(passwordProblem('abcabcabcabcabcabc', { mfa: false })).toMatch(/repeated/);
    expect(passwordProblem('abcdefghijklmnop', { mfa: false })).toMatch(/sequence/);
  });
  it('when the password contains the e-mail name, then it is refused', () => {
    expect(passwordProblem('jane.doe is my long password', { mfa: false, email: 'jane.doe@example.test' })).toMatch(/e-mail/);
  });
});

describe('hashPassword / verifyPassword', () => {
  it('when an account is unknown, then the dummy hash costs the same scrypt work as a real one', async () => {
    const real = (await hashPassword('some long passphrase here')).split('$').slice(0, 4).join('$');
    expect(DUMMY_HASH.split('$').slice(0, 4).join('$')).toBe(real);
    expect(await verifyPassword('anything at all', DUMMY_HASH)).toBe(false);
  });

  it('when the same password is given, then it verifies; NFC and NFD forms are equal; others fail', async () => {
    const stored = await hashPassword('caf\u00e9 au lait, s\'il vous plaît');
    expect(stored).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(await verifyPassword('caf\u00e9 au lait, s\'il vous plaît', stored)).toBe(true);
    expect(await verifyPassword('cafe\u0301 au lait, s\'il vous plaît', stored)).toBe(true);
    expect(await verifyPassword('cafe au lait, s\'il vous plait', stored)).toBe(false);
  });

  it('when an invited account has no password yet, then its hash has the real parameters, differs every time, and matches nothing', async () => {
    const real = (await hashPassword('some long passphrase here')).split('$').slice(0, 4).join('$');
    const a = unusablePasswordHash();
    expect(a.split('$').slice(0, 4).join('$')).toBe(real);
    expect(a).not.toBe(unusablePasswordHash());
    expect(await verifyPassword('', a)).toBe(false);
    expect(await verifyPassword('some long passphrase here', a)).toBe(false);
  });
});
