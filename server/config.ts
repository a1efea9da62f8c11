import path from 'node:path';
import { Ajv, type JSONSchemaType } from 'ajv';
import addFormats from 'ajv-formats';

/** Runtime settings, read once from the environment (see API.md "Settings" and .env.example). */
export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly publicUrl: string;
  /** Unset: main.ts starts embedded PostgreSQL under dataDir. */
  readonly databaseUrl?: string;
  /** Role the pool switches to on every connection, so the app lacks owner rights (audit is append-only). */
  readonly databaseAppRole: string;
  readonly dataDir: string;
  readonly uploadsDir: string;
  /** Unset: mail is written to the log instead of sent. */
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  /** Unset outside production: generated into dataDir on first start. */
  readonly sessionSecret?: string;
  /** Ed25519 private key (PEM). Unset: generated into dataDir on first start. */
  readonly receiptSigningKey?: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Run the outbox worker inside the web process (default outside production). */
  readonly workerInProcess: boolean;
  /** Keep staff queue answers per audit head for 2 s (docs/review-queue.md "Cache"). */
  readonly queueCache: boolean;
  /** Keep bearer-token lookups between changes, told by LISTEN/NOTIFY (docs/credential-cache.md). */
  readonly credentialCache: boolean;
  /** Whose X-Forwarded-For is believed (Express "trust proxy"): the per-address throttles and the audit's ip rely on it. */
  readonly trustProxy: string;
  /** When set, GET /metrics answers only `Authorization: Bearer <this>`. */
  readonly metricsToken?: string;
  /** How slowly a request body may arrive before its connection is dropped (http/body-pace.ts). */
  readonly bodyPace: { readonly stallMs: number; readonly minBytesPerSecond: number; readonly windowMs: number };
  /** Drafts untouched (no edit, no upload) this many days are purged daily, except in held proceedings (docs/legal-hold.md). */
  readonly draftRetentionDays: number;
  /** V8 heap limit of the process each export runs in (docs/exports.md "The export process"). */
  readonly exportHeapMiB: number;
}

interface RawSettings {
  NODE_ENV: Config['nodeEnv'];
  PORT: number;
  PUBLIC_URL?: string;
  DATABASE_URL?: string;
  DATABASE_APP_ROLE: string;
  DATA_DIR: string;
  UPLOADS_DIR: string;
  SMTP_URL?: string;
  MAIL_FROM: string;
  SESSION_SECRET?: string;
  RECEIPT_SIGNING_KEY?: string;
  LOG_LEVEL: Config['logLevel'];
  WORKER_IN_PROCESS?: boolean;
  QUEUE_CACHE: boolean;
  CREDENTIAL_CACHE: boolean;
  METRICS_TOKEN?: string;
  TRUST_PROXY: string;
  BODY_STALL_SECONDS: number;
  BODY_MIN_BYTES_PER_SECOND: number;
  BODY_RATE_WINDOW_SECONDS: number;
  DRAFT_RETENTION_DAYS: number;
  EXPORT_HEAP_MIB: number;
}

/** EXPORT_HEAP_MIB's default: room for the index rows of about 40,000 documents (docs/exports.md). */
export const DEFAULT_EXPORT_HEAP_MIB = 160;

