/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for the values the portal hashes and signs.
 *
 * JCS is defined in terms of ECMAScript, so the primitives come straight from the engine:
 * numbers are JSON.stringify's (ECMA-262 Number::toString, "-0" as "0"), strings are
 * JSON.stringify's escaping, and object members are sorted with the default sort, which
 * compares UTF-16 code units as RFC 8785 §3.2.3 requires. What JSON.stringify does not do
 * is refused, as RFC 8785 requires: NaN, ±Infinity, lone surrogates, BigInt and cycles throw.
 *
 * It walks with an explicit stack, not recursion, so depth is bounded by memory only: a verifier
 * must be able to hash whatever an older writer stored. test/unit/canonical-json.test.ts proves it
 * byte-identical to the `canonicalize` package and to docs/verify_audit.py on a large corpus.
 */

interface Frame {
  container: object;
  /** null for an array; the sorted member names for an object. */
  keys: string[] | null;
  index: number;
  first: boolean;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Canonical JSON text of `value`; throws TypeError for values JSON (or RFC 8785) cannot represent. */
export function canonicalJson(value: unknown): string {
  const top = enter(value, '');
  if (top === undefined) throw new TypeError(`Value cannot be canonicalised: ${typeof value}`);
  if (typeof top === 'string') return top;
  const onPath = new Set<object>([top.container]);
  const stack: Frame[] = [top];
  let out = top.keys === null ? '[' : '{';
  outer: while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const items = frame.container as Record<string, unknown> & unknown[];
    const size = frame.keys === null ? items.length : frame.keys.length;
    while (frame.index < size) {
      const key = frame.keys === null ? String(frame.index) : frame.keys[frame.index]!;
      frame.index += 1;
      const child = enter(items[key as unknown as number], key);
      if (child === undefined && frame.keys !== null) continue; // JSON.stringify drops the member
      out += frame.first ? '' : ',';
      frame.first = false;
      if (frame.keys !== null) out += `${scalar(key)}:`;
      if (child === undefined) out += 'null'; // ...and writes null for an array element
      else if (typeof child === 'string') out += child;
      else {
        if (onPath.has(child.container)) throw new TypeError('Value cannot be canonicalised: it is circular');
        onPath.add(child.container);
        stack.push(child);
        out += child.keys === null ? '[' : '{';
        continue outer;
      }
    }
    out += frame.keys === null ? ']' : '}';
    onPath.delete(frame.container);
    stack.pop();
  }
  return out;
}

/**
 * JSON.stringify's view of one value (toJSON applied once, boxed primitives unboxed): its text if
 * it is a scalar, a frame if it is a container, undefined if JSON has no representation for it.
 */
function enter(raw: unknown, key: string): string | Frame | undefined {
  let value = raw;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  if (value === null || typeof value !== 'object') return scalar(value);
  return { container: value, keys: Array.isArray(value) ? null : Object.keys(value).sort(), index: 0, first: true };
}

function scalar(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`Value cannot be canonicalised: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError('Value cannot be canonicalised: a string holds a lone UTF-16 surrogate');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('Value cannot be canonicalised: BigInt is not a JSON number');
    case 'object':
      return 'null';
    default:
      return undefined; // undefined, functions, symbols
  }
}
