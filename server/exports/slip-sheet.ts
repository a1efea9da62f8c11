import PDFDocument from 'pdfkit';
import { winAnsiSafe } from './win-ansi';
import { STAMP_MARGIN, STAMP_SIZE } from './pdf-incremental';

/**
 * The one-page slip sheet that stands in a production for a document that is not produced as a
 * stamped PDF (a non-PDF, or a PDF that cannot be read): Bates-stamped like a page, it says what
 * the document is, why it is produced natively and where the native file is. Tagged PDF (reading
 * order: heading, then each field); the Bates label and legend are pagination artifacts, placed
 * as on a stamped page. Deterministic: the same options give the same bytes (fixed dates), so a
 * later export produces a slip sheet with the same SHA-256.
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

const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));

export function slipSheet(opts: SlipSheetOptions): Promise<Buffer> {
  const date = opts.date ?? FIXED_DATE;
  const doc = new PDFDocument({
    size: 'LETTER', margin: 72, pdfVersion: '1.7', tagged: true, lang: 'en-US', displayTitle: true, autoFirstPage: true,
    info: { Title: winAnsiSafe(`Slip sheet ${opts.bates}`), Author: 'Vendor Response Portal', Producer: 'Vendor Response Portal', Creator: 'Vendor Response Portal', CreationDate: date, ModDate: date },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const root = doc.struct('Document');
  doc.addStructure(root);
  const width = doc.page.width - 144;
  const para = (type: string, font: string, size: number, text: string, gap = 0.4) => {
    root.add(doc.struct(type, {}, () => {
      doc.font(font).fontSize(size).text(winAnsiSafe(text), { width });
    }));
    doc.moveDown(gap);
  };
  const field = (label: string, value: string) => {
    root.add(doc.struct('P', {}, () => {
      doc.font('Helvetica-Bold').fontSize(11).text(`${label}: `, { width, continued: true }).font('Helvetica').text(winAnsiSafe(value));
    }));
    doc.moveDown(0.4);
  };

  if (opts.legend) para('P', 'Helvetica-Bold', 12, opts.legend, 0.8);
  para('H1', 'Helvetica-Bold', 20, 'Slip sheet: document produced natively', 0.8);
  field('Bates number', opts.bates);
  field('Title', opts.title);
  field('Document name', opts.documentName);
  field('Media type', opts.mediaType);
  field('SHA-256 of the native file', opts.sha256);
  field('Reason', opts.reason);
  if (opts.nativePath) field('Native file', opts.nativePath);
  doc.moveDown(0.4);
  para('P', 'Helvetica-Oblique', 10, 'This page stands in for the document in the Bates sequence. The document itself is produced natively, '
    + 'unchanged, beside this sheet; its SHA-256 above can be checked with sha256sum. Characters the standard PDF fonts cannot show are written as <U+XXXX>; '
    + 'index.csv and index.json carry the name exactly.');

  // The stamp, as on a produced page: Bates number bottom right, legend bottom left.
  const { width: pageWidth, height: pageHeight } = doc.page;
  doc.markContent('Artifact', { type: 'Pagination' });
  const label = winAnsiSafe(opts.bates);
  doc.font('Helvetica').fontSize(STAMP_SIZE);
  const baseline = pageHeight - STAMP_MARGIN - doc.currentLineHeight();
  doc.text(label, pageWidth - STAMP_MARGIN - doc.widthOfString(label), baseline, { lineBreak: false });
  if (opts.legend) doc.font('Helvetica-Bold').fontSize(STAMP_SIZE).text(winAnsiSafe(opts.legend), STAMP_MARGIN, baseline, { lineBreak: false });
  doc.endMarkedContent();

  root.end();
  doc.end();
  return done;
}
