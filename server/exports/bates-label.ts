/** Bates labels: `<prefix><6 digits>` (EXPORT.md). No database here: the stamper needs them too. */

/** Digits after the prefix. A proceeding's numbers stop at 999999 rather than grow a seventh digit. */
export const BATES_DIGITS = 6;
export const BATES_MAX = 10 ** BATES_DIGITS - 1;
/** What the database accepts as a prefix: capital letters and digits, never a hyphen (not a tracking number). */
export const BATES_PREFIX = /^[A-Z0-9]{2,48}$/;

/** `DHS20170037` + 1 -> `DHS20170037000001`. */
export function batesLabel(prefix: string, n: number): string {
  if (!BATES_PREFIX.test(prefix)) throw new Error(`not a Bates prefix: ${JSON.stringify(prefix)}`);
  if (!Number.isSafeInteger(n) || n < 1 || n > BATES_MAX) throw new Error(`Bates number out of range: ${n}`);
  return `${prefix}${String(n).padStart(BATES_DIGITS, '0')}`;
}

/** The label's number, or null when the label is not `<prefix><6 digits>` of this prefix. */
export function batesNumber(prefix: string, label: string): number | null {
  if (!label.startsWith(prefix)) return null;
  const digits = label.slice(prefix.length);
  return /^[0-9]{6}$/.test(digits) && digits !== '000000' ? Number(digits) : null;
}

/** The default prefix: the docket's letters and digits (DHS-2017-0037 -> DHS20170037). */
export function defaultBatesPrefix(docket: string): string {
  return docket.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
