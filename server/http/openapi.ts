import { MAX_JSON_DEPTH } from './input-text';

/**
 * The OpenAPI document, assembled from the same JSON Schemas that validate requests. Each router
 * declares its operations next to its handlers with `describe(...)`.
 */
export interface OperationDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; omitted means public. */
  roles?: readonly string[];
  requestBody?: object;
  /** Form fields of a multipart/form-data upload (files as `{type: 'string', format: 'binary'}`). */
  multipartBody?: object;
  response?: { status: number; schema?: object; description?: string };
}

const operations: OperationDoc[] = [];

/** The input screen's rules (README "Request limits and input rules"), stated for integrators. */
const INPUT_RULES = [
  'Every request is screened before its route: JSON and form bodies up to 512 KiB (413 payload_too_large);',
  `JSON nested at most ${MAX_JSON_DEPTH} levels of arrays and objects (400 too_deeply_nested);`,
  'no NUL (U+0000) or unpaired UTF-16 surrogate in any JSON string or key, query or form value or name, or path (400 invalid_characters);',
  'UTF-8 only, also once percent-decoded (400 invalid_encoding; a body in another charset is 415 unsupported_encoding);',
  'no field or parameter named __proto__ (400 invalid_field_name); each query parameter at most once (400 invalid_parameter).',
  'X-Request-Id is used when it is 8-64 characters of A-Z a-z 0-9 _ . -, else the server makes its own.',
].join(' ');

/** Registers an operation for /api/v1/openapi.json (idempotent per method + path). */
export function describe(op: OperationDoc): void {
  if (!operations.some((o) => o.method === op.method && o.path === op.path)) operations.push(op);
}

/** An upload's form for `multipartBody`: the validated text fields (a JSON Schema) plus the file itself. */
export const multipartForm = (fields: object) => ({
  type: 'object', required: ['file'],
  properties: { ...(fields as { properties?: object }).properties, file: { type: 'string', format: 'binary' } },
});

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: { type: 'object' } } },
    },
  },
};

export function openApiDocument(serverUrl: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of operations) {
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    const params = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const ok = op.response ?? { status: 200 };
    (paths[path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.roles ? { security: [{ bearer: [] }, { session: [] }], 'x-roles': op.roles } : { security: [] }),
      ...(params.length ? { parameters: params } : {}),
      ...(op.requestBody ? { requestBody: { required: true, content: { 'application/json': { schema: op.requestBody } } } } : {}),
      ...(op.multipartBody ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: op.multipartBody } } } } : {}),
      responses: {
        [ok.status]: { description: ok.description ?? 'Success', ...(ok.schema ? { content: { 'application/json': { schema: ok.schema } } } : {}) },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Vendor Response Portal API', version: '1.0.0', description: INPUT_RULES },
    servers: [{ url: `${serverUrl}/api/v1` }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'vrp_session' },
      },
    },
  };
}
