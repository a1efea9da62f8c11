import type { Role } from '../db/database';
import type { Actor } from './actor';

/**
 * Who may do what: the one table to read. Each action names the roles allowed; object-level rules
 * (own organization, conflicts) refine these in the feature's policy functions, never widen them.
 */
const PERMISSIONS = {
  'user.create': ['admin'],
  'user.disable': ['admin'],
  'proceeding.create': ['admin'],
  'proceeding.update': ['admin'],
  'audit.read': ['legal'],
  'audit.verify': ['legal', 'admin'],
  'submission.review': ['reviewer', 'supervisor'],
  'information_request.create': ['reviewer', 'supervisor'],
  // This one, submission.review and export.create are declared for the next issues (review, legal export).
  'disposition.approve': ['supervisor'],
  'export.create': ['legal'],
  // --- triage ---
  'submission.triage': ['supervisor'],
  'assignment.read': ['reviewer', 'supervisor', 'legal', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** True when the actor's role is allowed `permission`. */
export function can(actor: Pick<Actor, 'role'>, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(actor.role);
}