const settingsSchema: JSONSchemaType<RawSettings> = {
  type: 'object',
  properties: {
    NODE_ENV: { type: 'string', enum: ['development', 'production', 'test'], default: 'development' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    PUBLIC_URL: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000, nullable: true },
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://', maxLength: 2000, nullable: true },
    DATABASE_APP_ROLE: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', maxLength: 63, default: 'portal_app' },
    DATA_DIR: { type: 'string', minLength: 1, maxLength: 1000, default: './data' },
    UPLOADS_DIR: { type: 'string', minLength: 1, maxLength: 1000, default: './uploads' },
    SMTP_URL: { type: 'string', pattern: '^smtps?://', maxLength: 2000, nullable: true },
    MAIL_FROM: { type: 'string', minLength: 3, maxLength: 320, default: 'Vendor Response Portal <no-reply@portal.localhost>' },
    SESSION_SECRET: { type: 'string', minLength: 32, maxLength: 1000, nullable: true },
    RECEIPT_SIGNING_KEY: {
      type: 'string', pattern: '-----BEGIN PRIVATE KEY-----', maxLength: 10000, nullable: true,
    },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    WORKER_IN_PROCESS: { type: 'boolean', nullable: true },
    QUEUE_CACHE: { type: 'boolean', default: true },
    CREDENTIAL_CACHE: { type: 'boolean', default: true },
    TRUST_PROXY: {
      type: 'string', maxLength: 500, default: 'loopback',
      pattern: '^(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(/[0-9]{1,3})?)(, ?(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(/[0-9]{1,3})?))*$',
    },
    METRICS_TOKEN: { type: 'string', minLength: 32, maxLength: 200, pattern: '^[\\x21-\\x7e]+$', nullable: true },
    BODY_STALL_SECONDS: { type: 'number', minimum: 0.1, maximum: 3600, default: 20 },
    BODY_MIN_BYTES_PER_SECOND: { type: 'number', minimum: 0, maximum: 1e9, default: 1024 },
    BODY_RATE_WINDOW_SECONDS: { type: 'number', minimum: 0.1, maximum: 3600, default: 30 },
    DRAFT_RETENTION_DAYS: { type: 'integer', minimum: 1, maximum: 36500, default: 180 },
    EXPORT_HEAP_MIB: { type: 'integer', minimum: 64, maximum: 65536, default: DEFAULT_EXPORT_HEAP_MIB },
  },
  required: [],
  additionalProperties: true,
};

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true });
addFormats(ajv);
const validateSettings = ajv.compile(settingsSchema);

/** Thrown when a setting is invalid; main.ts prints the message and exits. */
export class ConfigError extends Error {}

/** Validates the environment and returns a frozen Config; throws ConfigError naming each bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(settingsSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  if (!validateSettings(raw)) {
    const problems = (validateSettings.errors ?? []).map((e) => {
      const name = e.instancePath.replace(/^\//, '') || String(e.params['missingProperty'] ?? 'setting');
      return `${name} ${e.message ?? 'is invalid'}`;
    });
    throw new ConfigError(`Invalid settings: ${problems.join('; ')}`);
  }
  const s = raw as unknown as RawSettings;
  if (s.NODE_ENV === 'production' && !s.SESSION_SECRET) {
    throw new ConfigError('Invalid settings: SESSION_SECRET is required when NODE_ENV=production (at least 32 characters)');
  }
  if (s.NODE_ENV === 'production' && !s.SMTP_URL) {
    // Without SMTP, mail bodies (activation and verification links included) would go to the log.
    throw new ConfigError('Invalid settings: SMTP_URL is required when NODE_ENV=production (mail must not be written to logs)');
  }
  if (s.NODE_ENV === 'production' && !s.PUBLIC_URL?.startsWith('https://')) {
    throw new ConfigError('Invalid settings: PUBLIC_URL must be an https:// address when NODE_ENV=production');
  }
  return Object.freeze({
    nodeEnv: s.NODE_ENV,
    port: s.PORT,
    publicUrl: (s.PUBLIC_URL ?? `http://localhost:${s.PORT}`).replace(/\/$/, ''),
    databaseUrl: s.DATABASE_URL,
    databaseAppRole: s.DATABASE_APP_ROLE,
    dataDir: path.resolve(s.DATA_DIR),
    uploadsDir: path.resolve(s.UPLOADS_DIR),
    smtpUrl: s.SMTP_URL,
    mailFrom: s.MAIL_FROM,
    sessionSecret: s.SESSION_SECRET,
    receiptSigningKey: s.RECEIPT_SIGNING_KEY,
    logLevel: s.LOG_LEVEL,
    workerInProcess: s.WORKER_IN_PROCESS ?? s.NODE_ENV !== 'production',
    queueCache: s.QUEUE_CACHE,
    credentialCache: s.CREDENTIAL_CACHE,
    metricsToken: s.METRICS_TOKEN,
    trustProxy: s.TRUST_PROXY,
    bodyPace: Object.freeze({
      stallMs: s.BODY_STALL_SECONDS * 1000, minBytesPerSecond: s.BODY_MIN_BYTES_PER_SECOND, windowMs: s.BODY_RATE_WINDOW_SECONDS * 1000,
    }),
    draftRetentionDays: s.DRAFT_RETENTION_DAYS,
    exportHeapMiB: s.EXPORT_HEAP_MIB,
  });
}
