import type { Logger } from 'pino';
import type pg from 'pg';
import type { Config } from './config';
import type { Db } from './db/database';
import type { ReceiptKey } from './receipts/signing';
import type { TotpVault } from './accounts/totp-vault';

/** Everything the app needs from outside, built by main.ts (or a test) and passed to createApp. */
export interface Deps {
  config: Config;
  db: Db;
  pool: pg.Pool;
  logger: Logger;
  /** HMAC key for CSRF tokens; from SESSION_SECRET or generated into DATA_DIR. */
  sessionSecret: string;
  /** Ed25519 key that signs receipts (RECEIPT_SIGNING_KEY or generated into DATA_DIR). */
  receiptKey: ReceiptKey;
  /** Seals TOTP secrets at rest; its key is derived from the session secret. */
  totpVault: TotpVault;
}

/** The host part for Message-IDs and links, from PUBLIC_URL. */
export const mailDomain = (config: Config): string => new URL(config.publicUrl).hostname;
