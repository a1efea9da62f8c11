import type { Db } from '../db/database';
import { recordAuditNow, recordAudit, type AuditContext } from '../audit/audit.service';
import { AppError, unprocessable } from '../http/errors';
import { POLICIES, claimAttempt } from './attempts';
import { hashPassword, passwordProblem } from './password';
import { insertUniqueUser } from './users.service';
import { insertOrganization } from './organizations.repository';
import { issueVerification, type Links } from './verification.service';
import type { RegisterRequest } from './registration.schemas';

/** Registration attempts one address may make per hour, whatever their outcome (attempts.ts). */
export const MAX_REGISTRATIONS_PER_HOUR = POLICIES.register.perAddress;

/**
 * POST /auth/register: a company registers itself, its standing and its first member. The
 * organization, the unverified vendor account, the verification link and e-mail, and the audit
 * events commit together; any refusal leaves nothing behind but its counted attempt.
 *
 * Every attempt is recorded before the password is hashed and counts against the client address's
 * hourly limit, whatever happens next (refused, failed after hashing, or a success), so scrypt
 * never runs unthrottled. A taken e-mail is a 409 `email_taken` (API.md's convention; the ids in
 * the 201 make a look-alike success impossible); the same limit bounds how fast that can probe.
 */
export async function registerOrganization(db: Db, ctx: AuditContext, input: RegisterRequest, links: Links) {
  await claimAttempt(db, ctx, POLICIES.register, '');
  const { organization: org, standing, user } = input;
  const problem = passwordProblem(user.password, { mfa: false, email: user.email, name: user.name });
  if (problem) throw unprocessable('weak_password', problem, [{ field: 'user.password' }]);
  const passwordHash = await hashPassword(user.password);
  try {
    return await db.transaction().execute(async (trx) => {
      const organizationId = await insertOrganization(trx, {
        legalName: org.legalName, country: org.country, uei: org.uei ?? null, standingBasis: standing.basis, standingStatement: standing.statement,
      });
      const userId = await insertUniqueUser(trx, {
        email: user.email, name: user.name, role: 'vendor', organizationId, passwordHash, emailVerified: false, totpSecret: null,
      });
      await issueVerification(trx, { id: userId, email: user.email, name: user.name }, links);
      // The new member is the actor: nobody was signed in, and they are who asked.
      const asUser = { ...ctx, actorId: userId, actorRole: 'vendor' };
      await recordAudit(trx, asUser, {
        action: 'organization.registered', subjectType: 'organization', subjectId: organizationId,
        data: { after: { legalName: org.legalName, country: org.country, uei: org.uei ?? null, standing } },
      });
      await recordAudit(trx, asUser, {
        action: 'user.created', subjectType: 'user', subjectId: userId,
        data: { after: { email: user.email, name: user.name, role: 'vendor', organizationId }, via: 'registration' },
      });
      return { organizationId, userId };
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'email_taken') {
      // The attempt is already counted; the trail also says what the probe found.
      await recordAuditNow(db, ctx, { action: 'registration.refused', data: { reason: 'email_taken', email: user.email.toLowerCase() } });
    }
    throw err;
  }
}
