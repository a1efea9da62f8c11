import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response: strict CSP (no inline script or style), no framing, HSTS,
 * nosniff, no referrer leakage across origins.
 */
export function securityHeaders() {
  const headers = fixedHeaders(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 63_072_000, includeSubDomains: true },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  }));
  // (X-Powered-By, which helmet removes, is never set: createApp disables it.)
  return function setSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * The headers a header middleware sets, read once by running it on a stand-in response. Helmet's
 * headers do not depend on the request, and setting a fixed list is a tenth of helmet's per-request
 * cost (its chain of fourteen middlewares).
 */
function fixedHeaders(middleware: (req: never, res: never, next: (err?: unknown) => void) => void): [string, string][] {
  const set = new Map<string, string>();
  const stand = { setHeader: (name: string, value: string) => { set.set(name, value); }, removeHeader: (name: string) => { set.delete(name); } };
  let done = false;
  middleware({} as never, stand as never, (err?: unknown) => { if (err) throw err; done = true; });
  if (!done) throw new Error('security header middleware did not finish synchronously');
  return [...set];
}

/** Authenticated or personalised responses must never be cached by browsers or proxies. */
export function noStore(req: Request, res: Response, next: NextFunction): void {
  // Mounted on the app, before any router trims req.url, so the URL's start is the path's.
  if (!req.url.startsWith('/assets/')) res.setHeader('Cache-Control', 'no-store');
  next();
}

// The id lands in the hash-chained audit trail and every log line: a client may choose it, but
// only in this shape (no spaces, markup, separators, non-ASCII, or length to bloat the trail).
const REQUEST_ID = /^[A-Za-z0-9_.-]{8,64}$/;

/**
 * Reuses a well-formed incoming X-Request-Id (from a proxy) or makes one; echoed on the response.
 * Anything else the client sent is dropped, not stored beside it (docs/threat-model.md).
 */
export function requestId(req: IncomingMessage, res: { setHeader(name: string, value: string): unknown }): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}
