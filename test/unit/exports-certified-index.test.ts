import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PDFDocument } from '@cantoo/pdf-lib';
import { certifiedIndexPdf, type CertifiedIndexModel } from '../../server/exports/certified-index';
import { readmeText } from '../../server/exports/readme-text';
import { pdfText } from '../helpers/review-pdf-text';
import { item } from '../helpers/export-items';
import type { IndexItem } from '../../server/exports/index-files';

/**
 * certified-index.pdf and README.txt (issue 10): the certified index lists every item with its
 * Bates range and hashes, the audit head, and the certification with the official's name, title
 * and date, readable in order by a text extractor; it streams. README says how to verify.
 */
const read = async (stream: NodeJS.ReadableStream): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const label = (n: number) => `DHS20170037${String(n).padStart(6, '0')}`;
const items = (n: number): IndexItem[] => Array.from({ length: n }, (_, i) => item({
  begBates: label(2 * i + 1), endBates: label(2 * i + 2), pages: 2, documentName: `exhibit-${i + 1}.pdf`,
  sha256Original: i.toString(16).padStart(64, 'a'), sha256Produced: i.toString(16).padStart(64, 'b'),
  ...(i === 1 ? { status: 'withheld' as const, sha256Produced: null, producedPath: null, confidentiality: 'confidential' as const, reason: 'confidential material (public production)' } : {}),
}));
const model = (over: Partial<CertifiedIndexModel> = {}): CertifiedIndexModel => ({
  docket: 'DHS-2017-0037', title: 'Directive 17-01 on covered software', scope: 'public', exportId: 'exp-42', generatedAt: '2026-12-02T10:00:00.000Z',
  batesPrefix: 'DHS20170037', auditHeadHash: 'c'.repeat(64), auditHeadSeq: 981, items: items(3),
  certifier: { name: 'Jordan Q. Counsel', title: 'Deputy General Counsel' }, certifiedAt: '2026-12-02', ...over,
});
/** The text in one line: pdfkit wraps long paragraphs, leaving a space at the end of a line. */
const flat = (pdf: Buffer) => pdfText(pdf).replace(/\s+/g, ' ');

