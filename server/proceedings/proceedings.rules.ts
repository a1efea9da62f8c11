import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { ProceedingLimits } from '../db/database';
import { badRequest, unprocessable } from '../http/errors';
import { DEFAULT_RESPONSE_SCHEMA } from './response-schema';
import { DEFAULT_LIMITS, type LatePolicy, type LimitsInput } from './proceedings.schemas';

/**
 * Rules a proceeding must meet beyond its JSON shape, as pure functions: the same checks run on
 * create and on every PATCH (against the merged result), and unit tests reach them without HTTP.
 */

/** The canonical IANA name for a zone Intl knows ("america/new_york" -> "America/New_York"), or null. */
export function canonicalTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * Why an administrator's response schema cannot be used, or null. Compiled on a fresh, stricter
 * instance (unknown keywords are typos worth reporting), so a refused schema never lingers in the
 * cache that validates vendor input.
 */
export function responseSchemaProblem(schema: Record<string, unknown>): string | null {
  if (schema['type'] !== 'object') return 'The response schema must describe an object: set "type": "object".';
  // An $id would be registered on the shared validator and clash when the next version compiles.
  if (JSON.stringify(schema).includes('"$id"')) return 'Remove "$id": response schemas are standalone and must not name themselves.';
  const ajv = new Ajv({ allErrors: false, strict: false, strictSchema: true, coerceTypes: false, useDefaults: false, logger: false });
  addFormats(ajv);
  try {
    ajv.compile(schema);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Merges given limits over a base, then checks they agree with one another. */
export function resolveLimits(input: LimitsInput | null | undefined, base: ProceedingLimits = DEFAULT_LIMITS): ProceedingLimits {
  const limits = { ...base, ...(input ?? {}) };
  if (limits.maxTotalBytes < limits.maxFileBytes) {
    throw unprocessable('invalid_limits', `"limits.maxTotalBytes" (${limits.maxTotalBytes}) must be at least "limits.maxFileBytes" (${limits.maxFileBytes}).`,
      [{ field: 'limits.maxTotalBytes' }]);
  }
  return limits;
}

/** The fields a proceeding is made of, as the API names them (before checking). */
export interface ProceedingFields {
  title: string;
  summary: string;
  noticeText: string;
  opensAt: string | Date;
  closesAt: string | Date;
  timeZone: string;
  latePolicy: LatePolicy;
  /** null: the default schema. */
  responseSchema: Record<string, unknown> | null;
  /** Missing members take the defaults. */
  limits: LimitsInput;
}

/** Checked and normalized: dates parsed, zone canonical, schema and every limit present. */
export interface CheckedProceeding extends Omit<ProceedingFields, 'opensAt' | 'closesAt' | 'responseSchema' | 'limits'> {
  opensAt: Date;
  closesAt: Date;
  responseSchema: Record<string, unknown>;
  limits: ProceedingLimits;
}

const toDate = (value: string | Date, field: string): Date => {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw badRequest('invalid_request', `"${field}" is not a date and time.`, [{ field, problem: 'format' }]);
  return d;
};

/** Applies every rule; throws the AppError a person can act on, naming the field. */
export function checkProceeding(fields: ProceedingFields): CheckedProceeding {
  const timeZone = canonicalTimeZone(fields.timeZone);
  if (!timeZone) {
    throw badRequest('invalid_time_zone', `"${fields.timeZone}" is not an IANA time zone. Use a name such as America/New_York or UTC.`, [{ field: 'timeZone', problem: 'unknown' }]);
  }
  const opensAt = toDate(fields.opensAt, 'opensAt');
  const closesAt = toDate(fields.closesAt, 'closesAt');
  if (closesAt <= opensAt) {
    throw unprocessable('invalid_window', `The response window must close after it opens ("closesAt" ${closesAt.toISOString()} is not after "opensAt" ${opensAt.toISOString()}).`,
      [{ field: 'closesAt' }]);
  }
  const responseSchema = fields.responseSchema ?? (DEFAULT_RESPONSE_SCHEMA as unknown as Record<string, unknown>);
  const problem = responseSchemaProblem(responseSchema);
  if (problem) throw unprocessable('invalid_response_schema', `The response schema cannot be used: ${problem}`, [{ field: 'responseSchema', problem }]);
  return { ...fields, timeZone, opensAt, closesAt, responseSchema, limits: resolveLimits(fields.limits) };
}
