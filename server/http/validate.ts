import { Ajv, type ErrorObject, type JSONSchemaType } from 'ajv';
import addFormats from 'ajv-formats';
import { badRequest } from './errors';

/**
 * The one ajv instance for untrusted input: stops at the first error (no allErrors: cheap on hostile
 * input), never strips unknown members (additionalProperties: false in every schema rejects them).
 */
export const ajv = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: true, strict: true });
addFormats(ajv);

/** Compiles a schema once; the returned parser throws a 400 `invalid_request` naming the field. */
export function parser<T>(schema: JSONSchemaType<T>): (input: unknown) => T {
  const validate = ajv.compile(schema);
  return (input: unknown): T => {
    if (input === undefined) throw badRequest('invalid_request', 'Send a JSON body (Content-Type: application/json).');
    if (validate(input)) return input;
    throw describe(validate.errors?.[0]);
  };
}

function describe(e: ErrorObject | undefined) {
  if (!e) return badRequest('invalid_request', 'The request is not valid.');
  const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') {
    const extra = String(e.params['additionalProperty']);
    const name = field ? `${field}.${extra}` : extra;
    return badRequest('unknown_field', `"${name}" is not a field this request accepts. Remove it.`, [{ field: name, problem: 'unknown' }]);
  }
  if (e.keyword === 'required') {
    const missing = String(e.params['missingProperty']);
    const name = field ? `${field}.${missing}` : missing;
    return badRequest('invalid_request', `"${name}" is required.`, [{ field: name, problem: 'required' }]);
  }
  const name = field || 'body';
  return badRequest('invalid_request', `"${name}" ${e.message ?? 'is invalid'}.`, [{ field: name, problem: e.keyword }]);
}
