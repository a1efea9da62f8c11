import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { IndexItem } from './index-files';
import { winAnsiSafe } from './win-ansi';
import { STAMP_MARGIN, STAMP_SIZE } from './pdf-incremental';

/**
 * certified-index.pdf: the certified index of the administrative record (issue 10): the
 * proceeding, the scope, every item with its Bates range and SHA-256 hashes, the audit chain's
 * head at export time, and the certification statement with the certifying official's name,
 * title and date. Tagged PDF (Document > H1, P, L > LI > Lbl + LBody, H2, P), so a screen reader
 * and a text extractor read it in order; page numbers are pagination artifacts.
 *
 * It streams: items are read one at a time (an array or an async iterable of them) and written to
 * pdfkit in small batches, waiting whenever the reader has not taken what was written, so memory
 * stays flat whatever the record's size (pdfkit keeps only the current page and small tables).
 */
export interface CertifiedIndexModel {
  docket: string;
  title: string;
  scope: 'public' | 'confidential';
  exportId: string;
  generatedAt: string;
  batesPrefix: string;
  auditHeadHash: string;
  auditHeadSeq?: number;
  /** The agency or office whose record this is (optional line under the heading). */
  agency?: string;
  items: Iterable<IndexItem> | AsyncIterable<IndexItem>;
  certifier: { name: string; title: string };
  /** The date of the certification (ISO date or date-time); the export's date by default. */
  certifiedAt?: string;
}

const SCOPE_TEXT = {
  public: 'Public production: confidential material is listed with its Bates numbers but not produced (status "withheld").',
  confidential: 'Confidential production: includes material designated confidential, to be handled under the applicable protective order.',
} as const;

const STATUS_TEXT = { produced: 'produced, Bates-stamped', slip_sheet: 'produced natively behind a slip sheet', withheld: 'withheld' } as const;

