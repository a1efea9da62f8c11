import { PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts, rgb } from '@cantoo/pdf-lib';
import { batesLabel } from './bates-label';

/**
 * Bates stamping of produced PDFs (issue 10; docs/export-stamping.md).
 */

export interface StampOptions {
  /** The number of the first page; page i gets firstBates + i. */
  firstBates: number;
  prefix: string;
  /** Confidentiality legend, e.g. "CONFIDENTIAL — SUBJECT TO PROTECTIVE ORDER". */
  legend?: string;
}

export type PageCount = { kind: 'pdf'; pages: number } | { kind: 'slip'; reason: string };

const HEADER = Buffer.from('%PDF-');
const EOF = Buffer.from('%%EOF');

/** Why these bytes cannot be produced as a stamped PDF, or null when they might be. */
function structuralProblem(bytes: Uint8Array): string | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.subarray(0, 1024).indexOf(HEADER) < 0) return 'not a PDF: no %PDF- header at the start';
  if (b.subarray(Math.max(0, b.length - 1024)).indexOf(EOF) < 0) return 'truncated: no %%EOF marker at the end';
  return null;
}

async function load(bytes: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { password: '', updateMetadata: false, throwOnInvalidObject: false });
}

function describeLoadError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/password/i.test(message)) return 'encrypted: it opens only with a password';
  return `could not be parsed (${message.slice(0, 200)})`;
}

/**
 * Whether a document can be produced as a stamped PDF, and with how many pages; otherwise why it
 * gets a slip sheet. Anything that is not a readable PDF with at least one page is a slip.
 */
export async function pageCountOrSlip(bytes: Uint8Array): Promise<PageCount> {
  const problem = structuralProblem(bytes);
  if (problem) return { kind: 'slip', reason: problem };
  try {
    const doc = await load(bytes);
    const pages = doc.getPageCount();
    if (pages === 0) return { kind: 'slip', reason: 'the PDF has no pages' };
    return { kind: 'pdf', pages };
  } catch (err) {
    return { kind: 'slip', reason: describeLoadError(err) };
  }
}

const MARGIN = 18;
const SIZE = 9;

/**
 * A decrypted or rewritten file keeps no cross-reference stream and no encryption dictionary of
 * the original as plain objects: pdf-lib would write them out, and a later parse (pdf-lib's own)
 * would take the stale trailer in the old cross-reference stream for the file's.
 */
function dropStaleObjects(doc: PDFDocument): void {
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    const dict = obj instanceof PDFRawStream ? obj.dict : obj instanceof PDFDict ? obj : null;
    const type = dict?.get(PDFName.of('Type'));
    if (type === PDFName.of('XRef') || (dict && dict.has(PDFName.of('Filter')) && dict.has(PDFName.of('O')) && dict.has(PDFName.of('U')))) {
      doc.context.delete(ref);
    }
  }
}

/** Every page gets its Bates number bottom right and, when given, the legend bottom left. */
export async function stampPdf(bytes: Uint8Array, opts: StampOptions): Promise<Uint8Array> {
  const problem = structuralProblem(bytes);
  if (problem) throw new Error(`cannot stamp: ${problem}`);
  const doc = await load(bytes);
  if (doc.getPageCount() === 0) throw new Error('cannot stamp: the PDF has no pages');
  dropStaleObjects(doc);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  doc.getPages().forEach((page, i) => {
    const { x, y, width } = page.getCropBox();
    const label = batesLabel(opts.prefix, opts.firstBates + i);
    page.drawText(label, { x: x + width - MARGIN - font.widthOfTextAtSize(label, SIZE), y: y + MARGIN, size: SIZE, font, color: rgb(0, 0, 0) });
    if (opts.legend) page.drawText(opts.legend, { x: x + MARGIN, y: y + MARGIN, size: SIZE, font: bold, color: rgb(0, 0, 0) });
  });
  return doc.save({ useObjectStreams: false });
}
