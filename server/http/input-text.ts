import { isUtf8 } from 'node:buffer';
import { AppError, badRequest } from './errors';

/**
 * Deepest nesting of arrays and objects a JSON body may have (`{"a":[1]}` is 2 levels). Documented
 * in the README; the audit trail's independent verifier relies on stored JSON staying this shallow.
 */
export const MAX_JSON_DEPTH = 64;

const NUL = /\0/;
// With the u flag a well-formed surrogate pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;

/** A name or path for a message: short, quoted, and without the characters being refused. */
function shown(name: string): string {
  const clean = name.replace(/[\0\p{Cs}]/gu, '\uFFFD');
  return JSON.stringify(clean.length > 60 ? `${clean.slice(0, 60)}...` : clean);
}

/** `details` of a refusal: the field (dotted path or parameter name) when one is known. */
const detail = (problem: string, field?: string) => [field === undefined ? { problem } : { field: field.slice(0, 200), problem }];

/** The start of a refusal's message, or what makes it: built only when there is a refusal to word. */
type Where = string | (() => string);
const said = (where: Where) => (typeof where === 'string' ? where : where());

/**
 * Refuses text that PostgreSQL cannot store (NUL) or that is not Unicode at all (a lone surrogate).
 * `where` starts the message ("The field \"title\""); `field` goes into `details`.
 */
export function checkText(text: string, where: Where, field?: string): void {
  if (NUL.test(text)) {
    throw badRequest('invalid_characters', `${said(where)} contains a NUL character (U+0000). Remove it and send again.`, detail('nul', field));
  }
  if (LONE_SURROGATE.test(text)) {
    throw badRequest('invalid_characters', `${said(where)} contains an unpaired UTF-16 surrogate (such as \\ud800 alone), which is not text. Send valid Unicode.`,
      detail('lone_surrogate', field));
  }
}

/** The one key that changes an object's prototype when assigned; no field is ever called that. */
export function checkName(name: string, where: Where, field: string): void {
  if (name === '__proto__') {
    throw badRequest('invalid_field_name', `${said(where)} uses the name "__proto__", which no field may have. Rename it.`, detail('reserved_name', field));
  }
}

export const invalidEncoding = (what: string, field?: string) => badRequest('invalid_encoding',
  `${what} is not valid UTF-8 (after percent-decoding). Encode the text as UTF-8 and send again.`, detail('utf8', field));

export const unsupportedCharset = () => new AppError(415, 'unsupported_encoding', 'Send the body as UTF-8.');

/** The value of one hex digit byte, or -1. */
function hex(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * The bytes a percent-encoded component stands for. `plus` reads '+' as a space (queries and
 * forms). A '%' not followed by two hex digits is kept as it is (what Express's parsers do), or,
 * when `strict`, makes the result null.
 */
export function percentBytes(raw: Buffer, plus: boolean, strict = false): Buffer | null {
  if (!raw.includes(0x25) && !(plus && raw.includes(0x2b))) return raw;
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    const high = b === 0x25 ? hex(raw[i + 1]) : -1;
    const low = high >= 0 ? hex(raw[i + 2]) : -1;
    if (low >= 0) {
      out[n++] = high * 16 + low;
      i += 2;
    } else if (b === 0x25 && strict) {
      return null;
    } else {
      out[n++] = plus && b === 0x2b ? 0x20 : b;
    }
  }
  return out.subarray(0, n);
}

/**
 * Checks `a=1&b=2` text (a query string or a url-encoded form body, as bytes) the way the parsers
 * will read it: every name and value valid UTF-8 and acceptable text. Returns how often each name
 * appears.
 */
export function checkParams(raw: Buffer, kind: 'query parameter' | 'form field'): Map<string, number> {
  const seen = new Map<string, number>();
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf(0x26, start);
    if (end === -1) end = raw.length;
    if (end > start) checkPair(raw.subarray(start, end), kind, seen);
    start = end + 1;
  }
  return seen;
}

function checkPair(pair: Buffer, kind: string, seen: Map<string, number>): void {
  const eq = pair.indexOf(0x3d);
  const nameBytes = percentBytes(eq === -1 ? pair : pair.subarray(0, eq), true)!;
  const valueBytes = percentBytes(eq === -1 ? Buffer.alloc(0) : pair.subarray(eq + 1), true)!;
  if (!isUtf8(nameBytes)) throw invalidEncoding(`A ${kind} name`);
  const name = nameBytes.toString('utf8');
  const where = () => `The ${kind} ${shown(name)}`;
  checkText(name, `A ${kind} name`);
  checkName(name, where, name);
  if (!isUtf8(valueBytes)) throw invalidEncoding(where(), name);
  checkText(valueBytes.toString('utf8'), where, name);
  seen.set(name, (seen.get(name) ?? 0) + 1);
}

/**
 * True when JSON text nests arrays or objects deeper than `max`. Reads the bytes once, without
 * recursion and before parsing, so no depth of nesting can exhaust the stack.
 */
export function nestedDeeperThan(json: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const b = json[i]!;
    if (inString) {
      if (b === 0x5c) i++; // the escaped character cannot end the string
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) {
      inString = true;
    } else if (b === 0x5b || b === 0x7b) {
      if (++depth > max) return true;
    } else if (b === 0x5d || b === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * Checks every key and string of a parsed body (JSON or form), at any depth, iteratively.
 * Paths in messages are dotted like the schema errors' (`fields.items.0`).
 */
export function checkParsed(body: unknown): void {
  const stack: Array<[unknown, string]> = [[body, '']];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      checkText(value, () => (path ? `The field ${shown(path)}` : 'The body'), path || undefined);
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      // JSON.parse reads 1e999 as Infinity, which JSON cannot write back: it would be stored as null.
      const field = path || 'body';
      throw badRequest('invalid_number', `${path ? `The field ${shown(path)}` : 'The body'} holds a number too large to store. Send a number within ±1.7976931348623157e308.`, [{ field, problem: 'not_finite' }]);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, path ? `${path}.${i}` : String(i)]));
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        const child = path ? `${path}.${key}` : key;
        checkText(key, () => `A field name in ${path ? shown(path) : 'the body'}`, path || undefined);
        checkName(key, () => `The field ${shown(child)}`, child);
        stack.push([(value as Record<string, unknown>)[key], child]);
      }
    }
  }
}
