import type { JSONSchemaType } from 'ajv';
import { badRequest } from '../http/errors';

/** API.md: proceedings are addressed by docket. The database checks the same pattern. */
const DOCKET_PATTERN = '^[A-Z0-9][A-Z0-9-]{2,39}$';
export const DOCKET = new RegExp(DOCKET_PATTERN);

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Upload limits a proceeding gets unless its administrator sets others. */
export const DEFAULT_LIMITS = { maxFileBytes: 100 * MiB, maxFiles: 50, maxTotalBytes: GiB } as const;
/** Ceilings an administrator cannot exceed: uploads stream to disk, but the disk is not infinite. */
const MAX_LIMITS = { maxFileBytes: 2 * GiB, maxFiles: 500, maxTotalBytes: 20 * GiB } as const;

export type LatePolicy = 'reject' | 'accept_flagged';
export interface LimitsInput { maxFileBytes?: number; maxFiles?: number; maxTotalBytes?: number }

export interface CreateProceedingInput {
  docket: string;
  title: string;
  summary: string;
  noticeText: string;
  opensAt: string;
  closesAt: string;
  timeZone: string;
  latePolicy: LatePolicy;
  responseSchema?: Record<string, unknown> | null;
  limits?: LimitsInput | null;
}

/** Everything but the docket (the proceeding's address, and the prefix of its tracking numbers). */
export type PatchProceedingInput = Partial<Omit<CreateProceedingInput, 'docket'>>;

const TIME = { type: 'string', format: 'date-time', maxLength: 40, description: 'RFC 3339 with an offset, e.g. 2017-11-03T23:59:00-04:00' } as const;
const ZONE = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_+/-]{0,63}$', maxLength: 64, description: 'IANA time zone, e.g. America/New_York' } as const;
const TEXT = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const LATE = { type: 'string', enum: ['reject', 'accept_flagged'] } as const;
const RESPONSE_SCHEMA = { type: 'object', required: [], nullable: true, description: 'JSON Schema (an object schema) for the structured response fields; null or omitted: the default.' } as const;
// Ajv's JSONSchemaType makes optional members nullable; `not null` keeps a PATCH from blanking a required column.
const NOT_NULL = { nullable: true, not: { type: 'null' } } as const;

// Typed where it is used (as the nullable member of each request schema).
const limitsSchema = {
  type: 'object',
  additionalProperties: false,
  required: [],
  nullable: true,
  properties: {
    maxFileBytes: { type: 'integer', minimum: 1, maximum: MAX_LIMITS.maxFileBytes, ...NOT_NULL },
    maxFiles: { type: 'integer', minimum: 1, maximum: MAX_LIMITS.maxFiles, ...NOT_NULL },
    maxTotalBytes: { type: 'integer', minimum: 1, maximum: MAX_LIMITS.maxTotalBytes, ...NOT_NULL },
  },
} as const;

export const createProceedingSchema: JSONSchemaType<CreateProceedingInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['docket', 'title', 'summary', 'noticeText', 'opensAt', 'closesAt', 'timeZone', 'latePolicy'],
  properties: {
    docket: { type: 'string', pattern: DOCKET_PATTERN, maxLength: 40 },
    title: TEXT(300),
    summary: TEXT(5000),
    noticeText: TEXT(200_000),
    opensAt: TIME,
    closesAt: TIME,
    timeZone: ZONE,
    latePolicy: LATE,
    responseSchema: RESPONSE_SCHEMA,
    limits: limitsSchema,
  },
};

export const patchProceedingSchema: JSONSchemaType<PatchProceedingInput> = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  required: [],
  properties: {
    title: { ...TEXT(300), ...NOT_NULL },
    summary: { ...TEXT(5000), ...NOT_NULL },
    noticeText: { ...TEXT(200_000), ...NOT_NULL },
    opensAt: { ...TIME, ...NOT_NULL },
    closesAt: { ...TIME, ...NOT_NULL },
    timeZone: { ...ZONE, ...NOT_NULL },
    latePolicy: { ...LATE, ...NOT_NULL },
    responseSchema: RESPONSE_SCHEMA,
    limits: limitsSchema,
  },
};

/**
 * Ajv reports `null` in a non-nullable member as "must NOT be valid"; say plainly what to do
 * instead (called on PATCH bodies before the schema parser, which still enforces it).
 */
export function refuseNulls(body: unknown, allowed: readonly string[] = ['responseSchema', 'limits']): void {
  if (!body || typeof body !== 'object') return;
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(obj)) {
      const name = prefix + key;
      if (value === null && !allowed.includes(name)) {
        throw badRequest('invalid_request', `"${name}" cannot be null. Leave it out to keep the current value.`, [{ field: name, problem: 'null' }]);
      }
      if (key === 'limits' && !prefix && value && typeof value === 'object') walk(value as Record<string, unknown>, 'limits.');
    }
  };
  walk(body as Record<string, unknown>, '');
}

const proceedingProperties = {
  id: { type: 'string', format: 'uuid' },
  docket: { type: 'string' },
  title: { type: 'string' },
  summary: { type: 'string' },
  opensAt: { type: 'string', format: 'date-time' },
  closesAt: { type: 'string', format: 'date-time' },
  timeZone: { type: 'string' },
  opensAtLocal: { type: 'string', description: 'opensAt in the proceeding\'s time zone' },
  closesAtLocal: { type: 'string', description: 'closesAt in the proceeding\'s time zone' },
  windowState: { type: 'string', enum: ['not_open', 'open', 'closed'] },
  timeLeft: { type: ['string', 'null'], description: 'e.g. "12 days, 4 hours"; null once closed' },
  latePolicy: LATE,
  limits: { type: 'object', properties: { maxFileBytes: { type: 'integer' }, maxFiles: { type: 'integer' }, maxTotalBytes: { type: 'integer' } } },
  version: { type: 'integer' },
} as const;

/** GET /proceedings items (documentation only). */
const proceedingSummaryResponse = { type: 'object', properties: proceedingProperties } as const;

/** One proceeding with its notice package (documentation only). */
export const proceedingResponse = {
  type: 'object',
  properties: {
    ...proceedingProperties,
    noticeText: { type: 'string' },
    responseSchema: { type: 'object' },
    noticeDocuments: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' }, title: { type: 'string' }, originalName: { type: 'string' },
          mediaType: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' }, url: { type: 'string' },
        },
      },
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    legalHold: {
      type: ['object', 'null'], description: 'Staff only (absent for vendors and the public): the active legal hold, or null.',
      properties: { id: { type: 'string', format: 'uuid' }, reason: { type: 'string' }, placedAt: { type: 'string', format: 'date-time' }, placedBy: { type: 'object' } },
    },
  },
} as const;

/** GET /proceedings (documentation only). */
export const proceedingListResponse = {
  type: 'object',
  properties: { items: { type: 'array', items: proceedingSummaryResponse }, nextCursor: { type: ['string', 'null'] } },
} as const;
