import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response: strict CSP (no inline script or style), no framing, HSTS,
 * nosniff, no referrer leakage across origins.
 */
export function securityHeaders() {
  return helmet({
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
  });
}

/** Authenticated or personalised responses must never be cached by browsers or proxies. */
export function noStore(req: Request, res: Response, next: NextFunction): void {
  if (!req.path.startsWith('/assets/')) res.set('Cache-Control', 'no-store');
  next();
}

const REQUEST_ID = /^[\w.-]{8,64}$/;

/** Reuses a well-formed incoming X-Request-Id (from a proxy) or makes one; echoed on the response. */
export function requestId(req: IncomingMessage, res: { setHeader(name: string, value: string): unknown }): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}
