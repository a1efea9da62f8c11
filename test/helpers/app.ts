import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApp } from '../../server/app';
import { createHttpServer } from '../../server/http/server';
import { loadConfig, type Config } from '../../server/config';
import { changeFeedOf, createDb, createPool } from '../../server/db/pool';
import { createLogger } from '../../server/logger';
import type { Deps } from '../../server/deps';
import { createTestDatabase } from './database';
import { generateKeyPairSync } from 'node:crypto';
import { loadReceiptKey } from '../../server/receipts/signing';
import { TotpVault } from '../../server/accounts/totp-vault';

export interface TestApp {
  app: Express;
  deps: Deps;
  /** Base URL when started with listen: true (browser tests), else http://127.0.0.1. */
  url: string;
  /** Owner connection string (bypasses the app role): for tampering and inspection in tests. */
  ownerUrl: string;
  /** Waits until the app's change feed has seen every change committed so far (for changes made by hand). */
  changesSeen(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the app on a database of its own. With `listen`, also serves it on a free port and sets
 * PUBLIC_URL to that address (browsers send Origin, which must match).
 */
export async function startTestApp(opts: { listen?: boolean; env?: Record<string, string>; appDatabaseUrl?: (ownerUrl: string) => string; logStream?: { write(line: string): void } } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  let server: Server | undefined;
  let url = 'http://127.0.0.1';
  if (opts.listen) {
    server = createHttpServer(); // the production timeouts, so slow-client tests see what main.ts serves
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const config: Config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', DATABASE_URL: database.url, PUBLIC_URL: url,
    DATA_DIR: '/tmp/vrp-test-data', UPLOADS_DIR: '/tmp/vrp-test-uploads', ...opts.env,
  });
  const logger = createLogger(config.logLevel, opts.logStream);
  const pool = createPool({ connectionString: opts.appDatabaseUrl?.(database.url) ?? database.url, role: config.databaseAppRole, logger, max: 5 });
  const db = createDb(pool);
  const receiptKey = loadReceiptKey(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const sessionSecret = 'test-session-secret-of-at-least-32-chars';
  const deps: Deps = { config, db, pool, logger, sessionSecret, receiptKey, totpVault: TotpVault.fromSessionSecret(sessionSecret) };
  const app = createApp(deps);
  server?.on('request', app);
  return {
    app, deps, url, ownerUrl: database.url,
    changesSeen: async () => changeFeedOf(pool)?.caughtUp(pool),
    async close() {
      if (server) await new Promise((resolve) => { server!.closeAllConnections(); server!.close(resolve); });
      await db.destroy();
      await database.drop();
    },
  };
}
