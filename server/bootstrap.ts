import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';
import { migrateToLatest } from './db/migrate';
import { canAssumeRole, createDb, createPool } from './db/pool';
import { startEmbeddedPostgres } from './db/embedded';
import { receiptSigningKey, sessionSecret } from './secrets';
import { TotpVault } from './accounts/totp-vault';
import { loadReceiptKey } from './receipts/signing';
import type { Deps } from './deps';

/** Reads .env (development convenience) then validates settings; exits with the message on error. */
export function configOrExit(): Config {
  const envFile = path.resolve('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(2);
    }
    throw err;
  }
}

export interface Runtime {
  deps: Deps;
  databaseUrl: string;
  embedded: boolean;
  /** The embedded cluster's directory, when this process uses one. */
  embeddedDir?: string;
  /** Closes the pool and stops an embedded server this process started. */
  close(): Promise<void>;
}

/**
 * Everything a process needs before serving or working: the database (embedded when DATABASE_URL
 * is unset), the schema at the latest version, and a pool running as the restricted app role.
 */
export async function openRuntime(config: Config, opts: { logger?: Logger; migrate?: boolean } = {}): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  if (opts.migrate !== false) await migrateToLatest(databaseUrl, config.databaseAppRole);
  const role = (await canAssumeRole(databaseUrl, config.databaseAppRole)) ? config.databaseAppRole : undefined;
  if (!role) logger.warn({ role: config.databaseAppRole }, 'app role unavailable: running as the connecting role (grant it to keep the audit trail append-only by privilege)');
  const pool = createPool({ connectionString: databaseUrl, role, logger });
  const db = createDb(pool);
  const secret = sessionSecret(config);
  const deps: Deps = { config, db, pool, logger, sessionSecret: secret, receiptKey: loadReceiptKey(receiptSigningKey(config)), totpVault: TotpVault.fromSessionSecret(secret) };
  return {
    deps, databaseUrl, embedded: Boolean(embedded), embeddedDir: embedded?.clusterDir,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
