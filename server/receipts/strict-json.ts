import { badRequest } from '../http/errors';

/**
 * A strict JSON reader for receipts someone presents. JSON.parse lets a repeated member name win
 * silently (the last one), so `{"late": false, "late": true}` means one thing to this portal and
 * may mean another to the next reader: a signed document must have one reading. This parser is
 * RFC 8259 JSON.parse with one difference: a member name repeated in an object, compared after
 * unescaping ("a" and "\u0061" are the same name), is refused. It walks with an explicit stack, so
 * no depth overflows it.
 */
export class DuplicateMemberError extends Error {
  constructor(readonly path: string, readonly member: string) {
    super(`duplicate member ${JSON.stringify(member)}${path ? ` in ${path}` : ''}`);
  }
}

export class JsonSyntaxError extends Error {}

interface Frame { container: Record<string, unknown> | unknown[]; path: string; names: Set<string> | null; pending: string | null }

const WS = /[ \t\n\r]*/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING = /"[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS: Array<[string, unknown]> = [['true', true], ['false', false], ['null', null]];

/** JSON text to values, refusing repeated member names (DuplicateMemberError) and bad syntax (JsonSyntaxError). */
export function parseStrictJson(text: string): unknown {
  let pos = skip(text, 0);
  const stack: Frame[] = [];
  for (;;) {
    let value: unknown;
    const c = text[pos];
    if (c === '{' || c === '[') {
      pos = skip(text, pos + 1);
      const top = stack[stack.length - 1];
      const path = top ? childPath(top) : '';
      if (text[pos] !== (c === '{' ? '}' : ']')) {
        const frame: Frame = c === '{' ? { container: {}, path, names: new Set(), pending: null } : { container: [], path, names: null, pending: null };
        if (frame.names) pos = memberName(text, pos, frame);
        stack.push(frame);
        continue;
      }
      value = c === '{' ? {} : [];
      pos += 1;
    } else {
      [value, pos] = scalar(text, pos);
    }
    for (;;) { // attach the finished value, then close every container that ends here
      pos = skip(text, pos);
      const frame = stack[stack.length - 1];
      if (!frame) {
        if (pos !== text.length) throw new JsonSyntaxError(`unexpected text at character ${pos}`);
        return value;
      }
      if (Array.isArray(frame.container)) frame.container.push(value);
      else Object.defineProperty(frame.container, frame.pending!, { value, enumerable: true, writable: true, configurable: true });
      if (text[pos] === ',') {
        pos = skip(text, pos + 1);
        if (frame.names) pos = memberName(text, pos, frame);
        break;
      }
      if (text[pos] !== (frame.names ? '}' : ']')) throw new JsonSyntaxError(`expected "," or the end of the container at character ${pos}`);
      value = frame.container;
      pos += 1;
      stack.pop();
    }
  }
}

function skip(text: string, pos: number): number {
  WS.lastIndex = pos;
  WS.test(text);
  return WS.lastIndex;
}

function childPath(frame: Frame): string {
  const step = frame.names ? `.${frame.pending!}` : `[${(frame.container as unknown[]).length}]`;
  return frame.path ? `${frame.path}${step}` : step.replace(/^\./, '');
}

/** Reads `"name" :` into frame.pending; a name the object already has is refused. */
function memberName(text: string, pos: number, frame: Frame): number {
  if (text[pos] !== '"') throw new JsonSyntaxError(`expected a member name at character ${pos}`);
  const [name, end] = scalar(text, pos) as [string, number];
  if (frame.names!.has(name)) throw new DuplicateMemberError(frame.path, name);
  frame.names!.add(name);
  frame.pending = name;
  const colon = skip(text, end);
  if (text[colon] !== ':') throw new JsonSyntaxError(`expected ":" at character ${colon}`);
  return skip(text, colon + 1);
}

function scalar(text: string, pos: number): [unknown, number] {
  for (const re of [STRING, NUMBER]) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m && m[0].length > 0) return [JSON.parse(m[0]), re.lastIndex]; // one flat token: JSON.parse's own decoding
  }
  for (const [word, value] of LITERALS) if (text.startsWith(word, pos)) return [value, pos + word.length];
  throw new JsonSyntaxError(pos >= text.length ? 'the text ends too early' : `unexpected character at ${pos}`);
}

/**
 * Reads a presented receipt text strictly: 400 `malformed_json` for bad JSON, 400
 * `duplicate_json_key` naming the member and where it is for a repeated member name.
 */
export function readReceiptText(text: string): unknown {
  try {
    return parseStrictJson(text);
  } catch (err) {
    if (err instanceof DuplicateMemberError) {
      const field = err.path ? `${err.path}.${err.member}` : err.member;
      throw badRequest('duplicate_json_key', `The JSON names the member ${JSON.stringify(err.member)} twice${err.path ? ` in "${err.path}"` : ''}. A receipt names each member once: use the file the portal issued, unchanged.`, [{ field, problem: 'duplicate' }]);
    }
    if (err instanceof JsonSyntaxError) {
      throw badRequest('malformed_json', 'The text is not valid JSON. Paste the whole receipt file unchanged, from the first “{” to the last “}”.');
    }
    throw err;
  }
}
