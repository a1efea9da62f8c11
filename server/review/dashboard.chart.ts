/**
 * The filings-per-day bar chart as plain numbers for an SVG drawn by the template: no client
 * script, no inline style (the CSP forbids both), every bar with its own text for assistive
 * technology. Hand-written rather than a charting library: 30 bars need a max and a division.
 */

/** The drawing's size in SVG user units; the CSS scales it to the page. */
const WIDTH = 720;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 8, bottom: 40, left: 40 };

export interface ChartBar { x: number; y: number; width: number; height: number; label: string; date: string; count: number; tick: string | null }

/** A "nice" top for the y axis: at least 1, rounded up to 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((m) => m * power >= max)!;
  return step * power;
}

const plural = (n: number) => `${n} filing${n === 1 ? '' : 's'}`;

/** Bars, y-axis ticks and the totals the chart's title and description state. */
export function filingsChart(days: readonly { date: string; count: number }[]) {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const top = niceMax(Math.max(0, ...days.map((d) => d.count)));
  const slot = plotW / Math.max(1, days.length);
  const bars: ChartBar[] = days.map((d, i) => {
    const height = Math.round((d.count / top) * plotH * 10) / 10;
    return {
      x: Math.round((MARGIN.left + i * slot + slot * 0.15) * 10) / 10, width: Math.round(slot * 0.7 * 10) / 10,
      y: Math.round((MARGIN.top + plotH - height) * 10) / 10, height, date: d.date, count: d.count,
      label: `${d.date}: ${plural(d.count)}`,
      // A date under every fifth bar (and the last), so the labels never overlap.
      tick: i % 5 === 0 || i === days.length - 1 ? d.date.slice(5) : null,
    };
  });
  const ticks = [0, top / 2, top].filter((v, i, a) => Number.isInteger(v) && a.indexOf(v) === i)
    .map((v) => ({ value: v, y: Math.round((MARGIN.top + plotH - (v / top) * plotH) * 10) / 10 }));
  const total = days.reduce((n, d) => n + d.count, 0);
  const busiest = days.reduce<{ date: string; count: number } | null>((b, d) => (d.count > (b?.count ?? 0) ? d : b), null);
  return {
    width: WIDTH, height: HEIGHT, baseline: MARGIN.top + plotH, left: MARGIN.left, right: WIDTH - MARGIN.right,
    labelY: HEIGHT - MARGIN.bottom + 16, bars, ticks,
    summary: `${plural(total)} in the last ${days.length} day${days.length === 1 ? '' : 's'}${busiest ? `; the busiest day was ${busiest.date} with ${plural(busiest.count)}` : ''}.`,
    from: days[0]?.date ?? '', to: days[days.length - 1]?.date ?? '',
  };
}
