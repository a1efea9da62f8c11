import type { JSONSchemaType } from 'ajv';
import type { Priority } from '../db/review-tables';

export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
export const MAX_TAGS = 10;

export interface TriageInput { priority?: Priority; tags?: string[] }

/** `PATCH /submissions/{id}/triage`: at least one of the two; tags are checked further in triage.service.ts. */
export const triageSchema: JSONSchemaType<TriageInput> = {
  type: 'object', additionalProperties: false, minProperties: 1, required: [],
  properties: {
    priority: { type: 'string', enum: [...PRIORITIES], nullable: true },
    tags: { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 50, nullable: true },
  },
};
