import type { Request } from 'express';
import type { Actor } from '../access/actor';
import type { AuditContext } from '../audit/audit.service';
import type { SessionStage } from '../db/database';

/** The browser session a request carries (any stage), kept for CSRF checks and sign-in steps. */
export interface RequestSession {
  rawId: string;
  stage: SessionStage;
  csrfToken: string;
  userId: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by the auth middleware when the request is fully signed in. */
      actor?: Actor;
      /** Set when a session cookie matched a live session, whatever its stage. */
      portalSession?: RequestSession;
      /** Token id when authenticated by bearer token. */
      apiTokenId?: string;
      /** The audit chain's head seq as the caller was looked up (null: empty chain): the state the request starts from. */
      auditHead?: string | null;
    }
  }
}

/** Who is acting and through which request, for audit rows. */
export function auditContext(req: Request): AuditContext {
  return {
    actorId: req.actor?.userId ?? null,
    actorRole: req.actor?.role ?? null,
    requestId: String(req.id ?? ''),
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
  };
}

/** True when the client should get JSON rather than an HTML page. */
export function wantsJson(req: Request): boolean {
  if (req.path.startsWith('/api/')) return true;
  return req.accepts(['html', 'json']) === 'json';
}
