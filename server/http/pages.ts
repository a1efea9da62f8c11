import type { Request } from 'express';
import type { Actor } from '../access/actor';
import { AppError, unauthorized } from './errors';

/**
 * What every page router needs besides rendering: reading a posted form, who is signed in, and
 * which refusals a page shows in its own form (the rest go to the error handler).
 */

/**
 * A posted form value; anything but a single string (missing, or a repeated name) reads as empty.
 * Line breaks come as browsers send them from a textarea (CRLF) and are read as API clients send
 * them (LF); single-line inputs cannot carry line breaks, so they read exactly as typed.
 */
export function formString(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n') : '';
}

/** The signed-in actor, or 401 (which the error handler turns into the sign-in page). */
export function signedIn(req: Request): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

/** Statuses answered elsewhere (the sign-in page, the not-found page) rather than in a form. */
export const NOT_IN_FORM: readonly number[] = [401, 403, 404];

/**
 * The refusal a page shows in place, with what was typed. Rethrown for the error handler instead:
 * anything that is not an AppError, server faults (5xx), and the statuses in `rethrow`.
 */
export function refusalToShow(err: unknown, rethrow: readonly number[] = []): AppError {
  if (!(err instanceof AppError) || err.status >= 500 || rethrow.includes(err.status)) throw err;
  return err;
}
