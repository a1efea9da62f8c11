import { checkIndex, type Problem } from '../../server/exports/verify';

/** index.json's Bates and file checks on their own (verify.ts `checkIndex`); the archive-level cases are in exports-verify.test.ts. */
const item = (beg: number, end: number, extra: Record<string, unknown> = {}) => ({
  begBates: `DHS${String(beg).padStart(6, '0')}`, endBates: `DHS${String(end).padStart(6, '0')}`, pages: end - beg + 1,
  status: 'produced', producedPath: `p/${beg}.pdf`, sha256Produced: 'a'.repeat(64), ...extra,
});
const run = (items: unknown[], hashes: Record<string, string> = {}) => {
  const problems: Problem[] = [];
  const names = new Map<string, unknown>(items.flatMap((i) => ['producedPath', 'nativePath'].map((k) => (i as Record<string, unknown>)[k]).filter(Boolean).map((p) => [p as string, {}] as [string, unknown])));
  const n = checkIndex({ format: 'vrp-production/1', batesPrefix: 'DHS', items }, names, new Map(Object.entries(hashes)), problems);
  return { n, problems };
};

describe('checkIndex', () => {
  it('when ranges follow on in any order, then there is no problem', () => {
    expect(run([item(4, 4), item(1, 3), item(5, 9, { status: 'withheld', producedPath: null, sha256Produced: null })])).toEqual({ n: 3, problems: [] });
  });

  it('when a range is missing, then its first number is named; a gap of several numbers is named as a range', () => {
    expect(run([item(1, 3), item(5, 5)]).problems).toEqual([expect.objectContaining({ bates: 'DHS000004', message: expect.stringContaining('DHS000004 missing') })]);
    expect(run([item(1, 3), item(9, 9)]).problems[0]!.message).toContain('DHS000004-DHS000008 missing');
  });

  it('when ranges overlap or repeat, then the first doubled number is named', () => {
    expect(run([item(1, 3), item(3, 4)]).problems).toEqual([expect.objectContaining({ bates: 'DHS000003', message: expect.stringContaining('Bates overlap') })]);
    expect(run([item(1, 3), item(1, 3)]).problems).toEqual([expect.objectContaining({ bates: 'DHS000001' })]);
  });

  it('when a label has another prefix, too few digits, pages that disagree or an end before its start, then each is named', () => {
    const { problems } = run([item(1, 1), { ...item(2, 2), begBates: 'XYZ000002' }, { ...item(3, 3), endBates: 'DHS03' }, item(4, 5, { pages: 3 }), { ...item(7, 7), endBates: 'DHS000006' }]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('item 2: begBates/endBates "XYZ000002"'),
      expect.stringContaining('item 3: begBates/endBates'),
      expect.stringContaining('item 4: 3 pages but the range DHS000004-DHS000005 holds 2 numbers'),
      expect.stringContaining('item 5: endBates DHS000006 is before begBates DHS000007'),
      'Bates gap: DHS000002-DHS000003 missing (between index.json item 1 and index.json item 4)', // the unreadable ranges count as missing
    ]);
  });

  it('when a produced file hashes differently, a withheld item names a file, or a produced one names none, then each is named', () => {
    const { problems } = run([item(1, 1), item(2, 2, { status: 'withheld' }), item(3, 3, { producedPath: null }), item(4, 4, { status: 'shredded' })], { 'p/1.pdf': 'b'.repeat(64) });
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining(`item 1: the file's SHA-256 is ${'b'.repeat(64)}`),
      expect.stringContaining('item 2: withheld, yet it names a produced file'),
      expect.stringContaining('item 3: produced but no producedPath'),
      expect.stringContaining('item 4: status "shredded"'),
    ]);
  });
});
