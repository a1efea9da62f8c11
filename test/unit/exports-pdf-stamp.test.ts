import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument } from '@cantoo/pdf-lib';
import { pageCountOrSlip, stampPdf, stampPdfIncremental } from '../../server/exports/pdf-stamp';
import { batesLabel, batesNumber, defaultBatesPrefix } from '../../server/exports/bates-label';
import {
  badOffsetsPdf, checkIncrementalUpdate, handPdf, pageContents, sharedPageObjectPdf, streamBody,
  encryptedPdf, incrementallyUpdated, inheritedTreePdf, notAPdf, pageTexts, pdfkitPdf, pdfLibPdf, truncated, winAnsiToText, zeroPagePdf,
} from '../helpers/export-pdfs';
import { pdfText } from '../helpers/review-pdf-text';

/**
 * Stamping (issue 10): every page of a produced PDF carries its Bates number and, for confidential
 * material, the legend, whoever made the PDF; anything that cannot be read is a slip, with why.
 */
const LEGEND = 'CONFIDENTIAL \u2014 SUBJECT TO PROTECTIVE ORDER';
const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', 'pdf', name));
const PREFIX = 'DHS20170037';

describe('Bates labels', () => {
  it('when a number is labelled, then it is the prefix and six digits; out-of-range numbers and bad prefixes are refused', () => {
    expect(batesLabel(PREFIX, 1)).toBe('DHS20170037000001');
    expect(batesLabel(PREFIX, 999999)).toBe('DHS20170037999999');
    expect(() => batesLabel(PREFIX, 0)).toThrow(/out of range/);
    expect(() => batesLabel(PREFIX, 1_000_000)).toThrow(/out of range/);
    expect(() => batesLabel(PREFIX, 1.5)).toThrow(/out of range/);
    expect(() => batesLabel('DHS-2017', 1)).toThrow(/not a Bates prefix/);
    expect(batesNumber(PREFIX, 'DHS20170037000042')).toBe(42);
    expect(batesNumber(PREFIX, 'DHS20170037-000042')).toBeNull();
    expect(batesNumber(PREFIX, 'DHS20170037000000')).toBeNull();
    expect(defaultBatesPrefix('DHS-2017-0037')).toBe('DHS20170037');
  });
});

type Made = { name: string; make: () => Promise<Buffer>; pages: number; text: (i: number) => string; method?: 'rewrite'; xref?: 'table' | 'stream' };
const MADE: Made[] = [
  { name: 'pdfkit, compressed', make: () => pdfkitPdf(3), pages: 3, text: (i) => `pdfkit page ${i + 1}`, xref: 'table' },
  { name: 'pdfkit, uncompressed', make: () => pdfkitPdf(2, { compress: false }), pages: 2, text: (i) => `pdfkit page ${i + 1}` },
  { name: 'pdf-lib, cross-reference table', make: () => pdfLibPdf(2), pages: 2, text: (i) => `pdf-lib page ${i + 1}` },
  { name: 'pdf-lib, object streams and a cross-reference stream (PDF 1.5+)', make: () => pdfLibPdf(4, { objectStreams: true }), pages: 4, text: (i) => `pdf-lib page ${i + 1}`, xref: 'stream' },
  { name: 'pdf-lib, rotated and odd-sized pages', make: () => pdfLibPdf(4, { rotate: [0, 90, 180, 270], sizes: [[612, 792], [792, 612], [300, 300], [1000, 400]] }), pages: 4, text: (i) => `pdf-lib page ${i + 1}` },
  { name: 'hand-written, inherited resources, boxes and rotation, no content on one page', make: async () => inheritedTreePdf(), pages: 3, text: (i) => ['second stream', '', 'hand page text'][i]! },
  { name: 'updated incrementally before (a /Prev chain)', make: async () => incrementallyUpdated(await pdfkitPdf(2)), pages: 2, text: (i) => `pdfkit page ${i + 1}` },
  // Made by another producer (qpdf 11 from a pdfkit file; test/fixtures/pdf/README.md): PDF 1.5 object streams, and a linearized file.
  { name: 'qpdf, object streams (PDF 1.5)', make: async () => fixture('qpdf-object-streams.pdf'), pages: 3, text: (i) => `Page ${i + 1} `, xref: 'stream' },
  { name: 'qpdf, linearized (first-page cross-reference at the start)', make: async () => fixture('qpdf-linearized.pdf'), pages: 3, text: (i) => `Page ${i + 1} `, xref: 'table' },
  { name: 'encrypted with an owner password only (opens without one)', make: () => encryptedPdf(''), pages: 2, text: (i) => `secret page ${i + 1}`, method: 'rewrite' },
  { name: 'a cross-reference with wrong offsets (recovered by scanning)', make: async () => badOffsetsPdf(), pages: 1, text: () => 'bad offsets page', method: 'rewrite' },
];

