import type { JSONSchemaType } from 'ajv';

export interface AssignInput { reviewerId: string; dueAt: string }
export interface AutoAssignInput { dueAt: string; reviewerIds?: string[] }

const uuid = { type: 'string', format: 'uuid', maxLength: 36 } as const;
const dueAt = { type: 'string', format: 'date-time', maxLength: 40 } as const;

export const assignSchema: JSONSchemaType<AssignInput> = {
  type: 'object', additionalProperties: false, required: ['reviewerId', 'dueAt'],
  properties: { reviewerId: uuid, dueAt },
};

export const autoAssignSchema: JSONSchemaType<AutoAssignInput> = {
  type: 'object', additionalProperties: false, required: ['dueAt'],
  properties: { dueAt, reviewerIds: { type: 'array', items: uuid, minItems: 1, maxItems: 200, uniqueItems: true, nullable: true } },
};
