import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/database';
import { can, type Permission } from '../access/policies';
import { recordAuditNow } from '../audit/audit.service';
import { auditContext } from './context';
import { forbidden, notFound, unauthorized } from './errors';

/** Route guards over the declared rules in access/policies.ts. Every denial is audited. */
export function createGuards(db: Db) {
  const denied = async (req: Request, reason: string, subject?: { type: string; id: string }) => {
    await recordAuditNow(db, auditContext(req), {
      action: 'access.denied',
      subjectType: subject?.type ?? 'route',
      subjectId: subject?.id ?? `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`,
      data: { reason, method: req.method, path: req.originalUrl.slice(0, 300) },
    });
  };

  const requireSignIn: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    if (!req.actor) throw unauthorized();
    next();
  };

  /** 401 when not signed in; 403 (audited) when the role lacks the permission. */
  const requirePermission = (permission: Permission): RequestHandler => async (req, _res, next) => {
    if (!req.actor) throw unauthorized();
    if (!can(req.actor, permission)) {
      await denied(req, `role ${req.actor.role} lacks ${permission}`);
      throw forbidden();
    }
    next();
  };

  /** For object-level checks in handlers: audits the denial and returns the 404 to throw. */
  const hideFromActor = async (req: Request, subject: { type: string; id: string }) => {
    await denied(req, 'not visible to actor', subject);
    return notFound(subject.type);
  };

  return { requireSignIn, requirePermission, hideFromActor };
}
