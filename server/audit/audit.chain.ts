import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export { canonicalJson };

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

/** hash = hex(SHA-256(prev_hash as ASCII hex || canonical JSON of the event as UTF-8)). */
export function chainHash(prevHash: string, event: ChainedEvent): string {
  return createHash('sha256').update(prevHash, 'ascii').update(canonicalJson(event), 'utf8').digest('hex');
}

const SECRET_KEY = /pass(word)?|token|secret|totp|cookie|authorization/i;

/**
 * Copies `data` as plain JSON with every secret-looking member replaced by "[masked]". The walk
 * uses a work list, not recursion, so deep data cannot overflow the stack here.
 */
export function maskSecrets(data: unknown): unknown {
  const plain: unknown = JSON.parse(JSON.stringify(data ?? {}));
  const pending: unknown[] = [plain];
  while (pending.length > 0) {
    const v = pending.pop();
    if (Array.isArray(v)) {
      for (const x of v) pending.push(x);
    } else if (v && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        if (SECRET_KEY.test(k)) obj[k] = '[masked]';
        else pending.push(obj[k]);
      }
    }
  }
  return plain;
}
