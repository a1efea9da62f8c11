import type { Db } from '../db/database';
import { countEvents } from '../audit/audit.repository';
import { recordAuditNow, recordAudit, type AuditContext } from '../audit/audit.service';
import { AppError, unprocessable } from '../http/errors';
import { hashPassword, passwordProblem } from './password';
import { insertUniqueUser } from './users.service';
import { issueVerification, type Links } from './verification.service';
import type { RegisterRequest } from './registration.schemas';

/** Registrations (and refused attempts) one address may make per hour. */
const MAX_REGISTRATIONS_PER_HOUR = 10;
const HOUR_MS = 60 * 60 * 1000;
const COUNTED = ['organization.registered', 'registration.refused'];

/**
 * Throttles registration per client address, counting the audit events registration already
 * writes (no table of its own). Checked before any work; a burst of parallel requests may overshoot
 * by the number in flight, which is fine against sustained abuse (e-mail probing, bulk sign-ups).
 */
async function assertRegistrationAllowed(db: Db, ip: string | null): Promise<void> {
  const n = await countEvents(db, { actions: COUNTED, since: new Date(Date.now() - HOUR_MS), ip });
  if (n >= MAX_REGISTRATIONS_PER_HOUR) {
    throw new AppError(429, 'too_many_registrations', 'Too many registrations from your network in the last hour. Try again in an hour.',
      [{ retryAfterSeconds: HOUR_MS / 1000 }]);
  }
}

/**
 * POST /auth/register: a company registers itself, its standing and its first member. The
 * organization, the unverified vendor account, the verification link and e-mail, and the audit
 * events commit together; any refusal leaves nothing behind.
 *
 * A taken e-mail is a 409 `email_taken` (API.md's convention; the ids in the 201 make a
 * look-alike success impossible). The throttle bounds how fast that can be used to probe.
 */
export async function registerOrganization(db: Db, ctx: AuditContext, input: RegisterRequest, links: Links) {
  await assertRegistrationAllowed(db, ctx.ip);
  const { organization: org, standing, user } = input;
  const problem = passwordProblem(user.password, { mfa: false, email: user.email, name: user.name });
  if (problem) throw unprocessable('weak_password', problem, [{ field: 'user.password' }]);
  const passwordHash = await hashPassword(user.password);
  try {
    return await db.transaction().execute(async (trx) => {
      const { id: organizationId } = await trx.insertInto('organizations').values({
        legal_name: org.legalName, country: org.country, uei: org.uei ?? null, standing_basis: standing.basis, standing_statement: standing.statement,
      }).returning('id').executeTakeFirstOrThrow();
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
      // Counted by the throttle above, so probing for accounts costs an attempt each time.
      await recordAuditNow(db, ctx, { action: 'registration.refused', data: { reason: 'email_taken', email: user.email.toLowerCase() } });
    }
    throw err;
  }
}
