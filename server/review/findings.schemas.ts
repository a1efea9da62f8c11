import type { JSONSchemaType } from 'ajv';
import type { FindingArgument, Ruling } from '../db/review-tables';
import { NUMBER_MAX, SUMMARY_MAX } from './findings.suggest';

/** The longest reasoning on one argument. */
export const REASONING_MAX = 20_000;
export const RULINGS: readonly Ruling[] = ['persuasive', 'partially_persuasive', 'not_persuasive', 'moot'];
/**
 * The most arguments one findings version holds, through the API and the page alike (the page's
 * form carries this many rows: findings.form.ts). Numbers run 1 to NUMBER_MAX and must increase,
 * so no vendor numbering the suggestion accepts can give more.
 */
export const ARGUMENTS_MAX = NUMBER_MAX;

export interface FindingsInput { arguments: FindingArgument[] }

export const saveFindingsSchema: JSONSchemaType<FindingsInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['arguments'],
  properties: {
    arguments: {
      type: 'array', minItems: 1, maxItems: ARGUMENTS_MAX,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['number', 'summary', 'ruling', 'reasoning'],
        properties: {
          number: { type: 'integer', minimum: 1, maximum: NUMBER_MAX },
          summary: { type: 'string', minLength: 1, maxLength: SUMMARY_MAX },
          ruling: { type: 'string', enum: [...RULINGS] },
          reasoning: { type: 'string', minLength: 1, maxLength: REASONING_MAX },
        },
      },
    },
  },
};
