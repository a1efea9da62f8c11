import type { JSONSchemaType } from 'ajv';
import type { Role } from '../db/database';
import { MAX_PASSWORD_LENGTH } from './password';

export interface TokenRequest { email: string; password: string; totp?: string }
export const tokenRequestSchema: JSONSchemaType<TokenRequest> = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 320 },
    password: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD_LENGTH * 4 },
    totp: { type: 'string', pattern: '^[0-9]{6}$', maxLength: 6, nullable: true },
  },
};

export interface CreateUserRequest { email: string; name: string; role: Exclude<Role, 'vendor'> }
export const createUserSchema: JSONSchemaType<CreateUserRequest> = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'name', 'role'],
  properties: {
    email: { type: 'string', format: 'email', maxLength: 320 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    role: { type: 'string', enum: ['reviewer', 'supervisor', 'legal', 'admin'] },
  },
};

export const meResponseSchema = {
  type: 'object',
  required: ['id', 'email', 'name', 'role'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: ['vendor', 'reviewer', 'supervisor', 'legal', 'admin'] },
    organizationId: { type: 'string', format: 'uuid' },
  },
} as const;

export const tokenResponseSchema = {
  type: 'object',
  required: ['token', 'expiresAt'],
  properties: { token: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
} as const;

export const disableUserSchema: JSONSchemaType<{ reason: string }> = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
};
