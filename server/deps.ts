import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Config } from './config';
import type { Db } from './db/database';

/*
 * The core names no feature: the two keys features use are described here by their shape. The
 * composition root (bootstrap.ts, or a test) builds them with the features' own code
 * (receipts/signing.ts loadReceiptKey, accounts/totp-vault.ts TotpVault).
 */

/** An Ed25519 key pair and its published id (what receipts/signing.ts signs and verifies with). */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

/** Seals secrets at rest, each bound to its owner's id (what accounts/totp-vault.ts provides). */
export interface SecretVault {
  seal(ownerId: string, secret: string): string;
  /** Throws when the value was sealed with another key or for another owner. */
  open(ownerId: string, stored: string): string;
  /** As open(), but null for a value that does not open. */
  openOrNull(ownerId: string, stored: string): string | null;
}

/** Everything the app needs from outside, built by main.ts (or a test) and passed to createApp. */
export interface Deps {
  config: Config;
  db: Db;
  pool: pg.Pool;
  logger: Logger;
  /** HMAC key for CSRF tokens; from SESSION_SECRET or generated into DATA_DIR. */
  sessionSecret: string;
  /** Ed25519 key that signs receipts (RECEIPT_SIGNING_KEY or generated into DATA_DIR). */
  receiptKey: SigningKey;
  /** Seals TOTP secrets at rest; its key is derived from the session secret. */
  totpVault: SecretVault;
}

/** The host part for Message-IDs and links, from PUBLIC_URL. */
export const mailDomain = (config: Config): string => new URL(config.publicUrl).hostname;
