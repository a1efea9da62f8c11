import type { JSONSchemaType } from 'ajv';
import type { ConflictKind } from '../db/review-tables';

/**
 * Conflicts of interest: the one source of their request and response shapes. The same schemas
 * validate input (http/validate.ts), type the code, and document the API (http/openapi.ts).
 */

export const CONFLICT_KINDS: readonly ConflictKind[] = ['competitor', 'financial_interest', 'prior_employment', 'other'];
/** The longest statement stored (the table's check says the same). */
export const MAX_STATEMENT = 5000;

export interface DeclareConflictInput { organizationId: string; kind: ConflictKind; statement: string }

export const declareConflictSchema: JSONSchemaType<DeclareConflictInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['organizationId', 'kind', 'statement'],
  properties: {
    organizationId: { type: 'string', format: 'uuid', maxLength: 36, description: 'The organization (GET /organizations?q= finds it)' },
    kind: { type: 'string', enum: [...CONFLICT_KINDS] },
    statement: {
      type: 'string', minLength: 1, maxLength: MAX_STATEMENT,
      description: 'What the conflict is, in your words; stored trimmed (1-5000 characters), part of the record',
    },
  },
};

const conflictResponseProperties = {
  id: { type: 'string', format: 'uuid' },
  organizationId: { type: 'string', format: 'uuid' },
  organizationName: { type: 'string' },
  kind: { type: 'string', enum: [...CONFLICT_KINDS] },
  statement: { type: 'string' },
  declaredAt: { type: 'string', format: 'date-time' },
  endedAt: { type: ['string', 'null'], format: 'date-time' },
  active: { type: 'boolean' },
} as const;

/** One declared conflict as the API returns it. */
export const conflictResponse = {
  type: 'object',
  required: Object.keys(conflictResponseProperties),
  properties: conflictResponseProperties,
} as const;

export const conflictListResponse = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: conflictResponse }, nextCursor: { type: ['string', 'null'] } },
} as const;

/** An organization a staff member may name in a declaration: its name only, whatever their recusals. */
export const organizationMatchesResponse = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array', maxItems: 20,
      items: {
        type: 'object', required: ['id', 'legalName', 'country'],
        properties: { id: { type: 'string', format: 'uuid' }, legalName: { type: 'string' }, country: { type: 'string' } },
      },
    },
  },
} as const;
