import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * TOTP secrets are sealed before they reach the database (AES-256-GCM), so a database reader, a
 * leaked backup or an injection cannot mint codes. The key is derived from SESSION_SECRET (HKDF,
 * its own label), which never enters the database. Each sealed secret is bound to its user's id, so
 * a secret copied into another user's row does not open. Rows written before sealing (plain base32)
 * are still read.
 *
 * An interface (the key lives in the closure), so the core's `Deps` can describe it by shape
 * without importing this feature.
 */
export interface TotpVault {
  seal(userId: string, secret: string): string;
  /** The base32 secret; throws when the value was sealed with another key or for another user. */
  open(userId: string, stored: string): string;
  /** As open(), but null for a value that does not open (another key, another user's row, altered). */
  openOrNull(userId: string, stored: string): string | null;
}

export const TotpVault = {
  fromSessionSecret(sessionSecret: string): TotpVault {
    return vaultWithKey(Buffer.from(hkdfSync('sha256', sessionSecret, 'vendor-response-portal', 'totp-secret/v1', 32)));
  },
};

function vaultWithKey(key: Buffer): TotpVault {
  const open = (userId: string, stored: string): string => {
    if (!stored.startsWith(PREFIX)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES)).setAAD(Buffer.from(userId));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  };
  return {
    seal(userId, secret) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(userId));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open,
    openOrNull(userId, stored) {
      try {
        return open(userId, stored);
      } catch {
        return null;
      }
    },
  };
}
