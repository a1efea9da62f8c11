import type { JSONSchemaType } from 'ajv';

/**
 * Exports: the one source of their request and response shapes. The same schemas validate input
 * (http/validate.ts), type the code, and document the API (http/openapi.ts).
 */

export interface StartExportInput { docket: string; includeConfidential: boolean }

export const startExportSchema: JSONSchemaType<StartExportInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['docket', 'includeConfidential'],
  properties: {
    docket: { type: 'string', pattern: '^[A-Z0-9][A-Z0-9-]{2,39}$', maxLength: 40, description: 'The proceeding whose record is exported' },
    includeConfidential: {
      type: 'boolean',
      description: 'true: the confidential production (confidential documents produced with a legend); false: the public production (they are withheld, their public versions produced)',
    },
  },
};

export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

const exportProperties = {
  id: { type: 'string', format: 'uuid' },
  docket: { type: 'string' },
  includeConfidential: { type: 'boolean' },
  status: { type: 'string', enum: [...EXPORT_STATUSES] },
  progress: { type: 'integer', minimum: 0, maximum: 100, description: 'Percent of the record written' },
  items: { type: 'integer', description: 'Rows of the production index (documents produced, slip-sheeted or withheld); 0 until done' },
  bytes: { type: 'integer', description: 'Size of the ZIP; 0 until done' },
  manifestSha256: { type: ['string', 'null'], description: 'SHA-256 of MANIFEST.sha256 inside the archive, once done' },
  auditHeadHash: { type: ['string', 'null'], description: 'The audit chain head the archive carries, once done' },
  requestedBy: {
    type: 'object', required: ['id', 'name'],
    properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } },
  },
  createdAt: { type: 'string', format: 'date-time' },
  startedAt: { type: ['string', 'null'], format: 'date-time' },
  finishedAt: { type: ['string', 'null'], format: 'date-time' },
  downloadUrl: { type: ['string', 'null'], description: 'Where the ZIP is, once done' },
  error: {
    type: 'object', required: ['code', 'message'],
    description: 'Only on a failed export: a stable code and what to do',
    properties: { code: { type: 'string' }, message: { type: 'string' } },
  },
} as const;

/** One export as the API returns it (`error` only when it failed). */
export const exportResponse = {
  type: 'object',
  required: Object.keys(exportProperties).filter((k) => k !== 'error'),
  properties: exportProperties,
} as const;

export const exportListResponse = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: exportResponse }, nextCursor: { type: ['string', 'null'] } },
} as const;

export const exportStartedResponse = {
  type: 'object', required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' }, status: { type: 'string', enum: ['queued'] } },
} as const;
