import { createHash } from 'node:crypto';

/** prev_hash of the first event: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an audit event's hash covers, in the shape that is canonicalised (docs/audit.md). */
export interface ChainedEvent {
  seq: number;
  occurredAt: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: unknown;
}

/**
 * Canonical JSON (RFC 8785 for the values we store): object keys sorted by UTF-16 code units,
 * no whitespace, JSON.stringify's escaping and number format. Undefined members are dropped.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const out = JSON.stringify(value);
    if (out === undefined) throw new TypeError(`Value cannot be canonicalised: ${typeof value}`);
    return out;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** hash = hex(SHA-256(prev_hash as ASCII hex || canonical JSON of the event as UTF-8)). */
export function chainHash(prevHash: string, event: ChainedEvent): string {
  return createHash('sha256').update(prevHash, 'ascii').update(canonicalJson(event), 'utf8').digest('hex');
}

const SECRET_KEY = /pass(word)?|token|secret|totp|cookie|authorization/i;

/** Copies `data` as plain JSON with every secret-looking member replaced by "[masked]". */
export function maskSecrets(data: unknown): unknown {
  const plain: unknown = JSON.parse(JSON.stringify(data ?? {}));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) ? '[masked]' : walk(x)]));
    }
    return v;
  };
  return walk(plain);
}
