import { LEGAL_HOLD_SQLSTATE } from '../db/legal-hold-tables';

/**
 * One error type for everything the portal refuses on purpose. `code` is stable (clients branch on
 * it); `message` is for a person and says what to do. Unknown errors become `internal_error`.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ReadonlyArray<Record<string, unknown>> = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>[]) =>
  new AppError(400, code, message, details);
export const unauthorized = (message = 'Sign in to continue.') => new AppError(401, 'unauthenticated', message);
export const forbidden = (message = 'Your role does not allow this action.') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'resource') => new AppError(404, 'not_found', `No such ${what}, or it is not yours to see.`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>[]) =>
  new AppError(422, code, message, details);

/** The JSON body every error response carries (API.md "Errors"). */
export interface ErrorBody {
  error: { code: string; message: string; details: ReadonlyArray<Record<string, unknown>> };
}

/** Translates anything thrown into an AppError; the original is kept for logging only. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; code?: string; message?: string };
  // body-parser errors (express.json / urlencoded)
  if (e?.type === 'entity.parse.failed') return badRequest('malformed_json', 'The request body is not valid JSON.');
  if (e?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'The request body is too large.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new AppError(415, 'unsupported_encoding', 'Send the body as UTF-8.');
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError(e.status, 'bad_request', 'The request could not be read.');
  }
  if (e?.code === LEGAL_HOLD_SQLSTATE) {
    // The database refused a DELETE of something of a proceeding under a legal hold (docs/legal-hold.md).
    return conflict('legal_hold', 'This proceeding is under a legal hold: nothing of it can be deleted, a draft\'s documents included, until agency legal staff release the hold.');
  }
  if (isDatabaseUnavailable(err)) {
    return new AppError(503, 'service_unavailable', 'The database is unavailable. Try again in a moment.');
  }
  return new AppError(500, 'internal_error', 'Something went wrong on our side. The error has been logged; try again later.');
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

/** True for errors meaning PostgreSQL cannot be reached right now (restart, network, pool timeout). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (e?.code && UNAVAILABLE_CODES.has(e.code)) return true;
  const msg = e?.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/i.test(msg);
}
