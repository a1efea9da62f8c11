import { memo } from '../../server/db/memo';

// The memo behind the queue cache and the planner estimates: one computation per key, version and
// TTL; refreshed ahead in the last quarter of an answer's life, never served past its TTL.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('memo', () => {
  const db = {};
  const counter = () => {
    let n = 0;
    return { compute: async () => { n += 1; return n; }, get calls() { return n; } };
  };

  it('when many ask at once, then one computation answers them all', async () => {
    const remember = memo<number>(1_000, 10);
    const c = counter();
    const answers = await Promise.all(Array.from({ length: 20 }, () => remember(db, 'k', c.compute)));
    expect(new Set(answers)).toEqual(new Set([1]));
    expect(c.calls).toBe(1);
  });

  it('when the version differs, then the answer is computed afresh', async () => {
    const remember = memo<number>(1_000, 10);
    const c = counter();
    expect(await remember(db, 'k', c.compute, 'head:1')).toBe(1);
    expect(await remember(db, 'k', c.compute, 'head:2')).toBe(2);
    expect(await remember(db, 'k', c.compute, 'head:2')).toBe(2);
  });

  it('when an answer is in the last quarter of its life, then it is still served and one refresh replaces it', async () => {
    const remember = memo<number>(400, 10);
    let calls = 0;
    const compute = () => new Promise<number>((resolve) => { calls += 1; const v = calls; setTimeout(() => resolve(v), 20); });
    expect(await remember(db, 'k', compute)).toBe(1);
    await sleep(320); // 80 ms left of 400: inside the last quarter
    expect(await remember(db, 'k', compute)).toBe(1); // served the kept answer at once...
    expect(await remember(db, 'k', compute)).toBe(1);
    expect(calls).toBe(2); // ...while exactly one refresh runs
    await sleep(30);
    expect(await remember(db, 'k', compute)).toBe(2);
  });

  it('when an answer is older than its TTL, then it is never served, refreshed or not', async () => {
    const remember = memo<number>(200, 10);
    let n = 0;
    const slow = () => new Promise<number>((resolve) => { n += 1; const v = n; setTimeout(() => resolve(v), v === 2 ? 1_000 : 0); });
    expect(await remember(db, 'k', slow)).toBe(1);
    await sleep(170);
    expect(await remember(db, 'k', slow)).toBe(1); // starts a refresh that takes a second
    await sleep(60); // past the TTL, the refresh still running
    expect(await remember(db, 'k', slow)).toBe(3);
  });

  it('when a refresh fails, then the kept answer stays until its TTL and the next request tries again', async () => {
    const remember = memo<number>(400, 10);
    let fail = false;
    let n = 0;
    const flaky = async () => { n += 1; if (fail) throw new Error('database away'); return n; };
    expect(await remember(db, 'k', flaky)).toBe(1);
    fail = true;
    await sleep(320);
    expect(await remember(db, 'k', flaky)).toBe(1); // the refresh (call 2) fails
    await sleep(0);
    fail = false;
    expect(await remember(db, 'k', flaky)).toBe(1); // still kept; this request refreshes again (call 3)
    await sleep(0);
    expect(await remember(db, 'k', flaky)).toBe(3);
  });

  it('when a computation fails, then the failure is not kept', async () => {
    const remember = memo<number>(1_000, 10);
    await expect(remember(db, 'k', async () => { throw new Error('no'); })).rejects.toThrow('no');
    await sleep(0);
    expect(await remember(db, 'k', async () => 7)).toBe(7);
  });

  describe('with a weight budget', () => {
    const weighed = () => {
      const calls: string[] = [];
      // The answer is the key's weight: "a:4" weighs 4.
      const compute = (key: string) => async () => { calls.push(key); return Number(key.split(':')[1]); };
      return { calls, compute };
    };

    it('when the kept answers weigh more than the budget, then the oldest are dropped first and computed again when asked', async () => {
      const remember = memo<number>(10_000, 10, { maxWeight: 10, weigh: (v) => v });
      const { calls, compute } = weighed();
      for (const key of ['a:4', 'b:4', 'c:4']) await remember(db, key, compute(key)); // 12 > 10: a goes
      for (const key of ['c:4', 'b:4', 'a:4']) await remember(db, key, compute(key)); // c, b kept; a again (now b goes)
      expect(calls).toEqual(['a:4', 'b:4', 'c:4', 'a:4']);
      await remember(db, 'c:4', compute('c:4'));
      await remember(db, 'b:4', compute('b:4'));
      expect(calls).toEqual(['a:4', 'b:4', 'c:4', 'a:4', 'b:4']);
    });

    it('when one answer weighs more than the whole budget, then those waiting get it and it is not kept', async () => {
      const remember = memo<number>(10_000, 10, { maxWeight: 10, weigh: (v) => v });
      const { calls, compute } = weighed();
      await remember(db, 'small:3', compute('small:3'));
      expect(await Promise.all([remember(db, 'big:11', compute('big:11')), remember(db, 'big:11', compute('big:11'))])).toEqual([11, 11]);
      expect(await remember(db, 'big:11', compute('big:11'))).toBe(11);
      await remember(db, 'small:3', compute('small:3'));
      expect(calls).toEqual(['small:3', 'big:11', 'big:11']); // the small one stayed; the big one was computed twice
    });

    it('when an answer is dropped or replaced, then its weight no longer counts', async () => {
      const remember = memo<number>(10_000, 2, { maxWeight: 10, weigh: (v) => v });
      const { calls, compute } = weighed();
      for (const key of ['a:5', 'b:5', 'c:5', 'd:5']) await remember(db, key, compute(key)); // at most 2 entries: a, b dropped by count
      await remember(db, 'c:5', compute('c:5'));
      await remember(db, 'd:5', compute('d:5'));
      await remember(db, 'd:5', compute('d:5'), 'v2'); // replaces d: 5 + 5 = 10 is within budget, c stays
      await remember(db, 'c:5', compute('c:5'));
      expect(calls).toEqual(['a:5', 'b:5', 'c:5', 'd:5', 'd:5']);
    });
  });
});

