/**
 * The one CSV writer of the production (index.csv, withheld-log.csv, dispositions.csv): RFC 4180
 * (CRLF rows, fields quoted when they hold a comma, quote, CR or LF, or start or end with white
 * space; quotes doubled), UTF-8 with a byte-order mark so spreadsheet programs read names right.
 *
 * Formula injection (SECURITY.md): a text cell whose first character, after any leading white
 * space, is `=`, `+`, `-`, `@`, tab, CR or LF (or the full-width ＝ ＋ － ＠ that some spreadsheets
 * also take as formulas) gets a leading apostrophe, which spreadsheets show as text and which
 * keeps the cell from ever being evaluated. csv-stringify's `escape_formulas` misses the cell
 * that starts with spaces (STACK.md), hence this writer. Numbers and booleans are written as
 * such and never neutralised (a number is not a formula); dates as ISO 8601 UTC; null as empty.
 */
export type CsvValue = string | number | boolean | Date | null | undefined;

export const CSV_BOM = '\uFEFF';
const TRIGGER = /^[\s\u00a0\u2000-\u200b\u3000\ufeff]*[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Whether a text would be taken as a formula by a spreadsheet (and so gets an apostrophe). */
export const looksLikeFormula = (text: string): boolean => TRIGGER.test(text);

/** One cell, neutralised and quoted as needed. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = value instanceof Date ? value.toISOString() : value;
  if (looksLikeFormula(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row, CRLF-terminated. */
export const csvRow = (values: readonly CsvValue[]): string => `${values.map(csvCell).join(',')}\r\n`;

/** A whole file: BOM, header row, then a row per record (columns in the header's order). */
export function* csvChunks<T>(columns: readonly { header: string; value: (row: T) => CsvValue }[], rows: Iterable<T>): Generator<string> {
  yield CSV_BOM + csvRow(columns.map((c) => c.header));
  for (const row of rows) yield csvRow(columns.map((c) => c.value(row)));
}

export const csvText = <T>(columns: readonly { header: string; value: (row: T) => CsvValue }[], rows: Iterable<T>): string =>
  [...csvChunks(columns, rows)].join('');
