import type { Request } from 'express';
import { badRequest } from './errors';

/** The version an `If-Match` header names (`3` or `"3"`), or undefined when absent. */
export function ifMatchVersion(req: Request): number | undefined {
  const raw = req.get('if-match');
  if (raw === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!m) throw badRequest('invalid_if_match', 'If-Match must be the resource\'s version number, as in its ETag.');
  return Number(m[1]);
}
