import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { unauthorized } from '../http/errors';
import { formString, refusalToShow, signedIn } from '../http/pages';
import { clearCookie, cookieNames, cookieOptions } from '../http/cookies';
import { recordAuditNow } from '../audit/audit.service';
import { checkPassword, checkTotp, firstStage, startSession } from './sign-in.service';
import { activateAccount, activationTotpSecret, confirmTotp, findActivation, pendingTotpSecret } from './enrolment.service';
import { revokeSession, ABSOLUTE_TIMEOUT_MS } from './credentials.repository';
import { findUserById } from './users.repository';
import { totpUri } from './totp';

/** Only same-site paths may follow sign-in (no open redirects). */
const safeNext = (next: unknown): string =>
  typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length < 500 ? next : '/account';

const field = (req: Request, name: string): string => formString(req.body, name);

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
      const error = refusalToShow(err);
      res.status(error.status).render('accounts/sign-in', { title: 'Sign in', next, email, error });
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
      const error = refusalToShow(err);
      return res.status(error.status).render('accounts/totp', { title: 'Enter your authenticator code', next, error });
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
      const error = refusalToShow(err);
      const secret = await pendingTotpSecret(deps.db, deps.totpVault, user);
      return res.status(error.status).render('accounts/enrol', { title: 'Set up your authenticator', next, secret, uri: totpUri(secret, user.email), error });
    }
    const enrolled = await findUserById(deps.db, user.id);
    await switchSession(req, res, enrolled!, 'full');
    res.redirect(303, next);
  });

  /** The activation page: staff set up an authenticator too; vendors (secret null) choose a password only. */
  const activationPage = async (token: string) => {
    const user = await findActivation(deps.db, token);
    const secret = await activationTotpSecret(deps.db, deps.totpVault, user);
    return { title: 'Activate your account', token, email: user.email, secret, uri: secret ? totpUri(secret, user.email) : null };
  };

  router.get('/account/activate', async (req, res) => {
    const token = String(req.query['token'] ?? '').slice(0, 100);
    res.render('accounts/activate', await activationPage(token));
  });

  router.post('/account/activate', async (req, res) => {
    const token = field(req, 'token').slice(0, 100);
    try {
      await activateAccount(deps.db, deps.totpVault, auditContext(req), token, { password: field(req, 'password'), code: field(req, 'code') });
    } catch (err) {
      // An unknown or used link is the not-found page, not a form to fill in again.
      const error = refusalToShow(err, [404]);
      return res.status(error.status).render('accounts/activate', { ...(await activationPage(token)), error });
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
