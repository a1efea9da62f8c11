import { inflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import PDFKit from 'pdfkit';
import { PDFArray, PDFDocument, PDFName, PDFRawStream, PDFRef, StandardFonts, decodePDFRawStream, degrees, type PDFPage } from '@cantoo/pdf-lib';

/**
 * PDFs for the export tests: made by pdfkit (classic cross-reference table), by pdf-lib (with or
 * without object streams and a cross-reference stream), written by hand (inherited resources,
 * rotation, no content), updated incrementally, and hostile ones (encrypted, truncated, not a PDF,
 * no pages). And `pageTexts`, which reads each page's text through pdf-lib, a parser of its own.
 */

export function pdfkitPdf(pages: number, opts: { compress?: boolean; text?: (page: number) => string } = {}): Promise<Buffer> {
  const doc = new PDFKit({ autoFirstPage: false, compress: opts.compress ?? true, info: { CreationDate: new Date(Date.UTC(2020, 0, 1)) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  for (let i = 0; i < pages; i += 1) {
    doc.addPage();
    doc.text(opts.text?.(i) ?? `pdfkit page ${i + 1}`);
  }
  doc.end();
  return done;
}

export async function pdfLibPdf(pages: number, opts: { objectStreams?: boolean; rotate?: number[]; sizes?: [number, number][] } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 0; i < pages; i += 1) {
    const page = doc.addPage(opts.sizes?.[i] ?? [612, 792]);
    page.drawText(`pdf-lib page ${i + 1}`, { x: 72, y: 700, font, size: 14 });
    if (opts.rotate?.[i]) page.setRotation(degrees(opts.rotate[i]!));
  }
  return Buffer.from(await doc.save({ useObjectStreams: opts.objectStreams ?? false }));
}

/** A PDF with no pages at all (a page tree with Count 0). */
export async function zeroPagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  return Buffer.from(await doc.save({ addDefaultPage: false }));
}

export async function encryptedPdf(userPassword: string): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText('secret page 1', { x: 72, y: 700, font });
  doc.addPage().drawText('secret page 2', { x: 72, y: 700, font });
  doc.encrypt({ userPassword, ownerPassword: 'owner-password', permissions: { modifying: false } });
  return Buffer.from(await doc.save());
}

/** The first 60% of a real PDF: its cross-reference and end marker are gone. */
export const truncated = (pdf: Buffer): Buffer => pdf.subarray(0, Math.floor(pdf.length * 0.6));

/** Random bytes (what a file named .pdf may hold). */
export const notAPdf = (): Buffer => randomBytes(4096);

/**
 * A PDF written by hand: `objects[i]` is the body of object i+1; a classic cross-reference table
 * with the right offsets, and a trailer naming `root`.
 */
export function handPdf(objects: (string | Buffer)[], opts: { root?: number; version?: string; trailerExtra?: string } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from(`%PDF-${opts.version ?? '1.4'}\n%\xe2\xe3\xcf\xd3\n`, 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n')]);
    parts.push(obj);
    offset += obj.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${opts.root ?? 1} 0 R ${opts.trailerExtra ?? ''}>>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** A stream object body with the given (uncompressed) content. */
export const streamBody = (content: string, dict = ''): string => `<< /Length ${Buffer.byteLength(content, 'latin1')} ${dict}>>\nstream\n${content}\nendstream`;

/**
 * Three pages under two page-tree levels: MediaBox, Resources (an indirect dict whose /Font is
 * indirect too) and Rotate inherited from the tree; page 2 has /Contents as an array, page 3 none.
 */
export function inheritedTreePdf(): Buffer {
  return handPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 3 /MediaBox [0 0 400 300] /Resources 5 0 R /Rotate 90 >>',
    '<< /Type /Pages /Parent 2 0 R /Kids [7 0 R 8 0 R] /Count 2 /Rotate 180 >>',
    '<< /Type /Page /Parent 2 0 R /Contents 9 0 R /CropBox [10 10 390 290] >>',
    '<< /Font 6 0 R >>',
    '<< /F1 << /Type /Font /Subtype /Type1 /BaseFont /Courier >> >>',
    '<< /Type /Page /Parent 3 0 R /Contents [9 0 R 10 0 R] >>',
    '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 200 200] /Rotate 0 >>',
    streamBody('BT /F1 12 Tf 20 20 Td (hand page text) Tj ET'),
    streamBody('BT /F1 12 Tf 20 40 Td (second stream) Tj ET'),
  ]);
}

/** The original followed by an incremental update of pdf-lib's own (a new page title drawn on page 1). */
export async function incrementallyUpdated(original: Buffer): Promise<Buffer> {
  const doc = await PDFDocument.load(original, { forIncrementalUpdate: true, updateMetadata: false });
  const snapshot = doc.takeSnapshot();
  const page = doc.getPage(0);
  snapshot.markRefForSave(page.ref);
  page.drawText('updated later', { x: 72, y: 650, size: 12 });
  return Buffer.concat([original, Buffer.from(await doc.saveIncremental(snapshot))]);
}

/** Decoded bytes of a page's content streams, in order, read by pdf-lib. */
function pageContent(doc: PDFDocument, page: PDFPage): string {
  const contents = page.node.get(PDFName.of('Contents'));
  const refs: PDFRef[] = [];
  const resolved = contents instanceof PDFRef ? doc.context.lookup(contents) : contents;
  if (resolved instanceof PDFArray) for (let i = 0; i < resolved.size(); i += 1) refs.push(resolved.get(i) as PDFRef);
  else if (contents instanceof PDFRef) refs.push(contents);
  return refs.map((ref) => {
    const stream = doc.context.lookup(ref);
    if (!(stream instanceof PDFRawStream)) return Buffer.from((stream as unknown as { getContents(): Uint8Array }).getContents()).toString('latin1');
    return Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
  }).join('\n');
}

/** A string operand as its bytes: `(literal)` with escapes, or `<hex>`. */
function stringBytes(token: string): string {
  if (token.startsWith('<')) return Buffer.from(token.slice(1, -1).replace(/\s/g, ''), 'hex').toString('latin1');
  return token.slice(1, -1).replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_m, e: string) => {
    const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
    return map[e] ?? String.fromCharCode(parseInt(e, 8));
  });
}

/** The text of each page (Tj and TJ strings, one line each, as WinAnsi/Latin-1), read through pdf-lib. */
export async function pageTexts(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf, { password: '', updateMetadata: false });
  return doc.getPages().map((page) => {
    const content = pageContent(doc, page);
    const lines: string[] = [];
    for (const m of content.matchAll(/(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F\s]*>)\s*Tj|\[((?:\((?:\\.|[^\\)])*\)|<[0-9a-fA-F\s]*>|[-0-9.\s])*)\]\s*TJ/g)) {
      if (m[1]) lines.push(stringBytes(m[1]));
      else lines.push([...m[2]!.matchAll(/\((?:\\.|[^\\)])*\)|<[0-9a-fA-F\s]*>/g)].map((s) => stringBytes(s[0])).join(''));
    }
    return lines.join('\n');
  });
}

/** Latin-1 text as a readable JS string (WinAnsi's em dash is 0x97 there). */
export const winAnsiToText = (s: string): string => s.replace(/\x97/g, '\u2014');

/** Every stream of the file, inflated where it is deflated (content streams, to look for operators). */
export function inflatedStreams(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    try {
      out.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      out.push(raw.slice(start, end));
    }
  }
  return out.join('\n');
}
