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

/** Each page's content streams, decoded and joined in order, read by pdf-lib. */
export async function pageContents(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf, { password: '', updateMetadata: false });
  return doc.getPages().map((page) => pageContent(doc, page));
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

/**
 * Checks an incremental update strictly, without our reader: the original bytes are untouched at
 * the start; the last startxref points into the appended part, at a table or a cross-reference
 * stream; every object it lists is exactly at its offset with its number; /Prev points at the
 * original's newest section. Returns what the new section lists.
 */
export function checkIncrementalUpdate(original: Buffer, stamped: Buffer): { kind: 'table' | 'stream'; objects: number } {
  if (!stamped.subarray(0, original.length).equals(original)) throw new Error('the original bytes were changed');
  const lastStartxref = (b: Buffer) => {
    const text = b.toString('latin1');
    const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text.slice(text.lastIndexOf('startxref')));
    if (!m) throw new Error('no startxref at the end');
    return Number(m[1]);
  };
  const at = lastStartxref(stamped);
  const previous = lastStartxref(original);
  if (at < original.length) throw new Error('startxref points into the original');
  const text = stamped.toString('latin1');
  const entries: { num: number; offset: number; gen: number }[] = [];
  let prev: number;
  let kind: 'table' | 'stream';
  if (text.startsWith('xref', at)) {
    kind = 'table';
    const end = text.indexOf('trailer', at);
    const lines = text.slice(at + 4, end).split(/\r?\n|\r/).filter(Boolean);
    let n = 0;
    for (const line of lines) {
      const sub = /^(\d+) (\d+)$/.exec(line.trim());
      if (sub) { n = Number(sub[1]); continue; }
      const e = /^(\d{10}) (\d{5}) n\s*$/.exec(line);
      if (!e) throw new Error(`bad xref line ${JSON.stringify(line)}`);
      entries.push({ num: n, offset: Number(e[1]), gen: Number(e[2]) });
      n += 1;
    }
    const trailer = text.slice(end, text.indexOf('startxref', end));
    prev = Number(/\/Prev (\d+)/.exec(trailer)?.[1]);
    if (!/\/Root \d+ \d+ R/.test(trailer)) throw new Error('trailer has no /Root');
  } else {
    kind = 'stream';
    const head = /^(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n/s.exec(text.slice(at));
    if (!head) throw new Error('startxref points at neither a table nor a stream');
    const d = head[2]!;
    if (!/\/Type \/XRef/.test(d)) throw new Error('not an XRef stream');
    const w = /\/W \[(\d+) (\d+) (\d+)\]/.exec(d)!.slice(1).map(Number);
    const index = /\/Index \[([\d\s]+)\]/.exec(d)![1]!.trim().split(/\s+/).map(Number);
    const length = Number(/\/Length (\d+)/.exec(d)![1]);
    prev = Number(/\/Prev (\d+)/.exec(d)?.[1]);
    const start = at + head[0].length;
    const data = inflateSync(stamped.subarray(start, start + length));
    let pos = 0;
    const field = (width: number) => { let v = 0; for (let i = 0; i < width; i += 1) v = v * 256 + data[pos++]!; return v; };
    for (let r = 0; r < index.length; r += 2) {
      for (let i = 0; i < index[r + 1]!; i += 1) {
        const type = field(w[0]!);
        const offset = field(w[1]!);
        const gen = field(w[2]!);
        if (type !== 1) throw new Error('the update lists an object that is not a plain one');
        entries.push({ num: index[r]! + i, offset, gen });
      }
    }
  }
  if (prev !== previous) throw new Error(`/Prev is ${prev}, the original's section is at ${previous}`);
  for (const e of entries) {
    if (e.offset < original.length) throw new Error(`object ${e.num} points into the original`);
    if (!text.startsWith(`${e.num} ${e.gen} obj`, e.offset)) throw new Error(`object ${e.num} is not at ${e.offset}: ${JSON.stringify(text.slice(e.offset, e.offset + 20))}`);
  }
  return { kind, objects: entries.length };
}

/** A handPdf whose cross-reference offsets are all wrong by a few bytes (readers recover by scanning). */
export function badOffsetsPdf(): Buffer {
  const good = handPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>',
    streamBody('BT /F1 12 Tf 72 700 Td (bad offsets page) Tj ET'),
  ]);
  return Buffer.from(good.toString('latin1').replace(/^(\d{10}) 00000 n/gm, (_m, o: string) => `${String(Number(o) + 7).padStart(10, '0')} 00000 n`), 'latin1');
}

/** One page object listed twice in the page tree: two pages shown, one object. */
export function sharedPageObjectPdf(): Buffer {
  return handPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
  ]);
}
