import { badRequest } from './errors';

/** Lists: `limit` 1-200 (default 50); `cursor` is opaque to clients (base64url JSON). */
export function parseLimit(raw: unknown): number {
  if (raw === undefined) return 50;
  const n = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 200)) throw badRequest('invalid_limit', '"limit" must be a whole number from 1 to 200.');
  return n;
}

export const encodeCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeCursor<T>(raw: unknown, check: (v: unknown) => v is T): T | undefined {
  if (raw === undefined) return undefined;
  try {
    if (typeof raw !== 'string' || raw.length > 500) throw new Error('bad');
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch { /* fall through */ }
  throw badRequest('invalid_cursor', '"cursor" is not one this server issued. Start again without it.');
}

/** Express 5's req.query may hold arrays (?a=1&a=2); take single strings only, into a new object. */
export function singleQuery(query: Record<string, unknown>, allowed: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!allowed.includes(key)) throw badRequest('unknown_parameter', `"${key}" is not a query parameter here. Allowed: ${allowed.join(', ')}.`);
    if (typeof value !== 'string') throw badRequest('invalid_parameter', `Give "${key}" once, as plain text.`);
    out[key] = value;
  }
  return out;
}
