import type { JSONSchemaType } from 'ajv';
import type { StandingBasis } from '../db/database';
import { MAX_PASSWORD_LENGTH } from './password';
import { COUNTRY_CODES } from './registration.countries';

export interface RegisterRequest {
  organization: { legalName: string; country: string; uei?: string | null };
  standing: { basis: StandingBasis; statement: string };
  user: { email: string; name: string; password: string };
}

const EMAIL = { type: 'string', format: 'email', maxLength: 320 } as const;
// Names go into e-mails and audit rows: no control characters (CR/LF would forge lines).
const NO_CONTROLS = '^[^\\u0000-\\u001F\\u007F]+$';
const NAME = { type: 'string', minLength: 1, maxLength: 200, pattern: NO_CONTROLS } as const;

export const registerSchema: JSONSchemaType<RegisterRequest> = {
  type: 'object',
  additionalProperties: false,
  required: ['organization', 'standing', 'user'],
  properties: {
    organization: {
      type: 'object',
      additionalProperties: false,
      required: ['legalName', 'country'],
      properties: {
        legalName: { type: 'string', minLength: 1, maxLength: 300, pattern: NO_CONTROLS },
        country: { type: 'string', enum: COUNTRY_CODES, description: 'ISO 3166-1 alpha-2 code in capitals, e.g. US, DE, RU' },
        uei: { type: 'string', pattern: '^[A-HJ-NP-Z0-9]{12}$', maxLength: 12, nullable: true, description: 'SAM.gov Unique Entity ID: 12 capital letters and digits, never the letters O or I' },
      },
    },
    standing: {
      type: 'object',
      additionalProperties: false,
      required: ['basis', 'statement'],
      properties: {
        basis: { type: 'string', enum: ['named_party', 'directly_impacted'] },
        statement: { type: 'string', minLength: 1, maxLength: 10_000, description: 'How the action affects the organization' },
      },
    },
    user: {
      type: 'object',
      additionalProperties: false,
      required: ['email', 'name', 'password'],
      properties: {
        email: EMAIL,
        name: NAME,
        // Length rules live in passwordProblem (a 422 with advice); this only bounds the input.
        password: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD_LENGTH * 4 },
      },
    },
  },
};

export const registerResponse = {
  type: 'object',
  required: ['organizationId', 'userId'],
  properties: { organizationId: { type: 'string', format: 'uuid' }, userId: { type: 'string', format: 'uuid' } },
} as const;

/** The token is checked against stored hashes only; its shape is not a secret worth a 400 of its own. */
export const verifyEmailSchema: JSONSchemaType<{ token: string }> = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: { type: 'string', minLength: 1, maxLength: 200 } },
};

export interface InvitationRequest { email: string; name: string }
export const invitationSchema: JSONSchemaType<InvitationRequest> = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'name'],
  properties: { email: EMAIL, name: NAME },
};

export const memberResponse = {
  type: 'object',
  required: ['id', 'name', 'email'],
  properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' }, email: { type: 'string' } },
} as const;

export const organizationResponse = {
  type: 'object',
  required: ['id', 'legalName', 'country', 'uei', 'standing', 'members'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    legalName: { type: 'string' },
    country: { type: 'string' },
    uei: { type: ['string', 'null'] },
    standing: {
      type: 'object',
      properties: { basis: { type: 'string', enum: ['named_party', 'directly_impacted'] }, statement: { type: 'string' } },
    },
    members: { type: 'array', items: memberResponse },
  },
} as const;
