import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors';
import { cookieNames, cookieOptions, readCookies } from './cookies';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const csrfFailed = () => new AppError(403, 'csrf_failed', 'This form expired or came from another site. Reload the page and try again.');

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CSRF defence for cookie-authenticated requests: cross-site requests are refused outright
 * (Sec-Fetch-Site / Origin), and every unsafe request must echo a synchronizer token, either the
 * session's own or, before sign-in, an HMAC of a random pre-session cookie (signed double submit).
 * Bearer-token requests and cookie-less API calls carry no ambient authority and are exempt.
 */
export function csrfProtection(opts: { secret: string; secure: boolean; publicOrigin: string }) {
  const names = cookieNames(opts.secure);
  const preToken = (pre: string) => createHmac('sha256', opts.secret).update(`csrf:${pre}`).digest('base64url');

  return function csrf(req: Request, res: Response, next: NextFunction): void {
    // A bearer token is never sent by a browser on its own: nothing to protect, no form to render.
    if (req.apiTokenId) return next();
    const cookies = readCookies(req);
    let pre = cookies[names.pre];
    if (!pre || !/^[\w-]{43}$/.test(pre)) {
      pre = randomBytes(32).toString('base64url');
      res.cookie(names.pre, pre, cookieOptions(opts.secure));
    }
    res.locals['csrfToken'] = req.portalSession?.csrfToken ?? preToken(pre);
    if (SAFE.has(req.method)) return next();
    const hasSessionCookie = Boolean(cookies[names.session]);
    if (req.path.startsWith('/api/') && !hasSessionCookie) return next();

    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    if (site === 'cross-site' || (origin && origin !== 'null' && origin !== opts.publicOrigin)) throw csrfFailed();
    const body = req.body as Record<string, unknown> | undefined;
    // Multipart bodies are parsed later (by the upload route), so a plain form upload carries its token in the URL.
    const fromQuery = req.is('multipart/form-data') && typeof req.query['_csrf'] === 'string' ? req.query['_csrf'] : undefined;
    const sent = req.get('x-csrf-token') ?? (typeof body?.['_csrf'] === 'string' ? body['_csrf'] : undefined) ?? fromQuery;
    if (!sent) throw csrfFailed();
    const expected = req.portalSession?.csrfToken;
    if (expected ? equal(sent, expected) : equal(sent, preToken(pre))) return next();
    throw csrfFailed();
  };
}
