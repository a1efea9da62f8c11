import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config';

/** Reads a secret file, creating it (mode 0600) with `make()` the first time. */
export function ensureSecretFile(file: string, make: () => string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, make(), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

/** SESSION_SECRET, or (outside production) one generated into DATA_DIR on first start. */
export function sessionSecret(config: Config): string {
  return config.sessionSecret ?? ensureSecretFile(path.join(config.dataDir, 'session-secret'), () => randomBytes(48).toString('base64url'));
}

/** RECEIPT_SIGNING_KEY, or an Ed25519 key generated into DATA_DIR on first start. */
export function receiptSigningKey(config: Config): string {
  return config.receiptSigningKey ?? ensureSecretFile(path.join(config.dataDir, 'receipt-signing-key.pem'),
    () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}
