import type { Role } from '../db/database';

/** The signed-in person a request acts for. */
export interface Actor {
  userId: string;
  role: Role;
  organizationId: string | null;
  email: string;
  name: string;
  /** How they authenticated: a browser session (CSRF applies) or a bearer token. */
  via: 'session' | 'token';
}

export const isStaff = (role: Role): boolean => role !== 'vendor';
