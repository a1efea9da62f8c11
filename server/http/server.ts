import { createServer, type RequestListener, type Server } from 'node:http';

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

/** The portal's HTTP server (main.ts, the test app and the benchmark all use this one). */
export function createHttpServer(listener?: RequestListener): Server {
  const { keepAliveTimeout, ...options } = SERVER_TIMEOUTS;
  const server = listener ? createServer(options, listener) : createServer(options);
  server.keepAliveTimeout = keepAliveTimeout;
  return server;
}