export function certifiedIndexPdf(model: CertifiedIndexModel): Readable {
  const date = new Date(model.generatedAt);
  const doc = new PDFDocument({
    size: 'LETTER', margins: { top: 54, bottom: 54, left: 54, right: 54 }, pdfVersion: '1.7', tagged: true, lang: 'en-US', displayTitle: true,
    bufferPages: false,
    info: {
      Title: winAnsiSafe(`Certified index of the administrative record, ${model.docket}`), Author: 'Vendor Response Portal',
      Creator: 'Vendor Response Portal', Producer: 'Vendor Response Portal', CreationDate: date, ModDate: date,
    },
  });
  const out = new PassThrough();
  doc.pipe(out);
  void write(doc, out, model).catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

async function write(doc: PDFKit.PDFDocument, out: PassThrough, model: CertifiedIndexModel): Promise<void> {
  const width = doc.page.width - 108;
  let pageNumber = 1;
  const footer = () => {
    // Page number as an artifact, bottom centre; drawn without moving the text cursor.
    const { x, y } = doc;
    // A page added in the middle of a text goes on in that text's font: keep it.
    const current = doc as unknown as { _font?: { name: string }; _fontSize: number };
    const font = current._font?.name;
    const size = current._fontSize;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc.font('Helvetica').fontSize(STAMP_SIZE);
    const text = `Certified index ${winAnsiSafe(model.docket)} - page ${pageNumber}`;
    doc.text(text, (doc.page.width - doc.widthOfString(text)) / 2, doc.page.height - STAMP_MARGIN - doc.currentLineHeight(), { lineBreak: false });
    doc.endMarkedContent();
    if (font) doc.font(font);
    doc.fontSize(size);
    doc.x = x;
    doc.y = y;
  };
  footer();
  doc.on('pageAdded', () => { pageNumber += 1; footer(); });

  const root = doc.struct('Document');
  doc.addStructure(root);
  const block = (type: string, draw: () => void) => root.add(doc.struct(type, {}, draw));
  const para = (text: string, font = 'Helvetica', size = 10) => block('P', () => { doc.font(font).fontSize(size).text(winAnsiSafe(text), { width }); });

  block('H1', () => { doc.font('Helvetica-Bold').fontSize(18).text('Certified index of the administrative record', { width }); });
  doc.moveDown(0.3);
  para(`Proceeding ${model.docket}: ${model.title}`, 'Helvetica-Bold', 12);
  if (model.agency) para(model.agency);
  para(SCOPE_TEXT[model.scope]);
  para(`Export ${model.exportId}, generated ${model.generatedAt}. Bates prefix ${model.batesPrefix}.`);
  para(`Audit chain head at export: ${model.auditHeadSeq !== undefined ? `event ${model.auditHeadSeq}, ` : ''}hash ${model.auditHeadHash}`);
  doc.moveDown(0.5);

  block('H2', () => { doc.font('Helvetica-Bold').fontSize(14).text('Items', { width }); });
  const list = doc.struct('L');
  root.add(list);
  let count = 0;
  const counts = { produced: 0, slip_sheet: 0, withheld: 0 };
  let first: string | null = null;
  let last: string | null = null;
  for await (const item of model.items) {
    count += 1;
    counts[item.status] += 1;
    first ??= item.begBates;
    last = item.endBates;
    list.add(doc.struct('LI', {}, [
      doc.struct('Lbl', {}, () => {
        doc.moveDown(0.4).font('Helvetica-Bold').fontSize(10)
          .text(`${count}. ${item.begBates}${item.endBates !== item.begBates ? ` - ${item.endBates}` : ''} (${item.pages} ${item.pages === 1 ? 'page' : 'pages'}), ${STATUS_TEXT[item.status]}`, { width });
      }),
      doc.struct('LBody', {}, () => {
        const who = item.trackingNumber ? `${item.trackingNumber}, ${item.organization ?? ''}, ${item.kind}${item.filedAt ? `, filed ${item.filedAt}` : ''}${item.late ? ', late' : ''}` : 'Notice';
        doc.font('Helvetica').fontSize(9).text(winAnsiSafe(who), { width })
          .text(winAnsiSafe(`${item.title}: ${item.documentName} (${item.mediaType}, ${item.bytes} bytes, ${item.confidentiality})`), { width });
        if (item.disposition) doc.text(winAnsiSafe(`Disposition: ${item.disposition}`), { width });
        doc.font('Courier').fontSize(8).text(`SHA-256 original: ${item.sha256Original}`, { width })
          .text(item.sha256Produced ? `SHA-256 produced: ${item.sha256Produced}` : 'SHA-256 produced: none (not produced)', { width });
        if (item.reason) doc.font('Helvetica-Oblique').fontSize(9).text(winAnsiSafe(`${item.status === 'withheld' ? 'Withheld' : 'Slip sheet'}: ${item.reason}`), { width });
      }),
    ]));
    if (count % 25 === 0 && out.writableNeedDrain) await once(out, 'drain');
  }
  list.end();
  if (count === 0) para('The record has no documents.');

  doc.moveDown(1);
  block('H2', () => { doc.font('Helvetica-Bold').fontSize(14).text('Certification', { width }); });
  const range = first && last ? `Bates numbers ${first} through ${last}` : 'no Bates numbers';
  const certifiedAt = model.certifiedAt ?? model.generatedAt.slice(0, 10);
  para(`I certify that the ${count} items listed in this index (${range}; ${counts.produced} produced Bates-stamped, `
    + `${counts.slip_sheet} produced natively behind a slip sheet, ${counts.withheld} withheld), together with the submissions, notice, `
    + `dispositions and audit records in this production as listed in its MANIFEST.sha256, constitute the administrative record of `
    + `proceeding ${model.docket}, "${model.title}", as maintained in the Vendor Response Portal at the time of export ${model.exportId}. `
    + 'Deliberative material withheld from the record is listed in withheld-log.csv.');
  doc.moveDown(1);
  para(`Name: ${model.certifier.name}`);
  para(`Title: ${model.certifier.title}`);
  para(`Date: ${certifiedAt}`);
  doc.moveDown(1.5);
  para('Signature: ______________________________');
  root.end();
  doc.end();
}
