import type { IndexItem } from './index-files';

/**
 * The e-discovery load files (issue 10; docs/export-stamping.md "Load files"): what review
 * platforms (Concordance, Relativity and the like) import to put the production in their database.
 * Only what is produced is in them: a withheld item is in index.csv/index.json, not here.
 *
 * loadfiles/record.dat, Concordance DAT: UTF-8 with a byte-order mark (the platforms detect the
 * encoding by it), CRLF rows, a header row, every field between þ (U+00FE) and separated by
 * ASCII 20 (U+0014). A value cannot hold those as such, so: a line break in a value (CRLF, CR,
 * LF, U+2028, U+2029) becomes ® (U+00AE, Concordance's newline stand-in); a þ is doubled (þþ,
 * as a CSV quote is); ASCII 20 and the other control characters become a space. index.json has
 * every value exactly.
 *
 * loadfiles/record.opt, Opticon page cross-reference: ASCII, CRLF, one line per page,
 * `BATES,VOLUME,IMAGEPATH,DOCBREAK,FOLDERBREAK,BOXBREAK,PAGECOUNT`: the document's first page has
 * `Y` and its page count, the others leave both empty. Every page of a PDF names the same
 * (multi-page) PDF file; a slip sheet is the one page of its item. Paths are relative to the
 * archive root, with forward slashes.
 */

export const DAT_QUOTE = '\u00fe';
export const DAT_SEPARATOR = '\u0014';
export const DAT_NEWLINE = '\u00ae';
const BOM = '\uFEFF';

export const DAT_FIELDS = ['BEGBATES', 'ENDBATES', 'TRACKING', 'CUSTODIAN', 'DATEFILED', 'TITLE', 'FILENAME', 'SHA256',
  'CONFIDENTIALITY', 'NATIVEPATH', 'TEXTPATH'] as const;

/** One DAT value: line breaks to ®, þ doubled, control characters (ASCII 20 among them) to a space. */
export function datValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value)
    .replace(/\r\n|[\r\n\u2028\u2029]/g, DAT_NEWLINE)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\u00fe/g, DAT_QUOTE + DAT_QUOTE);
}

const datLine = (values: readonly (string | number | null | undefined)[]): string =>
  `${values.map((v) => DAT_QUOTE + datValue(v) + DAT_QUOTE).join(DAT_SEPARATOR)}\r\n`;

/** The DAT row of an item (the produced file's SHA-256; the native path when produced natively). */
const datRow = (i: IndexItem) => [
  i.begBates, i.endBates, i.trackingNumber, i.organization, i.filedAt, i.title, i.documentName, i.sha256Produced,
  i.confidentiality, i.nativePath, i.textPath,
];

export function* datChunks(items: Iterable<IndexItem>): Generator<string> {
  yield BOM + datLine(DAT_FIELDS);
  for (const item of items) if (item.status !== 'withheld') yield datLine(datRow(item));
}

/** loadfiles/record.dat. */
export const datFile = (items: Iterable<IndexItem>): string => [...datChunks(items)].join('');

/** An OPT field has no quoting: a comma or line break in one is a bug upstream, never written. */
function optField(value: string, what: string): string {
  if (/[,\r\n]/.test(value)) throw new Error(`an Opticon ${what} cannot hold a comma or line break: ${JSON.stringify(value)}`);
  return value;
}

export function* optChunks(items: Iterable<IndexItem>, opts: { volume?: string } = {}): Generator<string> {
  const volume = optField(opts.volume ?? 'VOL001', 'volume');
  for (const item of items) {
    if (item.status === 'withheld') continue;
    if (!item.producedPath) throw new Error(`item ${item.begBates} is ${item.status} but has no produced path`);
    const image = optField(item.producedPath, 'image path');
    const prefix = item.begBates.slice(0, -6);
    const first = Number(item.begBates.slice(-6));
    const label = (n: number) => `${prefix}${String(n).padStart(6, '0')}`;
    if (!/^[0-9]{6}$/.test(item.begBates.slice(-6)) || item.pages < 1 || label(first + item.pages - 1) !== item.endBates) {
      throw new Error(`item ${item.begBates}-${item.endBates}: ${item.pages} pages do not fit the range`);
    }
    const bates = optField(item.begBates, 'Bates number');
    yield `${bates},${volume},${image},Y,,,${item.pages}\r\n`;
    for (let p = 1; p < item.pages; p += 1) yield `${label(first + p)},${volume},${image},,,,\r\n`;
  }
}

/** loadfiles/record.opt. */
export const optFile = (items: Iterable<IndexItem>, opts: { volume?: string } = {}): string => [...optChunks(items, opts)].join('');
