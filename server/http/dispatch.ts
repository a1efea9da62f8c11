import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

/*
 * How requests reach the routers, with fewer router layers on the way. Express walks every layer in
 * order: each one it enters costs a match, closures and, for a router with no matching route, a turn
 * of the event loop (it leaves through setImmediate). A queue request used to pass seventeen app
 * layers and five feature routers; these two helpers keep the same order and outcome with fewer.
 * docs/review-queue.md "How a queue request is served".
 */

/**
 * The handlers as one middleware, run in order: an error (thrown, passed to next, or a rejected
 * promise) goes to the error handlers at once, as between layers. For steps every request takes
 * whatever its path, which only call next or fail (never next('route') or next('router')).
 */
export function series(...handlers: readonly RequestHandler[]): RequestHandler & { readonly handlers: readonly RequestHandler[] } {
  // `handlers` stays readable, for what lists every route (test/helpers/routes.ts).
  return Object.assign(function inSeries(req: Request, res: Response, next: NextFunction): void {
    inOrder(handlers, req, res, next);
  }, { handlers });
}

/** Runs `handlers` in order, each after the one before calls next; the first error, and the end, go to `next`. */
function inOrder(handlers: readonly RequestHandler[], req: Request, res: Response, next: NextFunction): void {
  let i = 0;
  const step = (err?: unknown): void => {
    if (err !== undefined && err !== null) return next(err);
    const handler = handlers[i++];
    if (!handler) return next();
    try {
      const result: unknown = handler(req, res, step);
      if (result instanceof Promise) result.catch((e: unknown) => next(e ?? new Error('A handler rejected without a reason')));
    } catch (e) {
      next(e);
    }
  };
  step();
}

/** Matches any first segment: a router with a route on a parameter or pattern, or a middleware for every path. */
const ANY = Symbol('any segment');

/** What this code reads of a router's layers (Express 5's router keeps them on `stack`). */
interface LayerLike { route?: { path?: unknown }; handle?: { stack?: unknown }; slash?: boolean; rawPath?: unknown }

/** The literal first segment of a route path (`/submissions/:id` -> `submissions`), or ANY. */
function firstSegmentOf(path: unknown): string | typeof ANY {
  if (typeof path !== 'string') return ANY;
  if (path === '/') return '';
  const literal = /^\/([A-Za-z0-9._~-]+)(?:\/|$)/.exec(path);
  return literal ? literal[1]!.toLowerCase() : ANY;
}

/** Every first segment a router has routes under, recursing into routers mounted at '/'; ANY if it may take any path. */
export function firstSegments(router: { stack?: unknown }): Set<string | typeof ANY> {
  const found = new Set<string | typeof ANY>();
  if (!Array.isArray(router.stack)) return new Set([ANY]);
  for (const layer of router.stack as LayerLike[]) {
    if (layer.route) found.add(firstSegmentOf(layer.route.path));
    else if (layer.slash && layer.handle && Array.isArray(layer.handle.stack)) for (const s of firstSegments(layer.handle)) found.add(s);
    // A middleware mounted at a path (`router.use('/assets/app', ...)`) takes only what is under it.
    else if (!layer.slash && layer.rawPath !== '/') found.add(firstSegmentOf(layer.rawPath));
    else found.add(ANY);
  }
  return found;
}

/**
 * The routers as one middleware that enters, in their order, only those with a route under the
 * request's first path segment (case-insensitively, as Express matches), and those that may take
 * any path. A router without such a route could only have passed the request on, so the outcome
 * is the one of mounting them all; a request no router takes goes on to the next layer.
 */
export function routeBySegment(routers: readonly Router[]): RequestHandler & { readonly routers: readonly Router[] } {
  const segmentsOf = routers.map((router) => firstSegments(router));
  const forAny = routers.filter((_, i) => segmentsOf[i]!.has(ANY));
  const table = new Map<string, Router[]>();
  for (const segment of new Set(segmentsOf.flatMap((s) => [...s]))) {
    if (segment !== ANY) table.set(segment, routers.filter((_, i) => segmentsOf[i]!.has(segment) || segmentsOf[i]!.has(ANY)));
  }
  // `routers` stays readable, for what lists every route (test/helpers/routes.ts).
  return Object.assign(function bySegment(req: Request, res: Response, next: NextFunction): void {
    const path = req.path;
    const end = path.indexOf('/', 1);
    inOrder(table.get((end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase()) ?? forAny, req, res, next);
  }, { routers });
}
