import type { NextFunction, Request, Response } from 'express';
import { notFound, toAppError, type AppError, type ErrorBody } from './errors';
import { wantsJson } from './context';

/** Retry-After from a throttled refusal's `retryAfterSeconds`; also for pages that show it in their form. */
export function setRetryAfter(res: Response, err: AppError): void {
  const retry = err.details.find((d) => typeof d['retryAfterSeconds'] === 'number');
  if (retry) res.set('Retry-After', String(retry['retryAfterSeconds']));
}

/** Unmatched routes become the same 404 as a resource that is not the caller's. */
export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(notFound('page'));
}

/**
 * The one place errors become responses: API.md's JSON shape for API clients, an accessible page
 * for browsers, never a stack trace. Server faults are logged with the request id.
 */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const appError = toAppError(err);
  if (appError.status >= 500) req.log?.error({ err }, 'request failed');
  else req.log?.info({ code: appError.code, status: appError.status }, 'request refused');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  setRetryAfter(res, appError);
  if (appError.status === 503) res.set('Retry-After', '5');
  if (!wantsJson(req) && appError.status === 401) {
    res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl.slice(0, 500))}`);
    return;
  }
  res.status(appError.status);
  if (wantsJson(req)) {
    const body: ErrorBody = { error: { code: appError.code, message: appError.message, details: appError.details } };
    res.json(body);
    return;
  }
  res.render('errors/error', { title: titleFor(appError.status), status: appError.status, code: appError.code, message: appError.message, requestId: req.id });
}

function titleFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403) return 'Not allowed';
  if (status === 429) return 'Too many attempts';
  if (status >= 500) return 'Something went wrong';
  return 'We could not accept that';
}
