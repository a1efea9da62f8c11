import type { JSONSchemaType } from 'ajv';

/** POST /receipts/verify: the receipt as the portal hands it out, wrapped in `receipt`. */
export const verifyReceiptSchema: JSONSchemaType<{ receipt: { payload: Record<string, unknown>; signature: { algorithm: string; keyId: string; value: string } } }> = {
  type: 'object',
  additionalProperties: false,
  required: ['receipt'],
  properties: {
    receipt: {
      type: 'object',
      additionalProperties: false,
      required: ['payload', 'signature'],
      properties: {
        payload: { type: 'object', required: [] },
        signature: {
          type: 'object',
          additionalProperties: false,
          required: ['algorithm', 'keyId', 'value'],
          properties: {
            algorithm: { type: 'string', maxLength: 20 },
            keyId: { type: 'string', maxLength: 64 },
            value: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
  },
};
