import { PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts, degrees, rgb } from '@cantoo/pdf-lib';
import { batesLabel } from './bates-label';
import { PdfRefused } from './pdf-objects';
import { STAMP_MARGIN, STAMP_SIZE, incrementalTail, planIncremental, type IncrementalPlan } from './pdf-incremental';
import { winAnsiSafe } from './win-ansi';

/**
 * Bates stamping of produced PDFs (issue 10; docs/export-stamping.md). Every page gets its Bates
 * number bottom right and, for confidential material, the legend bottom left (top left when the
 * page is too narrow), upright as the page is shown.
 *
 * Two ways, the same result for the reader:
 * - incremental (pdf-incremental.ts): the original bytes untouched plus an appended update; cost
 *   per page, not per byte, so a 30 MiB scan costs what a 30-page memo does. Used whenever the
 *   file's structure can be read that way (any unencrypted PDF with a sound cross-reference).
 * - rewrite (pdf-lib load + save): for encrypted files that open without a password (owner
 *   password only: the output is decrypted, since the stamp could not be added otherwise) and
 *   for damaged cross-references that pdf-lib recovers from.
 * `pageCountOrSlip` takes the same way as the stamping will, so the page count it gives is the
 * count the stamped file has. What neither way can read is a slip sheet, with the reason.
 */

export interface StampOptions {
  /** The number of the first page; page i gets firstBates + i. */
  firstBates: number;
  prefix: string;
  /** Confidentiality legend, e.g. "CONFIDENTIAL — SUBJECT TO PROTECTIVE ORDER". */
  legend?: string;
}

export type PageCount = { kind: 'pdf'; pages: number } | { kind: 'slip'; reason: string };

/** The stamped file as the original followed by the appended update (tail empty when rewritten). */
export interface StampedParts {
  head: Uint8Array;
  tail: Uint8Array;
  /** How it was stamped. */
  method: 'incremental' | 'rewrite';
  pages: number;
}

const HEADER = Buffer.from('%PDF-');
const EOF = Buffer.from('%%EOF');
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Why these bytes cannot be produced as a stamped PDF, or null when they might be. */
function structuralProblem(bytes: Uint8Array): string | null {
  const b = asBuffer(bytes);
  if (b.subarray(0, 1024).indexOf(HEADER) < 0) return 'not a PDF: no %PDF- header at the start';
  if (b.subarray(Math.max(0, b.length - 1024)).indexOf(EOF) < 0) return 'truncated: no %%EOF marker at the end';
  return null;
}

/**
 * The incremental plan, or null when this file needs the rewrite. Remembered per buffer (weakly),
 * so `pageCountOrSlip(bytes)` then `stampPdf(bytes, ...)` on the same buffer read it once; the
 * buffer must not change in between.
 */
const plans = new WeakMap<Uint8Array, IncrementalPlan | null>();
function tryPlan(bytes: Uint8Array): IncrementalPlan | null {
  if (plans.has(bytes)) return plans.get(bytes)!;
  let plan: IncrementalPlan | null;
  try {
    plan = planIncremental(bytes);
  } catch (err) {
    // A file this reader refuses is a slip; anything else it cannot read (PdfUnsupported, or any
    // surprise from hostile bytes) goes to pdf-lib's more forgiving parser.
    if (err instanceof PdfRefused) throw err;
    plan = null;
  }
  plans.set(bytes, plan);
  return plan;
}

async function load(bytes: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { password: '', updateMetadata: false, throwOnInvalidObject: false });
}

function describeLoadError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/password/i.test(message)) return 'encrypted: it opens only with a password';
  return `the PDF could not be read (${message.slice(0, 200)})`;
}

/**
 * Whether a document can be produced as a stamped PDF, and with how many pages; otherwise why it
 * gets a slip sheet. Anything that is not a readable PDF with at least one page is a slip.
 */
