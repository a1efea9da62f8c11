import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/database';
import type { Asker } from '../access/authorize';
import { can, type Permission } from '../access/policies';
import { deniedNow } from '../audit/audit.service';
import { auditContext } from './context';
import { forbidden, unauthorized } from './errors';

/** Route guards over the declared rules in access/policies.ts. Every denial is audited. */
export function createGuards(db: Db) {
  /** The request's method and path, kept with each denial it causes. */
  const where = (req: Request) => ({ method: req.method, path: req.originalUrl.slice(0, 300) });

  const requireSignIn: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    if (!req.actor) throw unauthorized();
    next();
  };

  /** 401 when not signed in; 403 (audited) when the role lacks the permission. */
  const requirePermission = (permission: Permission): RequestHandler => async (req, _res, next) => {
    if (!req.actor) throw unauthorized();
    if (!can(req.actor, permission)) {
      await deniedNow(db, auditContext(req))({
        subjectType: 'route', subjectId: `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`,
        data: { reason: `role ${req.actor.role} lacks ${permission}`, ...where(req) },
      });
      throw forbidden();
    }
    next();
  };

  /**
   * The signed-in actor as access/authorize.ts asks for them: object-level decisions made for this
   * request write their refusals through the one audit writer, with the request's method and path.
   */
  const askerFor = (req: Request): Asker => {
    if (!req.actor) throw unauthorized();
    // The audit context (client address and all) is read only when there is a refusal to record.
    return { actor: req.actor, recordDenial: (d) => deniedNow(db, auditContext(req))({ ...d, data: { ...d.data, ...where(req) } }) };
  };

  return { requireSignIn, requirePermission, askerFor };
}