describe.each(MADE)('a PDF: $name', ({ make, pages, text, method, xref }) => {
  let original: Buffer;
  beforeAll(async () => { original = await make(); });

  it('when counted, then it is a PDF with its pages', async () => {
    expect(await pageCountOrSlip(original)).toEqual({ kind: 'pdf', pages });
  });

  it('when stamped, then it still opens, has the same pages, and each page carries its own Bates number and the legend, its own text kept', async () => {
    const stamped = await stampPdf(original, { firstBates: 41, prefix: PREFIX, legend: LEGEND });
    const texts = (await pageTexts(stamped)).map(winAnsiToText);
    expect(texts).toHaveLength(pages);
    texts.forEach((t, i) => {
      expect(t).toContain(batesLabel(PREFIX, 41 + i));
      expect(t).toContain(LEGEND);
      expect(t).toContain(text(i));
      for (let j = 0; j < pages; j += 1) if (j !== i) expect(t).not.toContain(batesLabel(PREFIX, 41 + j));
    });
    expect(await pageCountOrSlip(stamped)).toEqual({ kind: 'pdf', pages });
  });

  it(`when stamped, then it is ${method === 'rewrite' ? 'rewritten by pdf-lib' : 'the original bytes untouched plus an appended update whose cross-reference is exact'}`, async () => {
    const parts = await stampPdfIncremental(original, { firstBates: 1, prefix: PREFIX, legend: LEGEND });
    expect(parts.pages).toBe(pages);
    if (method === 'rewrite') {
      expect(parts.method).toBe('rewrite');
      expect(parts.tail).toHaveLength(0);
      return;
    }
    expect(parts.method).toBe('incremental');
    expect(parts.head).toBe(original);
    const stamped = Buffer.concat([parts.head, parts.tail]);
    const update = checkIncrementalUpdate(original, stamped);
    if (xref) expect(update.kind).toBe(xref);
    // Fonts, the q stream, a stamp per page and each page again (plus the xref stream itself).
    expect(update.objects).toBeGreaterThanOrEqual(3 + 2 * pages);
    // And again on the stamped file: a second update chains to the first.
    const twice = Buffer.from(await stampPdf(stamped, { firstBates: 500, prefix: PREFIX }));
    checkIncrementalUpdate(stamped, twice);
    const texts = await pageTexts(twice);
    texts.forEach((t, i) => {
      expect(t).toContain(batesLabel(PREFIX, 1 + i));
      expect(t).toContain(batesLabel(PREFIX, 500 + i));
    });
  });

  it('when stamped without a legend, then no legend is on any page', async () => {
    const texts = await pageTexts(await stampPdf(original, { firstBates: 1, prefix: PREFIX }));
    expect(texts.join('\n')).not.toContain('CONFIDENTIAL');
    expect(texts[0]).toContain(batesLabel(PREFIX, 1));
  });
});

describe('the graphics state the stamp starts from', () => {
  it('when the original content leaves a transformation, colour and text state set (no q/Q of its own), then the stamp runs after restoring the page\'s initial state', async () => {
    const original = handPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>',
      streamBody('2 0 0 2 100 100 cm 1 1 1 rg 5 Tr BT /F1 12 Tf 0 0 Td (left skewed) Tj ET'),
    ]);
    const [content] = await pageContents(await stampPdf(original, { firstBates: 1, prefix: PREFIX }));
    const ops = content!.replace(/\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]*>/g, 'S').split(/\s+/);
    const stampAt = ops.indexOf('/Artifact');
    expect(stampAt).toBeGreaterThan(0);
    expect(ops[0]).toBe('q');
    let depth = 0;
    for (const op of ops.slice(0, stampAt)) depth += op === 'q' ? 1 : op === 'Q' ? -1 : 0;
    expect(depth).toBe(1); // the stamp's own q, after the Q that undid everything the page did
    const own = ops.slice(ops.lastIndexOf('Q', stampAt) + 1, stampAt);
    expect(own).toEqual(['q']);
  });
});

describe('page geometry', () => {
  it('when pages are rotated or cropped, then the stamp lies inside the visible box of each page', async () => {
    const stamped = await stampPdf(await pdfLibPdf(4, { rotate: [0, 90, 180, 270], sizes: [[612, 792], [792, 612], [300, 300], [1000, 400]] }), { firstBates: 1, prefix: PREFIX });
    const doc = await PDFDocument.load(stamped);
    expect(doc.getPageCount()).toBe(4);
  });
});

describe('what is a slip, and why', () => {
  it.each([
    ['encrypted with a user password', () => encryptedPdf('open sesame'), /encrypted/],
    ['truncated', async () => truncated(await pdfkitPdf(3)), /truncated/],
    ['truncated, made by pdf-lib', async () => truncated(await pdfLibPdf(3, { objectStreams: true })), /truncated/],
    ['random bytes named .pdf', async () => notAPdf(), /not a PDF/],
    ['a PNG', async () => Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'), /not a PDF/],
    ['empty', async () => Buffer.alloc(0), /not a PDF/],
    ['a PDF with no pages', () => zeroPagePdf(), /no pages/],
    ['a PDF showing one page object as two pages', async () => sharedPageObjectPdf(), /uses one object twice/],
  ])('when it is %s, then it is a slip saying why, and stamping it throws', async (_name, make, reason) => {
    const bytes = await make();
    const result = await pageCountOrSlip(bytes);
    expect(result.kind).toBe('slip');
    expect(result.kind === 'slip' && result.reason).toMatch(reason);
    await expect(stampPdf(bytes, { firstBates: 1, prefix: PREFIX })).rejects.toThrow();
  });
});

describe('text a plain extractor finds', () => {
  it('when a pdfkit PDF is stamped, then the review text helper (inflate + hex strings) reads the Bates number too', async () => {
    const stamped = Buffer.from(await stampPdf(await pdfkitPdf(2), { firstBates: 7, prefix: PREFIX, legend: LEGEND }));
    const text = pdfText(stamped);
    expect(text).toContain('DHS20170037000007');
    expect(text).toContain('DHS20170037000008');
    expect(text).toContain('CONFIDENTIAL');
  });
});
