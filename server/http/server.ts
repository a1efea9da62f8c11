import { IncomingMessage, ServerResponse, createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long the HTTP server waits for a client (SECURITY.md, Stack pitfalls: set these deliberately).
 * Headers must arrive within 20 s (slowloris). A body is watched by the pace guard (body-pace.ts),
 * which drops one that stalls or trickles, so the whole-request cap only bounds a client that stays
 * just above the minimum rate: one hour, enough for the default 100 MiB file at 28 KiB/s or the
 * largest a proceeding may allow (2 GiB) at 0.6 MiB/s.
 */
export const SERVER_TIMEOUTS = {
  headersTimeout: 20_000,
  requestTimeout: 60 * 60_000,
  keepAliveTimeout: 5_000,
  /** How often Node enforces the two timeouts above; its default (30 s) would let headers take 50 s. */
  connectionsCheckingInterval: 1_000,
} as const;

/**
 * What Express, its router and body parser, and the portal's own middleware set on every request
 * (and response), declared when the object is made, so each request keeps one shape (V8 hidden
 * class) from birth. Added one by one on the way through, they gave the object another shape at
 * each step, so the same property reads in Express, the router and the portal met many shapes
 * (the likely cause; what was measured is the effect, docs/review-queue.md "How a queue request is
 * served": cached counts ~8,400 -> ~12,400 requests a second). None of these names is a getter of
 * Node's or Express's (test/unit/http-server.test.ts), so declaring them changes nothing else:
 * `req.log`, `req.path`, `req.query` and the rest stay the prototype's.
 */
export const REQUEST_FIELDS = [
  // Express, router, body-parser, parseurl
  'res', 'next', 'baseUrl', 'originalUrl', 'params', 'route', 'body', '_parsedUrl', '_parsedOriginalUrl',
  // request-log.ts, auth.middleware.ts
  'id', 'actor', 'apiTokenId', 'auditHead', 'portalSession',
] as const;
export const RESPONSE_FIELDS = ['locals'] as const;
const declared = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, undefined]));
const requestFields = declared(REQUEST_FIELDS);
const responseFields = declared(RESPONSE_FIELDS);

class PortalRequest extends IncomingMessage {
  constructor(socket: Socket) {
    super(socket);
    Object.assign(this, requestFields);
  }
}

class PortalResponse extends ServerResponse {
  // Node passes (req, {highWaterMark, rejectNonStandardBodyWrites}); @types/node declares only req.
  constructor(...args: ConstructorParameters<typeof ServerResponse>) {
    super(...args);
    Object.assign(this, responseFields);
  }
}

/** The portal's HTTP server (main.ts, the test app and the benchmark all use this one). */
export function createHttpServer(listener?: RequestListener): Server {
  const { keepAliveTimeout, ...timeouts } = SERVER_TIMEOUTS;
  const options = { ...timeouts, IncomingMessage: PortalRequest, ServerResponse: PortalResponse };
  const server = listener ? createServer(options, listener) : createServer(options);
  server.keepAliveTimeout = keepAliveTimeout;
  return server;
}
