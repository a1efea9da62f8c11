/**
 * Sizes and times as every page shows them. Pure functions, so the templates stay free of logic
 * and the same value reads the same on every page.
 */

/**
 * "1.2 MiB" style size, in the binary units the upload limits and their refusals use; the exact
 * byte count is shown beside it where it matters (evidence tables, receipts).
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Exact byte count with thousands separators ("1,234 bytes"). */
export const exactBytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

/** "2026-11-28 14:05:09 UTC": one unambiguous clock for everything the portal records. */
export function formatUtc(at: Date | string | null | undefined): string {
  if (!at) return '';
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
