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

/**
 * One JSON line per request, written when the response is finished: `{req: {id, method, path},
 * res: {statusCode}, responseTime}`. The path never carries the query string (it may hold tokens),
 * and no header is logged. `req.log` is a child logger bound to the request id, made only when a
 * handler logs something: most requests never pay for one (pino-http made one per request, which
 * was a fifth of a small request's time: docs/review-queue.md).
 */
export function requestLog(logger: Logger) {
  return function logRequest(req: Request, res: Response, next: NextFunction): void {
    const id = requestId(req, res);
    const started = performance.now();
    let child: Logger | undefined;
    Object.defineProperty(req, 'id', { value: id, writable: true, configurable: true });
    Object.defineProperty(req, 'log', { get: () => (child ??= logger.child({ reqId: id })), configurable: true });
    const path = req.url.split('?', 1)[0] ?? '';
    if (!QUIET.has(path)) {
      res.once('finish', () => {
        const line = { req: { id, method: req.method, path }, res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started) };
        if (res.statusCode >= 500) logger.error(line, 'request errored');
        else logger.info(line, 'request completed');
      });
      res.once('close', () => {
        if (!res.writableFinished) logger.warn({ req: { id, method: req.method, path }, responseTime: Math.round(performance.now() - started) }, 'request aborted');
      });
    }
    next();
  };
}
