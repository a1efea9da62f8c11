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
  /**
   * Organizations this person declared a conflict of interest with (staff; always empty for
   * vendors): their submissions are invisible to them everywhere, as if they did not exist.
   */
  recusedFrom: readonly string[];
}

export const isStaff = (role: Role): boolean => role !== 'vendor';
