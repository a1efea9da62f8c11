import { PDFDocument } from '@cantoo/pdf-lib';
import { slipSheet } from '../../server/exports/slip-sheet';
import { pageCountOrSlip } from '../../server/exports/pdf-stamp';
import { winAnsiSafe } from '../../server/exports/win-ansi';
import { pdfText } from '../helpers/review-pdf-text';
import { inflatedStreams } from '../helpers/export-pdfs';

/**
 * The slip sheet (issue 10): one Bates-stamped page standing in for a document produced natively,
 * saying what it is and why; the vendor's file name is data and any character is shown safely.
 */
const OPTS = {
  bates: 'DHS20170037000012', title: 'Exhibit 4: pricing', documentName: 'prices.png', mediaType: 'image/png',
  sha256: 'ab'.repeat(32), reason: 'Produced natively: image/png is not a PDF', nativePath: 'submissions/DHS-2017-0037-000001/002-prices.png',
};
/** The page text, lines joined (pdfkit wraps long values), WinAnsi quotes and dashes as Unicode. */
const text = (pdf: Buffer) => pdfText(pdf).replace(/\s*\n\s*/g, ' ').replace(/\x97/g, '\u2014').replace(/\x93/g, '\u201c').replace(/\x94/g, '\u201d');

describe('the slip sheet', () => {
  it('when made, then it is a one-page PDF with the Bates number, title, name, media type, SHA-256, reason and native path in reading order', async () => {
    const pdf = await slipSheet(OPTS);
    expect(await pageCountOrSlip(pdf)).toEqual({ kind: 'pdf', pages: 1 });
    const t = text(pdf);
    const order = ['Slip sheet', 'DHS20170037000012', 'Exhibit 4: pricing', 'prices.png', 'image/png', OPTS.sha256, 'is not a PDF', OPTS.nativePath];
    let at = -1;
    for (const s of order) {
      const next = t.indexOf(s, at + 1);
      expect(next).toBeGreaterThan(at);
      at = next;
    }
    expect(t).not.toContain('CONFIDENTIAL');
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPage(0).getSize()).toEqual({ width: 612, height: 792 });
    expect(pdf.toString('latin1')).toContain('/StructTreeRoot');
    expect(inflatedStreams(pdf)).toMatch(/\/Artifact <<\s*\/Type \/Pagination[^>]*>> BDC/);
  });

  it('when it is for confidential material, then the legend is on it, at the top and beside the Bates number', async () => {
    const t = text(await slipSheet({ ...OPTS, legend: 'CONFIDENTIAL \u2014 SUBJECT TO PROTECTIVE ORDER', reason: 'The PDF could not be read: encrypted' }));
    expect(t.split('CONFIDENTIAL \u2014 SUBJECT TO PROTECTIVE ORDER')).toHaveLength(3);
    expect(t).toContain('The PDF could not be read: encrypted');
  });

  it('when the document name holds characters a standard font cannot show (CJK, emoji, bidi override, control), then each is written as <U+XXXX> and nothing breaks', async () => {
    const name = 'r\u00e9sum\u00e9 \u201cfinal\u201d \u4e2d\u6587 \ud83d\ude00 \u202egnp.exe\u0000\u0007';
    const t = text(await slipSheet({ ...OPTS, documentName: name }));
    expect(t).toContain('r\u00e9sum\u00e9 \u201cfinal\u201d ');
    expect(t).toContain('<U+4E2D><U+6587> <U+1F600> <U+202E>gnp.exe<U+0000><U+0007>');
    expect(winAnsiSafe(name)).toBe('r\u00e9sum\u00e9 \u201cfinal\u201d <U+4E2D><U+6587> <U+1F600> <U+202E>gnp.exe<U+0000><U+0007>');
  });

  it('when made twice from the same options, then the bytes are the same (a later export gives the same SHA-256)', async () => {
    expect((await slipSheet(OPTS)).equals(await slipSheet(OPTS))).toBe(true);
    expect((await slipSheet(OPTS)).equals(await slipSheet({ ...OPTS, bates: 'DHS20170037000013' }))).toBe(false);
  });
});