describe('the certified index', () => {
  it('when made, then it is a tagged PDF whose text, in order, has the proceeding, each item with range and hashes, the audit head and the certification', async () => {
    const pdf = await read(certifiedIndexPdf(model()));
    expect((await PDFDocument.load(pdf)).getPageCount()).toBeGreaterThanOrEqual(1);
    expect(pdf.toString('latin1')).toContain('/StructTreeRoot');
    const t = flat(pdf);
    const order = [
      'Certified index of the administrative record', 'DHS-2017-0037', 'Directive 17-01 on covered software', 'Public production',
      'event 981', 'c'.repeat(64),
      `1. ${label(1)} - ${label(2)}`, 'exhibit-1.pdf', `SHA-256 original: ${'0'.padStart(64, 'a')}`, `SHA-256 produced: ${'0'.padStart(64, 'b')}`,
      `2. ${label(3)} - ${label(4)}`, 'withheld', 'SHA-256 produced: none',
      `3. ${label(5)} - ${label(6)}`,
      'Certification', 'I certify that the 3 items', `Bates numbers ${label(1)} through ${label(6)}`, '2 produced Bates-stamped', '1 withheld',
      'constitute the administrative record', 'Jordan Q. Counsel', 'Deputy General Counsel', '2026-12-02', 'Signature',
    ];
    let at = -1;
    for (const s of order) {
      const next = t.indexOf(s, at + 1);
      if (next <= at) throw new Error(`"${s}" is not after position ${at} in: ${t.slice(Math.max(0, at - 80), at + 200)}`);
      at = next;
    }
  });

  it('when the record has hundreds of items from an async source, then it streams page after page (output starts before the items end) and lists them all', async () => {
    let produced = 0;
    let bytesWhenHalfway = -1;
    let bytes = 0;
    async function* source() {
      for (let i = 0; i < 600; i += 1) {
        produced += 1;
        if (i === 300) bytesWhenHalfway = bytes;
        if (i % 100 === 0) await new Promise((r) => setImmediate(r));
        yield item({ begBates: label(i + 1), endBates: label(i + 1), pages: 1 });
      }
    }
    const sink = new Writable({ highWaterMark: 1024, write(chunk: Buffer, _e, cb) { bytes += chunk.length; setImmediate(cb); } });
    const chunks: Buffer[] = [];
    const tee = new Writable({ write(chunk: Buffer, e, cb) { chunks.push(chunk); sink.write(chunk, e, cb); } });
    await pipeline(certifiedIndexPdf(model({ items: source() })), tee);
    expect(produced).toBe(600);
    expect(bytesWhenHalfway).toBeGreaterThan(20_000);
    const pdf = Buffer.concat(chunks);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBeGreaterThan(20);
    const t = flat(pdf);
    expect(t).toContain(`600. ${label(600)}`);
    expect(t).toContain(`Bates numbers ${label(1)} through ${label(600)}`);
    expect(t).toContain('page 2 ');
  });

  it('when the record is empty, or names hold characters the fonts lack, then it still says so and is a valid PDF', async () => {
    const t = flat(await read(certifiedIndexPdf(model({ items: [], scope: 'confidential' }))));
    expect(t).toContain('The record has no documents');
    expect(t).toContain('no Bates numbers');
    expect(t).toContain('Confidential production');
    const odd = flat(await read(certifiedIndexPdf(model({ items: [item({ documentName: '\u4e2d\u6587.pdf' })] }))));
    expect(odd).toContain('<U+4E2D><U+6587>.pdf');
    // An item taller than a page runs on over the next pages and the list goes on after it.
    const huge = await read(certifiedIndexPdf(model({ items: [item({ title: `${'long title '.repeat(1200)}END OF TITLE` }), item({ documentName: 'after.pdf' })] })));
    expect((await PDFDocument.load(huge)).getPageCount()).toBeGreaterThanOrEqual(3);
    const hugeText = flat(huge);
    expect(hugeText.indexOf('END OF TITLE')).toBeLessThan(hugeText.indexOf('after.pdf'));
    expect(hugeText).toContain('I certify that the 2 items');
  });
});

describe('README.txt', () => {
  it('when written, then it names the proceeding, range and counts, lists the layout, and gives the standard verification commands', () => {
    const text = readmeText({
      docket: 'DHS-2017-0037', title: 'Directive 17-01', scope: 'public', exportId: 'exp-42', generatedAt: '2026-12-02T10:00:00.000Z',
      batesPrefix: 'DHS20170037', firstBates: label(1), lastBates: label(40), counts: { items: 12, produced: 9, slipSheets: 2, withheld: 1, submissions: 3 },
      auditHeadHash: 'c'.repeat(64), auditHeadSeq: 981, fileName: 'DHS-2017-0037-public.zip',
    });
    for (const s of ['DHS-2017-0037', `${label(1)} through ${label(40)}`, '12 documents', '9 produced', '2 produced natively', '1 withheld', 'PUBLIC production',
      'index.csv', 'index.json', 'submissions/<tracking number>/', 'loadfiles/record.dat', 'loadfiles/record.opt', 'withheld-log.csv', 'dispositions.csv',
      'audit/audit-log.jsonl', 'audit/chain.jsonl', 'audit/head.json', 'certified-index.pdf', 'MANIFEST.sha256',
      'unzip -t DHS-2017-0037-public.zip', 'sha256sum -c MANIFEST.sha256', 'portal export verify DHS-2017-0037-public.zip', 'python3 verify_audit.py production DHS-2017-0037-public.zip', 'c'.repeat(64)]) {
      expect(text).toContain(s);
    }
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(readmeText({ docket: 'D-1', title: 't', scope: 'confidential', exportId: 'e', generatedAt: 'g', batesPrefix: 'D1', firstBates: null, lastBates: null,
      counts: { items: 0, produced: 0, slipSheets: 0, withheld: 0, submissions: 0 }, auditHeadHash: 'h', auditVerifyCommand: 'python3 verify_audit.py production .' }))
      .toMatch(/CONFIDENTIAL production[^]*none \(the record has no documents\)|none \(the record has no documents\)[^]*CONFIDENTIAL production[^]*python3 verify_audit.py production \./);
  });
});
