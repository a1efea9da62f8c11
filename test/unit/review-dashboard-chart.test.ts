import { filingsChart, niceMax } from '../../server/review/dashboard.chart';
import { chartDays } from '../../server/review/dashboard.service';

describe('the filings chart', () => {
  it('when the busiest day has n filings, then the axis tops at the next 1, 2 or 5 times a power of ten (1 for none)', () => {
    expect([0, 1, 2, 3, 7, 10, 11, 40, 51].map(niceMax)).toEqual([1, 1, 2, 5, 10, 10, 20, 50, 100]);
  });

  it('when days have filings, then bars are proportional, share one baseline, and each names its day and count', () => {
    const chart = filingsChart([{ date: '2026-11-30', count: 0 }, { date: '2026-12-01', count: 5 }, { date: '2026-12-02', count: 10 }]);
    const [none, half, full] = chart.bars;
    expect(none!.height).toBe(0);
    expect(full!.height).toBeCloseTo(half!.height * 2, 0);
    for (const b of chart.bars) expect(b.y + b.height).toBeCloseTo(chart.baseline, 0);
    expect(chart.bars.map((b) => b.label)).toEqual(['2026-11-30: 0 filings', '2026-12-01: 5 filings', '2026-12-02: 10 filings']);
    expect(chart.summary).toBe('15 filings in the last 3 days; the busiest day was 2026-12-02 with 10 filings.');
    expect(chart.ticks.map((t) => t.value)).toEqual([0, 5, 10]);
  });

  it('when no day has a filing, then the summary says so without a busiest day', () => {
    expect(filingsChart([{ date: '2026-12-01', count: 0 }]).summary).toBe('0 filings in the last 1 day.');
  });

  it('when the 30 days cross a month end, then they are consecutive UTC dates ending today', () => {
    const days = chartDays(new Date('2026-03-02T23:30:00-05:00'));
    expect(days).toHaveLength(30);
    expect(days[29]).toBe('2026-03-03');
    expect(days[0]).toBe('2026-02-02');
    expect(days).toContain('2026-02-28');
    expect(days).not.toContain('2026-02-29');
  });
});
