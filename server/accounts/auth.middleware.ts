import type { NextFunction, Request, Response } from 'express';
import type pg from 'pg';
import type { Db } from '../db/database';
import { AppError } from '../http/errors';
import { clearCookie, cookieNames, readCookies } from '../http/cookies';
import { changeFeedOf } from '../db/pool';
import { findLiveSession, findLiveToken } from './credentials.repository';
import { liveTokenCached } from './credentials.cache';

const BEARER = /^Bearer ([\w-]{20,200})$/;

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Resolves who is calling: a bearer token (API clients) or the session cookie (browsers). A session
 * still waiting for its TOTP step is kept on req.portalSession but is not an actor yet. With
 * `cacheTokens` (CREDENTIAL_CACHE), token lookups are kept between changes (credentials.cache.ts).
 */
export function authenticate(db: Db, pool: pg.Pool, { secure, cacheTokens }: { secure: boolean; cacheTokens: boolean }) {
  const names = cookieNames(secure);
  const lookUpToken = cacheTokens ? liveTokenCached : findLiveToken;
  const feed = changeFeedOf(pool);
  /** The token's owner as the request's actor; a refused token is a 401. */
  const actAsTokenOwner = (req: Request, row: Awaited<ReturnType<typeof lookUpToken>>): void => {
    if (!row) {
      throw new AppError(401, 'invalid_token', 'The bearer token is invalid, expired or revoked. Get a new one from POST /api/v1/auth/tokens.');
    }
    req.actor = {
      userId: row.user_id, role: row.role, organizationId: row.organization_id, email: row.email, name: row.name, via: 'token',
      recusedFrom: row.role === 'vendor' ? [] : row.recused_from,
    };
    req.apiTokenId = row.token_id;
    req.auditHead = row.audit_head;
  };

  // Not an async function: a token answered from memory signs the request in at once.
  return function auth(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    if (feed && !SAFE_METHODS.has(req.method)) changedBeforeResponse(res, () => feed.bump());
    const header = req.headers.authorization;
    if (header) {
      const token = BEARER.exec(header)?.[1];
      const row = token ? lookUpToken(db, pool, token) : undefined;
      if (row instanceof Promise) {
        return row.then((found) => {
          actAsTokenOwner(req, found);
          next();
        });
      }
      actAsTokenOwner(req, row);
      return next();
    }
    return signInWithSession(req, res, next);
  };

  async function signInWithSession(req: Request, res: Response, next: NextFunction): Promise<void> {
    const rawId = readCookies(req)[names.session];
    if (rawId) {
      const s = await findLiveSession(db, pool, rawId);
      if (!s) {
        clearCookie(res, names.session, secure);
        res.locals['sessionExpired'] = true;
        return next();
      }
      req.portalSession = { rawId, stage: s.stage, csrfToken: s.csrf_token, userId: s.user_id };
      req.auditHead = s.audit_head;
      if (s.stage === 'full') {
        req.actor = {
          userId: s.user_id, role: s.role, organizationId: s.organization_id, email: s.email, name: s.name, via: 'session',
          recusedFrom: s.role === 'vendor' ? [] : s.recused_from,
        };
      }
    }
    res.locals['actor'] = req.actor;
    next();
  }
}

/**
 * Calls `changed` just before the response's head is written (and again when it closes): whatever
 * the request committed is then marked as changed in this process before the client can ask again,
 * without waiting for the database's notification. Every response's head goes through writeHead.
 */
export function changedBeforeResponse(res: Response, changed: () => void): void {
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadAfterChange(this: Response, ...args: Parameters<Response['writeHead']>) {
    changed();
    return writeHead.apply(this, args);
  } as Response['writeHead'];
  res.once('close', changed);
}
