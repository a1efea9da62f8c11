import { DuplicateMemberError, JsonSyntaxError, parseStrictJson, readReceiptText } from '../../server/receipts/strict-json';
import { AppError } from '../../server/http/errors';
import { TRICKY_STRINGS, deeplyNested, randomJson, seededRandom, trickyObject } from '../fixtures/json-corpus';

describe('parseStrictJson', () => {
  it('when no member name repeats, then it reads exactly what JSON.parse reads (3,000 random documents and tricky ones)', () => {
    const rand = seededRandom(8259);
    const texts = [
      ...Array.from({ length: 3_000 }, () => JSON.stringify(randomJson(rand, 6))), JSON.stringify(trickyObject()),
      JSON.stringify(TRICKY_STRINGS), JSON.stringify(deeplyNested(200)), ' { "a" : [ 1 , -0 , 5E-7 , 1e400 , true , null ] , "\\u0062" : "\\ud83d\\ude00\\/" } ',
      '"\\ud800"', '0', '[]', '{}', '-1.5e-300',
    ];
    for (const text of texts) expect(parseStrictJson(text)).toStrictEqual(JSON.parse(text));
  });

  it('when "__proto__" is a member name, then it is an own member as with JSON.parse, not a prototype', () => {
    const value = parseStrictJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['{"a":1,"a":2}', '', 'a'], ['{"a":1,"\\u0061":2}', '', 'a'], ['{"x":{"k":[],"k":{}}}', 'x', 'k'],
    ['[{"ok":1},{"id":1,"i\\u0064":2}]', '[1]', 'id'], ['{"a":{"b":[[{"\\ud83d\\ude00":1,"😀":2}]]}}', 'a.b[0][0]', '😀'], ['{"":1,"":2}', '', ''],
  ])('when %s repeats a member name, then DuplicateMemberError names where (%s) and which (%s)', (text, where, member) => {
    expect(() => JSON.parse(text)).not.toThrow(); // JSON.parse would have taken the last one silently
    const err = (() => { try { parseStrictJson(text); } catch (e) { return e; } return undefined; })();
    expect(err).toBeInstanceOf(DuplicateMemberError);
    expect(err).toMatchObject({ path: where, member });
  });

  it.each(['', '{', '{"a":1,}', '[1,]', "{'a':1}", '[01]', '[NaN]', '["a\u0001"]', '"unterminated', '{"a" 1}', '[1] x', 'tru', '[.5]', '{"a":1}}'])(
    'when the text %j is not JSON, then JsonSyntaxError like JSON.parse refuses it', (text) => {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect(() => parseStrictJson(text)).toThrow(JsonSyntaxError);
    });

  it('when the text is nested 100,000 levels deep, then it is read without overflowing the stack', () => {
    const text = `${'{"a":['.repeat(100_000)}1${']}'.repeat(100_000)}`;
    let v = parseStrictJson(text) as { a: unknown[] };
    for (let i = 1; i < 100_000; i += 1) v = v.a[0] as { a: unknown[] };
    expect(v.a).toEqual([1]);
  });

  it('when a receipt text repeats a member, then readReceiptText answers 400 duplicate_json_key with the field', () => {
    const refusal = (() => { try { readReceiptText('{"payload":{"late":true,"late":false}}'); } catch (e) { return e; } return undefined; })() as AppError;
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ status: 400, code: 'duplicate_json_key', details: [{ field: 'payload.late', problem: 'duplicate' }] });
    expect(() => readReceiptText('{"payload":')).toThrow(expect.objectContaining({ status: 400, code: 'malformed_json' }));
  });
});
