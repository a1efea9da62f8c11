import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))));

/** scrypt cost N=2^15, r=8, p=3: one of OWASP's equivalent minimums (32 MiB, about 0.2 s here). */
const PARAMS = { N: 2 ** 15, r: 8, p: 3, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LEN = 32;

/** Hashes with scrypt; the result carries its parameters so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, KEY_LEN, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Constant-time check of a password against a stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64'), expected.length,
    { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem });
  return timingSafeEqual(actual, expected);
}

/** A hash no password matches, compared against for unknown accounts so timing stays the same. */
export const DUMMY_HASH = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${'A'.repeat(22)}==$${'A'.repeat(43)}=`;

/**
 * The stored hash of an account that has no password yet (invited, not activated): a random salt
 * and a random key, so no password matches it and checking one costs the same scrypt work as for
 * any account, yet making it costs none (invitations do not hash).
 */
export const unusablePasswordHash = (): string =>
  `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${randomBytes(16).toString('base64')}$${randomBytes(KEY_LEN).toString('base64')}`;

let blocklist: Set<string> | undefined;
function commonPasswords(): Set<string> {
  blocklist ??= new Set(readFileSync(path.join(PROJECT_ROOT, 'server', 'accounts', 'common-passwords.txt'), 'utf8')
    .split('\n').filter((l) => l && !l.startsWith('#')));
  return blocklist;
}

export const MAX_PASSWORD_LENGTH = 128;

/**
 * NIST SP 800-63B-4 rules: length (15 without MFA, 8 with), up to 128 characters, any Unicode,
 * no composition rules; refuse common, repetitive or context-derived passwords. Returns the
 * problem as a sentence, or null when the password is acceptable.
 */
export function passwordProblem(password: string, ctx: { mfa: boolean; email?: string; name?: string }): string | null {
  const length = [...password.normalize('NFC')].length;
  const min = ctx.mfa ? 8 : 15;
  if (length < min) return `Use at least ${min} characters (a few unrelated words work well).`;
  if (length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'This password appears in lists of commonly used passwords. Choose another.';
  if (/^(.{1,4})\1+$/su.test(lower)) return 'This password is a short pattern repeated. Choose another.';
  if (isSequence(lower)) return 'This password is a simple sequence of characters. Choose another.';
  const context = [ctx.email?.split('@')[0], ctx.email, ctx.name, 'vendor response portal', 'vendorresponseportal']
    .filter((w): w is string => !!w && w.length >= 4).map((w) => w.toLowerCase().replace(/\s+/g, ''));
  if (context.some((w) => lower.replace(/\s+/g, '').includes(w))) return 'Do not use your name, e-mail address or the portal\'s name in your password.';
  return null;
}

function isSequence(s: string): boolean {
  const codes = [...s].map((c) => c.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  return Math.abs(step) === 1 && codes.every((c, i) => i === 0 || c - (codes[i - 1] ?? 0) === step);
}
