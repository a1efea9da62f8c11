import PDFDocument from 'pdfkit';
import { omittedNotice, type ResponseToArguments } from './response-to-arguments.service';
import { RULING_LABELS } from './findings.labels';

/**
 * The response-to-arguments document as a PDF (the house way: receipt.pdf.ts): per organization,
 * each response's numbered arguments with the ruling and reasoning, or "no finding yet".
 */
export function responseToArgumentsPdf(d: ResponseToArguments): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 54, info: { Title: `Response to arguments ${d.docket}`, Author: 'Vendor Response Portal' }, pdfVersion: '1.7', tagged: true, lang: 'en-US', displayTitle: true });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.font('Helvetica-Bold').fontSize(18).text(`Response to arguments: ${d.docket}`);
  doc.font('Helvetica').fontSize(11).text(d.title).text(`Generated ${d.generatedAt} (UTC). Filed, not withdrawn, responses; latest findings.`);
  const omitted = omittedNotice(d.omittedRecused);
  if (omitted) doc.moveDown(0.5).font('Helvetica-Oblique').text(omitted).font('Helvetica');
  if (d.organizations.length === 0) doc.moveDown().text('No filed responses.');
  for (const org of d.organizations) {
    doc.moveDown().font('Helvetica-Bold').fontSize(14).text(org.legalName);
    for (const r of org.responses) {
      doc.moveDown(0.5).font('Helvetica-Bold').fontSize(12).text(`${r.trackingNumber ?? ''} ${r.title}`.trim());
      doc.font('Helvetica').fontSize(10).text(r.findingsVersion ? `Findings version ${r.findingsVersion}` : 'No findings saved yet');
      for (const a of r.arguments) {
        doc.moveDown(0.3).font('Helvetica-Bold').text(`${a.number}. `, { continued: true }).font('Helvetica').text(a.summary);
        doc.font('Helvetica-Bold').text('Ruling: ', { continued: true }).font('Helvetica').text(a.ruling ? RULING_LABELS[a.ruling] : 'no finding yet');
        if (a.reasoning) doc.text(a.reasoning, { indent: 12 });
      }
    }
  }
  doc.end();
  return done;
}
