import type { JSONSchemaType } from 'ajv';
import type { Outcome } from '../db/review-tables';

export const OUTCOMES: readonly Outcome[] = ['sustained', 'partially_sustained', 'not_sustained', 'dismissed_untimely', 'dismissed_no_standing', 'withdrawn'];

/** A disposition's words (PUT .../disposition). */
export interface DispositionInput { outcome: Outcome; rationale: string }
/** A correction of an issued disposition (POST .../disposition/supersede). */
export interface SupersedeInput extends DispositionInput { reason: string }

export const dispositionSchema: JSONSchemaType<DispositionInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome', 'rationale'],
  properties: {
    outcome: { type: 'string', enum: [...OUTCOMES] },
    rationale: { type: 'string', minLength: 1, maxLength: 50_000 },
  },
};

export const supersedeSchema: JSONSchemaType<SupersedeInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome', 'rationale', 'reason'],
  properties: {
    outcome: { type: 'string', enum: [...OUTCOMES] },
    rationale: { type: 'string', minLength: 1, maxLength: 50_000 },
    reason: { type: 'string', minLength: 1, maxLength: 5_000 },
  },
};
