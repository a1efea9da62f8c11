import { notFound } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID cannot name anything: 404, like any other unknown id. */
export function uuidParam(raw: unknown, what = 'resource'): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) throw notFound(what);
  return raw.toLowerCase();
}
