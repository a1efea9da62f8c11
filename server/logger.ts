import pino, { type Logger } from 'pino';

/** Paths never written to logs: credentials, session ids, tokens, TOTP codes and secrets. */
const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  '*.password', '*.token', '*.totp', '*.secret', '*.totpSecret', '*.sessionId', 'password', 'token', 'totp',
];

/** Structured JSON logger (pino). Every request logs through a child carrying its request id. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'vendor-response-portal' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  }, destination);
}
