import type { CookieOptions, Request, Response } from 'express';
import { parse } from 'cookie';

/** Cookie names and flags. Over https the `__Host-` prefix pins them to this origin, Secure, Path=/. */
export function cookieNames(secure: boolean) {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}vrp_session`, pre: `${prefix}vrp_pre` };
}

export function cookieOptions(secure: boolean, maxAgeMs?: number): CookieOptions {
  return { httpOnly: true, secure, sameSite: 'lax', path: '/', ...(maxAgeMs ? { maxAge: maxAgeMs } : {}) };
}

/** Parsed request cookies (Express 5 has no cookie parser built in). */
export function readCookies(req: Request): Record<string, string | undefined> {
  return parse(req.headers.cookie ?? '');
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, cookieOptions(secure));
}
