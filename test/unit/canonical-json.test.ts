import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../../server/audit/canonical-json';
import { TRICKY_KEYS, TRICKY_NUMBERS, TRICKY_STRINGS, deeplyNested, randomDouble, randomJson, seededRandom, trickyObject } from '../fixtures/json-corpus';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'docs', 'verify_audit.py');
const dir = mkdtempSync(path.join(tmpdir(), 'vrp-jcs-'));

/** docs/verify_audit.py's canonical form of each JSON text (one a line), as its output lines. */
function pythonCanonical(texts: string[]): string[] {
  const file = path.join(dir, 'values.jsonl');
  writeFileSync(file, `${texts.join('\n')}\n`);
  const run = spawnSync('python3', [SCRIPT, 'canonical', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return run.stdout.split('\n').slice(0, -1);
}

/** The `canonicalize` package (RFC 8785, iterative; ESM, so run in a child node) over JSON texts. */
function packageCanonical(texts: string[]): string[] {
  const file = path.join(dir, 'package.jsonl');
  writeFileSync(file, texts.join('\n'));
  const program = `import canonicalize from 'canonicalize'; import { readFileSync } from 'node:fs';
    const out = readFileSync(${JSON.stringify(file)}, 'utf8').split('\\n').map((l) => canonicalize(JSON.parse(l)));
    process.stdout.write(JSON.stringify(out));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as string[];
}

const rand = seededRandom(8785);
/** The corpus: fixed tricky values, 3,000 random documents and 20,000 random doubles (as JSON texts). */
const corpus: string[] = [
  ...TRICKY_NUMBERS.map((n) => JSON.stringify({ n })),
  ...TRICKY_STRINGS.map((s) => JSON.stringify({ s, [s]: s })),
  JSON.stringify(trickyObject()),
  JSON.stringify(deeplyNested(60)),
  ...Array.from({ length: 3_000 }, () => JSON.stringify(randomJson(rand))),
  JSON.stringify(Array.from({ length: 20_000 }, () => randomDouble(rand))),
];

describe('canonicalJson against RFC 8785', () => {
  it('when given the RFC 8785 examples, then the output is the one the RFC prints', () => {
    const input = '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}';
    const expected = '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
    expect(pythonCanonical([input])).toEqual([expected]);
    const sorting = '{"\\u20ac":1,"\\r":2,"\\ufb33":3,"1":4,"\\ud83d\\ude00":5,"\\u0080":6,"\\u00f6":7}';
    expect(canonicalJson(JSON.parse(sorting))).toBe('{"\\r":2,"1":4,"\u0080":6,"ö":7,"€":1,"😀":5,"דּ":3}');
    expect(pythonCanonical([sorting])).toEqual([canonicalJson(JSON.parse(sorting))]);
  });

  it('when given the RFC 8785 number samples (IEEE 754 bits), then each prints as the RFC says', () => {
    const samples: Array<[string, string]> = [
      ['0000000000000000', '0'], ['8000000000000000', '0'], ['0000000000000001', '5e-324'], ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'], ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'], ['c340000000000000', '-9007199254740992'], ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'], ['44b52d02c7e14af6', '1e+23'], ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'], ['444b1ae4d6e2ef4f', '999999999999999900000'], ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'], ['3eb0c6f7a0b5ed8d', '0.000001'], ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'], ['41b3de4355555555', '333333333.3333333'], ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'], ['becbf647612f3696', '-0.0000033333333333333333'], ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    const values = samples.map(([bits]) => Buffer.from(bits, 'hex').readDoubleBE(0));
    expect(values.map((v) => canonicalJson(v))).toEqual(samples.map(([, text]) => text));
    expect(pythonCanonical(values.map((v) => JSON.stringify(v)))).toEqual(samples.map(([, text]) => text));
  });

  it('when the corpus is canonicalised, then ours, the canonicalize package and docs/verify_audit.py agree byte for byte', () => {
    const ours = corpus.map((text) => canonicalJson(JSON.parse(text)));
    expect(packageCanonical(corpus)).toEqual(ours);
    expect(pythonCanonical(corpus)).toEqual(ours);
  });

  it('when the same values are spelled differently (exponents, -0, escapes, spaces), then all three print one form', () => {
    const spellings = [
      '{"n": 5E-7, "m": 0.0000005, "k": 50e-8}', '[1E+21, 1000000000000000000000, 1e21, 10e20]', '[-0, -0.0, 0e5, -0E-5]',
      '[1.50, 1.5e0, 15E-1]', '[123456789012345678901234567890, 1.2345678901234568e29]', '{"\\u0061": "\\u2028\\u007F\\u00e9\\ud83d\\ude00"}',
      '{ "b" : [ 1 , { "\\ue000" : 1, "\\ud83d\\ude00" : 2 } ] , "a" : "\\/" }', '[1.5e300, 15e299, 0.15e301]',
    ];
    const ours = spellings.map((text) => canonicalJson(JSON.parse(text)));
    expect(ours.slice(0, 4)).toEqual(['{"k":5e-7,"m":5e-7,"n":5e-7}', '[1e+21,1e+21,1e+21,1e+21]', '[0,0,0,0]', '[1.5,1.5,1.5]']);
    expect(packageCanonical(spellings)).toEqual(ours);
    expect(pythonCanonical(spellings)).toEqual(ours);
  });

  it('when data is nested 10,000 and 100,000 levels deep, then nothing overflows and all three agree', () => {
    const texts = [10_000, 100_000].map((n) => `${'[{"k":'.repeat(n)}5e-7${'}]'.repeat(n)}`);
    const expected = [10_000, 100_000].map((n) => `${'[{"k":'.repeat(n)}5e-7${'}]'.repeat(n)}`);
    expect(texts.map((text) => canonicalJson(JSON.parse(text)))).toEqual(expected);
    expect(packageCanonical(texts)).toEqual(expected);
    expect(pythonCanonical(texts)).toEqual(expected);
    expect(canonicalJson(deeplyNested(50_000))).toContain('"n":5e-7');
  });

  it('when a value has no RFC 8785 form (lone surrogate, NaN, Infinity, BigInt, a cycle), then both sides refuse it', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = { cycle };
    for (const bad of [{ s: '\ud800' }, { s: 'x\udc00' }, [NaN], { n: Infinity }, { n: 1n }, cycle]) {
      expect(() => canonicalJson(bad)).toThrow(TypeError);
    }
    const refused = pythonCanonical(['"\\ud800"', '{"\\udc00x": 1}', '1e400', '[-1e400]']);
    expect(refused).toEqual([1, 2, 3, 4].map((line) => expect.stringMatching(new RegExp(`^ERROR line ${line}: `))));
    expect(refused.slice(0, 2).join()).toMatch(/lone UTF-16 surrogate.*lone UTF-16 surrogate/);
  });

  it('when members are undefined, functions or have toJSON, then the output is what JSON.stringify would give', () => {
    const value = { a: undefined, b: () => 1, c: [undefined, () => 1], d: new Date(0), e: { toJSON: () => ({ z: 1, y: 2 }) }, f: Object(5) };
    expect(canonicalJson(value)).toBe('{"c":[null,null],"d":"1970-01-01T00:00:00.000Z","e":{"y":2,"z":1},"f":5}');
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
  });

  it('when every tricky key is in one object, then members sort by UTF-16 code units, not code points', () => {
    const keys = JSON.parse(`[${canonicalJson(trickyObject()).slice(1, -1).split(',').map((m) => m.slice(0, m.lastIndexOf(':'))).join(',')}]`) as string[];
    expect(keys).toEqual([...TRICKY_KEYS].sort());
    expect(keys.indexOf('\ud83d\ude00')).toBeLessThan(keys.indexOf('\ue000'));
  });
});
