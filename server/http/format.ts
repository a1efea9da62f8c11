/**
 * Sizes and times as every page shows them. Pure functions, so the templates stay free of logic
 * and the same value reads the same on every page.
 */

// Binary units, largest first: upload limits are set in them, so every size reads in them too.
const UNITS = [['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const;
type Unit = (typeof UNITS)[number][0];

/** The largest unit `n` reaches, no larger than `largest`; undefined below 1 KiB. */
const unitFor = (n: number, largest: Unit = 'TiB') =>
  UNITS.slice(UNITS.findIndex(([name]) => name === largest)).find(([, size]) => n >= size);

/**
 * "1.2 MiB" style size for tables; the exact byte count is shown beside it where it matters
 * (evidence tables, receipts).
 */
export function formatBytes(n: number): string {
  const unit = unitFor(n);
  if (!unit) return `${n} bytes`;
  const value = n / unit[1];
  return `${value.toFixed(value < 10 ? 1 : 0)} ${unit[0]}`;
}

/**
 * "100 MiB": a limit as the upload hint and its refusals (413) both state it, so they name the
 * same number; bytes below 1 MiB, else MiB with one decimal where it is not whole.
 */
export const limitBytes = (n: number): string =>
  (n < 2 ** 20 ? `${n} bytes` : `${(n / 2 ** 20).toFixed(n % 2 ** 20 === 0 ? 0 : 1)} MiB`);

/** "10 MiB (10,485,760 bytes)": the notice page's sizes and limits, in units up to GiB with the exact count. */
export function bytesWithExact(n: number): string {
  const exact = `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
  const unit = unitFor(n, 'GiB');
  return unit ? `${Number((n / unit[1]).toFixed(1))} ${unit[0]} (${exact})` : exact;
}

/** Exact byte count with thousands separators ("1,234 bytes"). */
export const exactBytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

/** "2026-11-28 14:05:09 UTC": one unambiguous clock for everything the portal records. */
export function formatUtc(at: Date | string | null | undefined): string {
  if (!at) return '';
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
