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
  // --- notes, findings, response-to-arguments ---
  'note.read': ['reviewer', 'supervisor', 'legal'],
  'note.write': ['reviewer', 'supervisor'],
  'findings.read': ['reviewer', 'supervisor', 'legal'],
  'findings.write': ['reviewer', 'supervisor'],
  // --- conflicts ---
  // Every staff role may be conflicted, so every staff role declares (and names the organization).
  'conflict.declare': ['reviewer', 'supervisor', 'legal', 'admin'],
  'organization.search': ['reviewer', 'supervisor', 'legal', 'admin'],
  // Dispositions: issuing releases one to the vendor (after another supervisor's approval).
  'disposition.issue': ['supervisor'],
  // --- review page and dashboard (area 6) ---
  // Reading a case (staff review page, document preview, dashboard): the roles that review or read
  // everything. Administrators run proceedings and accounts; they take no part in cases (PRODUCT.md).
  'review.read': ['reviewer', 'supervisor', 'legal'],
  // --- triage ---
  'submission.triage': ['supervisor'],
  'assignment.read': ['reviewer', 'supervisor', 'legal', 'admin'],
  // --- legal hold (docs/legal-hold.md): placing and releasing preserve the record; legal only ---
  'legal_hold.manage': ['legal'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** True when the actor's role is allowed `permission`. */
export function can(actor: Pick<Actor, 'role'>, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(actor.role);
}
