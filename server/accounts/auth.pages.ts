import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { AppError, unauthorized } from '../http/errors';
import { formString, refusalToShow, signedIn } from '../http/pages';
import { setRetryAfter } from '../http/error-handler';
import { clearCookie, cookieNames, cookieOptions } from '../http/cookies';
import { recordAuditNow } from '../audit/audit.service';
import { checkPassword, checkTotp, firstStage, startSession } from './sign-in.service';
import { activateAccount, activationTotpSecret, confirmTotp, findActivation, openActivation, pendingTotpSecret } from './enrolment.service';
import { revokeSession, ABSOLUTE_TIMEOUT_MS } from './credentials.repository';
import { findUserById, type UserRow } from './users.repository';
import { totpUri } from './totp';

/** Only same-site paths may follow sign-in (no open redirects). */
const safeNext = (next: unknown): string =>
  typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length < 500 ? next : '/account';

const field = (req: Request, name: string): string => formString(req.body, name);

/** Renders a refusal on its form, with Retry-After when throttled; faults rethrow. */
function renderRefusal(res: Response, thrown: unknown, view: string, model: Record<string, unknown>): void {
  const err = refusalToShow(thrown);
  setRetryAfter(res, err);
  res.status(err.status).render(view, { ...model, error: err });
}

/** A wrong code that used the last try, or a step already throttled: the half-signed-in session must end. */
const usedUp = (err: unknown): err is AppError => err instanceof AppError
  && (err.code === 'too_many_attempts' || (err.code === 'invalid_totp' && err.details[0]?.['attemptsLeft'] === 0));