export async function pageCountOrSlip(bytes: Uint8Array): Promise<PageCount> {
  const problem = structuralProblem(bytes);
  if (problem) return { kind: 'slip', reason: problem };
  let plan: IncrementalPlan | null;
  try {
    plan = tryPlan(bytes);
  } catch (err) {
    if (err instanceof PdfRefused) return { kind: 'slip', reason: err.message };
    throw err;
  }
  if (plan) return plan.pages.length === 0 ? { kind: 'slip', reason: 'the PDF has no pages' } : { kind: 'pdf', pages: plan.pages.length };
  try {
    const doc = await load(bytes);
    const pages = doc.getPageCount();
    if (pages === 0) return { kind: 'slip', reason: 'the PDF has no pages' };
    return { kind: 'pdf', pages };
  } catch (err) {
    return { kind: 'slip', reason: describeLoadError(err) };
  }
}

/**
 * The stamped file as parts: stream `head` then `tail` (the SHA-256 of the produced file is over
 * both). `head` is the caller's own `bytes` when stamped incrementally.
 */
export async function stampPdfIncremental(bytes: Uint8Array, opts: StampOptions): Promise<StampedParts> {
  const problem = structuralProblem(bytes);
  if (problem) throw new Error(`cannot stamp: ${problem}`);
  const plan = tryPlan(bytes);
  if (plan) {
    if (plan.pages.length === 0) throw new Error('cannot stamp: the PDF has no pages');
    const last = bytes[bytes.length - 1];
    const tail = incrementalTail(plan, opts, bytes.length, last === 0x0a || last === 0x0d);
    return { head: bytes, tail, method: 'incremental', pages: plan.pages.length };
  }
  const rewritten = await rewrite(bytes, opts);
  return { head: rewritten.bytes, tail: new Uint8Array(0), method: 'rewrite', pages: rewritten.pages };
}

/** The stamped file in one buffer. */
export async function stampPdf(bytes: Uint8Array, opts: StampOptions): Promise<Uint8Array> {
  const { head, tail } = await stampPdfIncremental(bytes, opts);
  return tail.length === 0 ? head : Buffer.concat([head, tail]);
}

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

/** The rewrite: pdf-lib loads (decrypting with the empty password), draws the stamp, saves. */
async function rewrite(bytes: Uint8Array, opts: StampOptions): Promise<{ bytes: Uint8Array; pages: number }> {
  const doc = await load(bytes);
  if (doc.getPageCount() === 0) throw new Error('cannot stamp: the PDF has no pages');
  dropStaleObjects(doc);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const legend = opts.legend ? winAnsiSafe(opts.legend) : undefined;
  doc.getPages().forEach((page, i) => {
    const { x, y, width, height } = page.getCropBox();
    const rotation = ((page.getRotation().angle % 360) + 360) % 360;
    const label = batesLabel(opts.prefix, opts.firstBates + i);
    // Upright as shown: place in the rotated frame, as pdf-incremental.ts does.
    const frame = rotation === 90 ? { ox: x + width, oy: y, w: height, h: width }
      : rotation === 180 ? { ox: x + width, oy: y + height, w: width, h: height }
        : rotation === 270 ? { ox: x, oy: y + height, w: height, h: width }
          : { ox: x, oy: y, w: width, h: height };
    const at = (u: number, v: number) => {
      switch (rotation) {
        case 90: return { x: frame.ox - v, y: frame.oy + u };
        case 180: return { x: frame.ox - u, y: frame.oy - v };
        case 270: return { x: frame.ox + v, y: frame.oy - u };
        default: return { x: frame.ox + u, y: frame.oy + v };
      }
    };
    const rotate = degrees(rotation);
    const labelAt = at(frame.w - STAMP_MARGIN - font.widthOfTextAtSize(label, STAMP_SIZE), STAMP_MARGIN);
    page.drawText(label, { ...labelAt, size: STAMP_SIZE, font, color: rgb(0, 0, 0), rotate });
    if (legend) {
      const beside = STAMP_MARGIN + bold.widthOfTextAtSize(legend, STAMP_SIZE) + 12 < frame.w - STAMP_MARGIN - font.widthOfTextAtSize(label, STAMP_SIZE);
      page.drawText(legend, { ...at(STAMP_MARGIN, beside ? STAMP_MARGIN : frame.h - STAMP_MARGIN - STAMP_SIZE), size: STAMP_SIZE, font: bold, color: rgb(0, 0, 0), rotate });
    }
  });
  return { bytes: await doc.save({ useObjectStreams: false }), pages: doc.getPageCount() };
}
