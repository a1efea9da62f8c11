import { MAX_JSON_DEPTH, checkParams, checkParsed, checkText, nestedDeeperThan, percentBytes } from '../../server/http/input-text';
import { fieldSummary } from '../../server/submissions/submission.page-model';

const refusal = (code: string) => expect.objectContaining({ status: 400, code });
const nested = (n: number) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`);

describe('JSON nesting, counted on the bytes before parsing', () => {
  it('when arrays or objects nest exactly 64 levels, then they pass; at 65, they do not', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(nestedDeeperThan(nested(64), 64)).toBe(false);
    expect(nestedDeeperThan(nested(65), 64)).toBe(true);
    const objects = (n: number) => Buffer.from(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
    expect(nestedDeeperThan(objects(64), 64)).toBe(false);
    expect(nestedDeeperThan(objects(65), 64)).toBe(true);
  });

  it('when brackets and escaped quotes sit inside strings, then they do not count as nesting', () => {
    const text = `{"a":"${'['.repeat(500)}","b":"quote \\" then ${'{'.repeat(500)}","c":"\\\\"}`;
    expect(nestedDeeperThan(Buffer.from(text), 64)).toBe(false);
    expect(() => JSON.parse(text) as unknown).not.toThrow();
  });

  it('when a body nests 100,000 levels, then the answer comes without recursion (no stack overflow)', () => {
    expect(nestedDeeperThan(nested(100_000), 64)).toBe(true);
  });
});

describe('text the portal cannot store or read', () => {
  it('when text has a NUL or a lone surrogate (high or low), then invalid_characters; a real pair passes', () => {
    expect(() => checkText('a\0b', 'The field "title"')).toThrow(refusal('invalid_characters'));
    expect(() => checkText('x\ud800y', 'The field "title"')).toThrow(refusal('invalid_characters'));
    expect(() => checkText('x\udc00', 'The field "title"')).toThrow(refusal('invalid_characters'));
    expect(() => checkText('emoji 😀, naïve café', 'The field "title"')).not.toThrow();
  });

  it('when a parsed body hides NUL, a lone surrogate or __proto__ deep inside, then it is found and named', () => {
    expect(() => checkParsed({ a: [1, { b: ['ok', 'bad\0'] }] })).toThrow(expect.objectContaining({ message: expect.stringContaining('"a.1.b.1"') }));
    expect(() => checkParsed({ fields: { 'k\udc00': 1 } })).toThrow(refusal('invalid_characters'));
    expect(() => checkParsed(JSON.parse('{"fields":{"__proto__":{"isAdmin":true}}}'))).toThrow(refusal('invalid_field_name'));
    expect(() => checkParsed({ constructor: 'a value', toString: ['fine'] })).not.toThrow();
  });

  it('when a parsed value nests 100,000 levels, then it is walked without recursion', () => {
    let deep: unknown = 'bottom\0';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => checkParsed(deep)).toThrow(refusal('invalid_characters'));
  });
});

describe('percent-encoded names and values', () => {
  it('when escapes are decoded, then + is a space in queries, and a broken escape stays as typed (or, strict, fails)', () => {
    expect(percentBytes(Buffer.from('a%41+b%zz%4'), true)!.toString('latin1')).toBe('aA b%zz%4');
    expect(percentBytes(Buffer.from('a+b'), false)!.toString('latin1')).toBe('a+b');
    expect(percentBytes(Buffer.from('/a%zz'), false, true)).toBeNull();
  });

  it('when a name or value is not UTF-8 once decoded (overlong, stray byte, encoded surrogate), then invalid_encoding', () => {
    for (const bad of ['x=%C0%AF', 'x=%FF', 'x=%ED%A0%80', '%C3=1']) {
      expect(() => checkParams(Buffer.from(bad), 'query parameter')).toThrow(refusal('invalid_encoding'));
    }
    expect(() => checkParams(Buffer.from('q=%00'), 'query parameter')).toThrow(refusal('invalid_characters'));
    expect(() => checkParams(Buffer.from('__proto__=1'), 'form field')).toThrow(refusal('invalid_field_name'));
  });

  it('when names repeat, then each is counted (the query screen refuses more than one)', () => {
    const counts = checkParams(Buffer.from('q=a&q=b&caf%C3%A9=1&&flag'), 'query parameter');
    expect(Object.fromEntries(counts)).toEqual({ q: 2, 'café': 1, flag: 1 });
  });
});

describe('structured fields for reading', () => {
  it('when a stored field is called constructor or toString, then it is shown like any other field', () => {
    const list = fieldSummary({ type: 'object' }, { constructor: 'Shown A', toString: ['Shown B'] });
    expect(list).toEqual([
      { label: 'constructor', items: ['Shown A'], list: false },
      { label: 'toString', items: ['Shown B'], list: true },
    ]);
  });

  it('when the schema names a field the draft lacks (even hasOwnProperty), then it reads as not given', () => {
    const list = fieldSummary({ type: 'object', properties: { hasOwnProperty: { title: 'Own' } } }, {});
    expect(list).toEqual([{ label: 'Own', items: [], list: false }]);
  });
});
