import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Structured response fields every proceeding asks for unless its admin sets another JSON Schema:
 * affected products, affected contracts and the relief requested.
 */
export const DEFAULT_RESPONSE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['affectedProducts', 'requestedRelief'],
  properties: {
    affectedProducts: {
      type: 'array', minItems: 1, maxItems: 200, title: 'Affected products',
      items: { type: 'string', minLength: 1, maxLength: 300 },
    },
    affectedContracts: {
      type: 'array', maxItems: 500, title: 'Affected contracts (contract or order numbers)',
      items: { type: 'string', minLength: 1, maxLength: 100 },
    },
    requestedRelief: { type: 'string', minLength: 1, maxLength: 5000, title: 'Relief requested' },
  },
} as const;

// Admin-supplied schemas are trusted to be schemas but validate untrusted vendor input: stop at the first error.
const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false });
addFormats(ajv);
const cache = new Map<string, ValidateFunction>();

/** Compiles (once per proceeding version) the schema a proceeding's response fields must meet. */
export function responseValidator(proceedingId: string, version: number, schema: object | null): ValidateFunction {
  const key = `${proceedingId}:${version}`;
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile(schema ?? DEFAULT_RESPONSE_SCHEMA);
    cache.set(key, validate);
  }
  return validate;
}

/** Throws nothing: returns a message naming the first problem, or null when the fields are acceptable. */
export function responseFieldsProblem(validate: ValidateFunction, fields: unknown): { field: string; message: string } | null {
  if (validate(fields)) return null;
  const e = validate.errors?.[0];
  if (!e) return { field: 'fields', message: 'The response fields are not valid.' };
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const field = e.keyword === 'required' ? [base, String(e.params['missingProperty'])].filter(Boolean).join('.') : base || 'fields';
  return { field: `fields.${field}`, message: e.keyword === 'required' ? `"fields.${field}" is required by this proceeding.` : `"fields.${field}" ${e.message ?? 'is invalid'}.` };
}