/** Browser pages for signing in (password, then TOTP for staff), enrolment, activation, sign-out. */
export function accountPages(deps: Deps): Router {
  const router = Router();
  const secure = deps.config.publicUrl.startsWith('https://');
  const names = cookieNames(secure);

  const setSession = (res: Response, id: string) => res.cookie(names.session, id, cookieOptions(secure, ABSOLUTE_TIMEOUT_MS));
  /** Replaces any session the browser holds with a new one (new id at every privilege change). */
  const switchSession = async (req: Request, res: Response, user: Parameters<typeof startSession>[2], stage: Parameters<typeof startSession>[3]) => {
    if (req.portalSession) await revokeSession(deps.db, req.portalSession.rawId);
    const session = await startSession(deps.db, auditContext(req), user, stage);
    setSession(res, session.id);
  };
  const pendingUser = async (req: Request, stage: 'mfa' | 'enrol') => {
    const s = req.portalSession;
    if (!s || s.stage !== stage) throw unauthorized();
    const user = await findUserById(deps.db, s.userId);
    if (!user) throw unauthorized();
    return user;
  };
  /**
   * Ends a password-accepted session that ran out of authenticator tries, server-side: its cookie
   * no longer reaches the code step, and the person starts again from the password.
   */
  const endPending = async (req: Request, res: Response, user: UserRow): Promise<AppError> => {
    if (req.portalSession) await revokeSession(deps.db, req.portalSession.rawId);
    clearCookie(res, names.session, secure);
    await recordAuditNow(deps.db, auditContext(req), { action: 'auth.sign_in_ended', subjectType: 'user', subjectId: user.id, data: { reason: 'too many wrong authenticator codes' } });
    return new AppError(429, 'too_many_attempts', 'Too many wrong authenticator codes, so this sign-in has ended. Wait 15 minutes, then sign in again with your password.',
      [{ retryAfterSeconds: 15 * 60 }]);
  };

  router.get('/sign-in', (req, res) => {
    if (req.actor) return res.redirect(303, safeNext(req.query['next']));
    res.render('accounts/sign-in', { title: 'Sign in', next: safeNext(req.query['next']), notice: noticeFor(req, res) });
  });

  router.post('/sign-in', async (req, res) => {
    const next = safeNext(field(req, 'next'));
    const email = field(req, 'email').slice(0, 320);
    try {
      const user = await checkPassword(deps.db, auditContext(req), email, field(req, 'password'));
      const stage = firstStage(user);
      await switchSession(req, res, user, stage);
      const target = stage === 'full' ? next : stage === 'mfa' ? '/sign-in/totp' : '/account/authenticator';
      res.redirect(303, stage === 'full' ? target : `${target}?next=${encodeURIComponent(next)}`);
    } catch (err) {
      renderRefusal(res, err, 'accounts/sign-in', { title: 'Sign in', next, email });
    }
  });

  router.get('/sign-in/totp', async (req, res) => {
    await pendingUser(req, 'mfa');
    res.render('accounts/totp', { title: 'Enter your authenticator code', next: safeNext(req.query['next']) });
  });

  router.post('/sign-in/totp', async (req, res) => {
    const user = await pendingUser(req, 'mfa');
    const next = safeNext(field(req, 'next'));
    try {
      await checkTotp(deps.db, deps.totpVault, auditContext(req), user, field(req, 'code'));
    } catch (err) {
      if (usedUp(err)) throw await endPending(req, res, user);
      return renderRefusal(res, err, 'accounts/totp', { title: 'Enter your authenticator code', next });
    }
    await switchSession(req, res, user, 'full');
    res.redirect(303, next);
  });

  router.get('/account/authenticator', async (req, res) => {
    const user = await pendingUser(req, 'enrol');
    const secret = await pendingTotpSecret(deps.db, deps.totpVault, user);
    res.render('accounts/enrol', { title: 'Set up your authenticator', next: safeNext(req.query['next']), secret, uri: totpUri(secret, user.email) });
  });

  router.post('/account/authenticator', async (req, res) => {
    const user = await pendingUser(req, 'enrol');
    const next = safeNext(field(req, 'next'));
    try {
      await confirmTotp(deps.db, deps.totpVault, auditContext(req), user.id, field(req, 'code'));
    } catch (err) {
      if (usedUp(err)) throw await endPending(req, res, user);
      refusalToShow(err);
      const secret = await pendingTotpSecret(deps.db, deps.totpVault, user);
      return renderRefusal(res, err, 'accounts/enrol', { title: 'Set up your authenticator', next, secret, uri: totpUri(secret, user.email) });
    }
    const enrolled = await findUserById(deps.db, user.id);
    await switchSession(req, res, enrolled!, 'full');
    res.redirect(303, next);
  });

  /** The activation page: staff set up an authenticator too; vendors (secret null) choose a password only. */
  const activationPage = async (token: string, user: UserRow) => {
    const secret = await activationTotpSecret(deps.db, deps.totpVault, user);
    return { title: 'Activate your account', token, email: user.email, secret, uri: secret ? totpUri(secret, user.email) : null };
  };

  router.get('/account/activate', async (req, res) => {
    const token = String(req.query['token'] ?? '').slice(0, 100);
    // Opening the link checks its token: throttled like the form behind it.
    res.render('accounts/activate', await activationPage(token, await openActivation(deps.db, auditContext(req), token)));
  });

  router.post('/account/activate', async (req, res) => {
    const token = field(req, 'token').slice(0, 100);
    try {
      await activateAccount(deps.db, deps.totpVault, auditContext(req), token, { password: field(req, 'password'), code: field(req, 'code') });
    } catch (err) {
      // Unknown links and throttled clients get the error page, not a form that would confirm the link.
      refusalToShow(err, [404, 429]);
      return renderRefusal(res, err, 'accounts/activate', await activationPage(token, await findActivation(deps.db, token)));
    }
    res.redirect(303, '/sign-in?activated=1');
  });

  router.post('/sign-out', async (req, res) => {
    if (req.portalSession) {
      await revokeSession(deps.db, req.portalSession.rawId);
      await recordAuditNow(deps.db, auditContext(req), { action: 'auth.signed_out', subjectType: 'user', subjectId: req.portalSession.userId, data: { via: 'session' } });
    }
    clearCookie(res, names.session, secure);
    res.redirect(303, '/sign-in?signedOut=1');
  });

  router.get('/account', async (req, res) => {
    const user = await findUserById(deps.db, signedIn(req).userId);
    res.render('accounts/account', { title: 'Your account', user });
  });

  return router;
}

function noticeFor(req: Request, res: Response): string | undefined {
  if (res.locals['sessionExpired']) return 'Your session ended. Sign in again to continue.';
  if (req.query['signedOut']) return 'You have signed out.';
  if (req.query['activated']) return 'Your account is active. Sign in with your new password.';
  return undefined;
}
