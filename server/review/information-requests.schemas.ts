import type { JSONSchemaType } from 'ajv';

export interface RequestInput { question: string; dueAt: string }

export const createRequestSchema: JSONSchemaType<RequestInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['question', 'dueAt'],
  properties: {
    question: { type: 'string', minLength: 1, maxLength: 10_000 },
    dueAt: { type: 'string', format: 'date-time', maxLength: 40 },
  },
};
