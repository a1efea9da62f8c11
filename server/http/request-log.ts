import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestId } from './security';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id (X-Request-Id): in every log line and audit row of the request. */
    id?: string;
    /** A logger bound to the request id, made on first use. */
    log?: Logger;
  }
}

/** Paths never logged per request (probes and scrapes would drown the log). */
const QUIET = new Set(['/healthz', '/metrics']);

const CHILD = Symbol('request logger');
type LoggedRequest = IncomingMessage & { [CHILD]?: Logger };

/**
 * One JSON line per request, written when the response is done: `{req: {id, method, path},
 * res: {statusCode}, responseTime}`, or "request aborted" when the client left first. The path
 * never carries the query string (it may hold tokens), and no header is logged.
 *
 * `req.log` is a child logger bound to the request id, made only when a handler logs something:
 * most requests never pay for one (pino-http made one per request, a fifth of a small request's
 * time). It is a getter on the app's request prototype (`requests`: Express's `app.request`), as
 * Express's own `req.path` is. Defined on each request with a getter of its own, it cost ~30 µs a
 * request (measured; likely because each request object then had a shape of its own, so no
 * property read on it could stay fast: docs/review-queue.md).
 */
export function requestLog(logger: Logger, requests: object) {
  Object.defineProperty(requests, 'log', {
    configurable: true,
    get(this: LoggedRequest): Logger {
      return (this[CHILD] ??= logger.child({ reqId: this.id }));
    },
  });
  return function logRequest(req: Request, res: Response, next: NextFunction): void {
    const id = requestId(req, res);
    const started = performance.now();
    req.id = id;
    const path = req.url.split('?', 1)[0] ?? '';
    if (!QUIET.has(path)) {
      // 'close' comes after 'finish' on every response, and alone when the client went first.
      res.once('close', () => {
        const responseTime = Math.round(performance.now() - started);
        const request = { id, method: req.method, path };
        const finished = { req: request, res: { statusCode: res.statusCode }, responseTime };
        if (!res.writableFinished) logger.warn({ req: request, responseTime }, 'request aborted');
        else if (res.statusCode >= 500) logger.error(finished, 'request errored');
        else logger.info(finished, 'request completed');
      });
    }
    next();
  };
}
