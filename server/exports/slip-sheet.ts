import type { StandardFontEmbedder } from '@cantoo/pdf-lib';
import { stampContent, storedZlib, textWidth } from './pdf-incremental';
import { BOLD, OBLIQUE, REGULAR, fmt, hex, pdfDate, textString, wrap } from './pdf-layout';
import { winAnsiSafe } from './win-ansi';

/**
 * The one-page slip sheet that stands in a production for a document that is not produced as a
 * stamped PDF (a non-PDF, or a PDF that cannot be read): Bates-stamped like a page (the same
 * stamp as pdf-incremental.ts puts on produced pages), it says what the document is, why it is
 * produced natively and where the native file is.
 *
 * Written directly (a dozen objects, standard fonts, no layout engine): a record of 10,000
 * images means 10,000 slip sheets, and pdfkit takes about 5.6 ms each where this takes a small
 * fraction of a millisecond (docs/export-stamping.md). Tagged PDF: a structure tree (Document >
 * P/H1, one marked-content sequence each, in reading order), /Lang, the title shown; the stamp
 * is a pagination artifact. Deterministic: the same options give the same bytes (fixed date), so
 * a later export produces a slip sheet with the same SHA-256.
 */
export interface SlipSheetOptions {
  /** The Bates label of the slip sheet (or `FIRST - LAST` when a stored range is longer). */
  bates: string;
  title: string;
  /** The vendor's name for the file: data, any characters. */
  documentName: string;
  mediaType: string;
  /** SHA-256 of the original (native) file. */
  sha256: string;
  /** Why it is slip-sheeted, e.g. "Produced natively: image/png is not a PDF". */
  reason: string;
  /** Confidentiality legend for confidential material. */
  legend?: string;
  /** Where the native file is inside the production. */
  nativePath?: string;
  /** CreationDate of the sheet; a fixed date unless given. */
  date?: Date;
}

const FONTS = new Map([[REGULAR, 'F1'], [BOLD, 'F2'], [OBLIQUE, 'F3']]);

const PAGE_W = 612;
const PAGE_H = 792;
const MARGIN = 72;
const WIDTH = PAGE_W - 2 * MARGIN;
const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));


/** The fixed texts (heading, note) are laid out once; vendors' values each time. */
const layoutCache = new Map<string, string[]>();
function wrapCached(text: string, font: StandardFontEmbedder, size: number, first: number): string[] {
  if (text.length < 60) return wrap(text, font, size, WIDTH, first);
  const key = `${FONTS.get(font)}|${size}|${first}|${text}`;
  let lines = layoutCache.get(key);
  if (!lines) {
    lines = wrap(text, font, size, WIDTH, first);
    if (layoutCache.size < 64) layoutCache.set(key, lines);
  }
  return lines;
}

interface Block { tag: 'P' | 'H1'; ops: string }

export function slipSheet(opts: SlipSheetOptions): Promise<Buffer> {
  return Promise.resolve(slipSheetSync(opts));
}

export function slipSheetSync(opts: SlipSheetOptions): Buffer {
  const blocks: Block[] = [];
  let y = PAGE_H - MARGIN;
  /** A paragraph: optional bold label then text, wrapped, as one marked-content sequence. */
  const para = (tag: Block['tag'], font: StandardFontEmbedder, size: number, text: string, label?: string, gapAfter = 0.5) => {
    const lead = size * 1.25;
    const labelText = label ? `${label}: ` : '';
    const labelWidth = label ? textWidth(BOLD, labelText, size) : 0;
    const lines = wrapCached(winAnsiSafe(text), font, size, labelWidth);
    const ops: string[] = [];
    lines.forEach((line, i) => {
      y -= lead;
      if (i === 0 && label) ops.push(`BT /F2 ${fmt(size)} Tf ${MARGIN} ${fmt(y)} Td ${hex(labelText)} Tj ET`);
      ops.push(`BT /${FONTS.get(font)} ${fmt(size)} Tf ${fmt(MARGIN + (i === 0 ? labelWidth : 0))} ${fmt(y)} Td ${hex(line)} Tj ET`);
    });
    y -= lead * gapAfter;
    blocks.push({ tag, ops: ops.join('\n') });
  };

  if (opts.legend) para('P', BOLD, 12, opts.legend, undefined, 0.8);
  para('H1', BOLD, 20, 'Slip sheet: document produced natively', undefined, 0.6);
  para('P', REGULAR, 11, opts.bates, 'Bates number');
  para('P', REGULAR, 11, opts.title, 'Title');
  para('P', REGULAR, 11, opts.documentName, 'Document name');
  para('P', REGULAR, 11, opts.mediaType, 'Media type');
  para('P', REGULAR, 11, opts.sha256, 'SHA-256 of the native file');
  para('P', REGULAR, 11, opts.reason, 'Reason');
  if (opts.nativePath) para('P', REGULAR, 11, opts.nativePath, 'Native file');
  y -= 6;
  para('P', OBLIQUE, 10, 'This page stands in for the document in the Bates sequence. The document itself is produced natively, '
    + 'unchanged, beside this sheet; its SHA-256 above can be checked with sha256sum. Characters the standard PDF fonts cannot show are '
    + 'written as <U+XXXX>; index.csv and index.json carry the name exactly.');

  const body = blocks.map((b, i) => `/${b.tag} <</MCID ${i}>> BDC\n0 g\n${b.ops}\nEMC`).join('\n');
  // The stamp restores the state the body began with (its leading Q closes this q), as on a produced page.
  const content = `q\n${body}\n${stampContent({ box: [0, 0, PAGE_W, PAGE_H], rotate: 0 }, winAnsiSafe(opts.bates), opts.legend, { regular: 'F1', bold: 'F2' })}`;
  return writePdf(blocks, Buffer.from(content, 'latin1'), opts);
}


function writePdf(blocks: Block[], content: Buffer, opts: SlipSheetOptions): Buffer {
  const data = storedZlib(content);
  const firstElem = 11;
  const elems = blocks.map((_, i) => `${firstElem + i} 0 R`).join(' ');
  const date = pdfDate(opts.date ?? FIXED_DATE);
  const info = firstElem + blocks.length;
  const objects: (string | Buffer)[] = [
    `<< /Type /Catalog /Pages 2 0 R /MarkInfo << /Marked true >> /StructTreeRoot 8 0 R /Lang (en-US) /ViewerPreferences << /DisplayDocTitle true >> >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 4 0 R /F2 5 0 R /F3 6 0 R >> >> /Contents 7 0 R /StructParents 0 /Tabs /S >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Oblique /Encoding /WinAnsiEncoding >>',
    Buffer.concat([Buffer.from(`<< /Length ${data.length} /Filter /FlateDecode >>\nstream\n`), data, Buffer.from('\nendstream')]),
    '<< /Type /StructTreeRoot /K [9 0 R] /ParentTree 10 0 R /ParentTreeNextKey 1 >>',
    `<< /Type /StructElem /S /Document /P 8 0 R /K [${elems}] >>`,
    `<< /Nums [0 [${elems}]] >>`,
    ...blocks.map((b, i) => `<< /Type /StructElem /S /${b.tag} /P 9 0 R /Pg 3 0 R /K ${i} >>`),
    `<< /Title ${textString(`Slip sheet ${opts.bates}`)} /Producer (Vendor Response Portal) /Creator (Vendor Response Portal) /CreationDate ${date} /ModDate ${date} >>`,
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const part = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), typeof body === 'string' ? Buffer.from(body, 'latin1') : body, Buffer.from('\nendobj\n')]);
    parts.push(part);
    offset += part.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${info} 0 R >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

