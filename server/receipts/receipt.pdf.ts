import PDFDocument from 'pdfkit';
import type { Receipt } from './receipt';

/**
 * A printable receipt: the facts a person reads, then the exact signed JSON so the paper copy can
 * be verified too (type or scan it into POST /api/v1/receipts/verify).
 */
export function receiptPdf(receipt: Receipt, publicUrl: string): Promise<Buffer> {
  const p = receipt.payload;
  const doc = new PDFDocument({ size: 'LETTER', margin: 54, info: { Title: `Receipt ${p.trackingNumber}`, Author: 'Vendor Response Portal' }, pdfVersion: '1.7', tagged: true, lang: 'en-US', displayTitle: true });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.font('Helvetica-Bold').fontSize(18).text('Vendor Response Portal: filing receipt');
  doc.moveDown(0.5).font('Helvetica').fontSize(11);
  const row = (label: string, value: string) => doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);
  row('Tracking number', p.trackingNumber);
  row('Docket', p.docket);
  row('Received (UTC)', p.submittedAt + (p.late ? ' (after the deadline, marked late)' : ''));
  row('Submitted by', `${p.submitter.name} <${p.submitter.email}>`);
  row('Organization', `${p.organization.legalName} (${p.organization.country})`);
  row('Content digest (SHA-256)', p.contentDigest);
  row('Audit chain head at filing', `#${p.auditHead.seq} ${p.auditHead.hash}`);
  doc.moveDown().font('Helvetica-Bold').text(`Documents (${p.documents.length})`);
  doc.font('Helvetica').fontSize(10);
  for (const d of p.documents) {
    doc.text(`${d.label}: ${d.originalName}${d.confidential ? ' [confidential]' : ''}, ${d.size} bytes, ${d.mediaType}`);
    doc.font('Courier').text(`  SHA-256 ${d.sha256}`).font('Helvetica');
  }
  doc.moveDown().fontSize(11).font('Helvetica-Bold').text('Signature');
  doc.font('Helvetica').fontSize(10).text(`Ed25519, key ${receipt.signature.keyId}. Public key: ${publicUrl}/api/v1/receipts/public-key. `
    + `Verify at ${publicUrl}/receipts/verify or with openssl (docs/receipts.md).`);
  doc.moveDown().font('Courier').fontSize(7).text(JSON.stringify(receipt));
  doc.end();
  return done;
}
