import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { badRequest } from './errors';
import {
  MAX_JSON_DEPTH, checkParams, checkParsed, checkText, invalidEncoding, nestedDeeperThan, percentBytes, unsupportedCharset,
} from './input-text';

/*
 * The one screen every request passes before any route sees it (README "Request limits"): text the
 * portal cannot store or read is refused with 400 and a stable code, the same for pages and API.
 * Routes then validate meaning (schemas, allowlists); they never see NUL, lone surrogates, invalid
 * UTF-8, `__proto__` names, repeated query parameters or JSON deeper than MAX_JSON_DEPTH.
 */

export { MAX_JSON_DEPTH };

const BODY_LIMIT = '512kb';

/** Path and query string: mount first, before static files and routers. */
export function screenUrl(req: Request, _res: Response, next: NextFunction): void {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  checkPath(q === -1 ? url : url.slice(0, q));
  if (q !== -1) checkQuery(url.slice(q + 1));
  next();
}

/** Printable ASCII without "%": nothing to decode, so no NUL, surrogate or bad UTF-8 can be in it. */
const PLAIN_PATH = /^[\x21-\x24\x26-\x7e]*$/;

function checkPath(path: string): void {
  if (PLAIN_PATH.test(path)) return;
  // Node refuses raw bytes above 0x7f in the request line, so the path is ASCII and latin1 is exact.
  const bytes = percentBytes(Buffer.from(path, 'latin1'), false, true);
  if (!bytes) {
    throw badRequest('invalid_encoding', 'The address has a "%" that is not followed by two hex digits. Write a literal % as %25.');
  }
  if (!isUtf8(bytes)) throw invalidEncoding('The address');
  checkText(bytes.toString('utf8'), 'The address');
}

function checkQuery(query: string): void {
  for (const [name, count] of checkParams(Buffer.from(query, 'latin1'), 'query parameter')) {
    // Express would hand routes an array for a repeated name; every parameter here is single.
    if (count > 1) {
      throw badRequest('invalid_parameter', `Give the query parameter ${JSON.stringify(name.slice(0, 60))} once (it was sent ${count} times).`,
        [{ field: name.slice(0, 60), problem: 'repeated' }]);
    }
  }
}

const isUtf8Charset = (encoding: string) => /^utf-?8$/i.test(encoding);

const rawBodies = new WeakMap<object, Buffer>();

/** The request's JSON body exactly as sent (UTF-8, screened), for routes that must re-read it strictly. */
export const rawJsonText = (req: object): string | undefined => rawBodies.get(req)?.toString('utf8');

/** Raw JSON bytes, before parsing: UTF-8 only, and not nested past MAX_JSON_DEPTH. */
function verifyJson(req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string): void {
  if (!isUtf8Charset(encoding)) throw unsupportedCharset();
  if (!isUtf8(buf)) throw invalidEncoding('The request body');
  if (nestedDeeperThan(buf, MAX_JSON_DEPTH)) {
    throw badRequest('too_deeply_nested', `The JSON body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep. Send at most ${MAX_JSON_DEPTH} levels.`);
  }
  // The receipt verifier reads the exact text with a parser that refuses repeated members.
  rawBodies.set(req, buf);
}

/** Raw form bytes: UTF-8 both as sent and after percent-decoding (the parser would keep bad escapes as text). */
function verifyForm(_req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string): void {
  if (!isUtf8Charset(encoding)) throw unsupportedCharset();
  if (!isUtf8(buf)) throw invalidEncoding('The form');
  checkParams(buf, 'form field');
}

/**
 * A body parser run only for requests that have a body (a length or a transfer encoding: the test
 * body-parser itself makes first), so GETs, which most requests are, pay nothing for it.
 */
const withBody = (parse: RequestHandler): RequestHandler => (req, res, next) => {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && !Number.isNaN(Number(length)))) return parse(req, res, next);
  next();
};

/** express.json with the screen's byte checks (errors thrown in verify keep their status and code). */
export const jsonBody = (): RequestHandler => withBody(express.json({ limit: BODY_LIMIT, strict: true, verify: verifyJson }));

/** A form that may post more than the default 100 fields: its POST path and its own ceiling. */
export interface LongForm { path: RegExp; parameterLimit: number }

/** Fields a posted form may have, unless it is one of the long forms named to formBody. */
export const FORM_FIELDS = 100;

/**
 * express.urlencoded (flat names, at most FORM_FIELDS; a POST to one of `longForms` at most its own
 * ceiling) with the screen's byte checks. The body size limit is the same for every form.
 */
export function formBody(longForms: readonly LongForm[] = []): RequestHandler {
  const parser = (parameterLimit: number) => express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit, verify: verifyForm });
  const standard = parser(FORM_FIELDS);
  const long = longForms.map((f) => ({ path: f.path, parse: parser(f.parameterLimit) }));
  return withBody((req, res, next) => {
    const match = req.method === 'POST' ? long.find((f) => f.path.test(req.path)) : undefined;
    (match?.parse ?? standard)(req, res, next);
  });
}

/** Every key and string of the parsed body, at any depth: after jsonBody and formBody. */
export function screenBody(req: Request, _res: Response, next: NextFunction): void {
  if (req.body !== null && typeof req.body === 'object') checkParsed(req.body);
  next();
}
