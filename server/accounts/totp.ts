import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;
const ISSUER = 'Vendor Response Portal';

/** A fresh base32 TOTP secret (160 bits, RFC 4226's recommendation). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

function totp(secret: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** otpauth:// URI for authenticator apps. */
export const totpUri = (secret: string, email: string): string => totp(secret, email).toString();

/** The current code (used by tests and the CLI's demo output only). */
export const currentTotp = (secret: string, at = Date.now()): string => totp(secret, '').generate({ timestamp: at });

/**
 * The time step a code belongs to, allowing one step of clock drift either way, or null when the
 * code is wrong. Callers must refuse steps at or below the last one used (a code works once).
 */
export function totpStep(secret: string, code: string, at = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret, '').validate({ token: code, timestamp: at, window: 1 });
  return delta === null ? null : Math.floor(at / 1000 / PERIOD) + delta;
}
