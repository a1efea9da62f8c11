import type { JSONSchemaType } from 'ajv';
import type { DraftInput, DraftPatch } from './drafts.service';
import type { SubmitInput } from './submit.service';

const UUID = { type: 'string', format: 'uuid', maxLength: 36 } as const;
const fields = { type: 'object', maxProperties: 100, required: [], nullable: true } as const;

export const createDraftSchema: JSONSchemaType<DraftInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: {
    kind: { type: 'string', enum: ['response', 'supplement', 'reply_to_request'], nullable: true },
    parentId: { ...UUID, nullable: true },
    title: { type: 'string', minLength: 1, maxLength: 300 },
    summary: { type: 'string', maxLength: 5000, nullable: true },
    argument: { type: 'string', maxLength: 100_000, nullable: true },
    fields,
  },
};

export const patchDraftSchema: JSONSchemaType<DraftPatch> = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  required: [],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 300, nullable: true },
    summary: { type: 'string', maxLength: 5000, nullable: true },
    argument: { type: 'string', maxLength: 100_000, nullable: true },
    fields,
  },
};

/** An Idempotency-Key (the API's header, the review page's one-time form key): 8-100 letters, digits, "-" or "_". */
export const IDEMPOTENCY_KEY = /^[\w-]{8,100}$/;

export const submitSchema: JSONSchemaType<SubmitInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['certification'],
  properties: {
    certification: {
      type: 'object',
      additionalProperties: false,
      required: ['accepted', 'signature'],
      properties: {
        accepted: { type: 'boolean' },
        signature: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
  },
};

export const withdrawSchema: JSONSchemaType<{ reason: string }> = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 5000 } },
};
