import { deflateSync } from 'node:zlib';
import { StandardFontEmbedder, StandardFonts } from '@cantoo/pdf-lib';
import {
  PdfFile, PdfRefused, PdfUnsupported, dict, name, num, ref, serialize, type PdfDict, type PdfValue,
} from './pdf-objects';
import { batesLabel } from './bates-label';
import { winAnsiBytes, winAnsiSafe } from './win-ansi';

/**
 * Bates stamping by incremental update (ISO 32000-1, 7.5.6): the original bytes stay as they are
 * and a short tail is appended, holding the stamp fonts, one new content stream per page, each
 * page's dictionary again (same object number) with /Contents [q-stream, original..., stamp] and
 * its resources plus the stamp font, and a new cross-reference section (a table or a stream, as
 * the file's newest one) whose trailer points back with /Prev. Only the trailer, catalog, page
 * tree and the pages' resource dictionaries are parsed, so the cost is per page, not per byte.
 * docs/export-stamping.md has the measurements.
 *
 * Encrypted files, and anything pdf-objects.ts cannot read, throw `PdfUnsupported`; the caller
 * then rewrites the file with pdf-lib instead.
 */

export const STAMP_MARGIN = 18;
export const STAMP_SIZE = 9;
const MAX_PAGES = 100_000;
const LETTER: Box = [0, 0, 612, 792];

type Box = [number, number, number, number];

export interface PlannedPage {
  num: number;
  gen: number;
  dict: PdfDict;
  /** The page's effective resources (its own or inherited), resolved; null when it has none. */
  resources: PdfDict | null;
  /** Object number of the resources when they are an indirect object shared by pages, else null. */
  resourcesNum: number | null;
  /** The visible box (CropBox within MediaBox), normalised x1 < x2, y1 < y2. */
  box: Box;
  rotate: 0 | 90 | 180 | 270;
}

export interface IncrementalPlan {
  file: PdfFile;
  pages: PlannedPage[];
}

type Inherited = { Resources?: PdfValue; MediaBox?: PdfValue; CropBox?: PdfValue; Rotate?: PdfValue };
const INHERITABLE = ['Resources', 'MediaBox', 'CropBox', 'Rotate'] as const;

/** Reads what an update needs; throws PdfUnsupported when the file is beyond this reader. */
export function planIncremental(bytes: Uint8Array): IncrementalPlan {
  const file = new PdfFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { trailer } = file.info;
  if (trailer.entries.has('Encrypt')) throw new PdfUnsupported('encrypted');
  const root = file.resolve(trailer.entries.get('Root'));
  if (root?.t !== 'dict') throw new PdfUnsupported('no catalog');
  const top = root.entries.get('Pages');
  if (top?.t !== 'ref') throw new PdfUnsupported('no page tree');

  const pages: PlannedPage[] = [];
  const seen = new Set<number>();
  const stack: { num: number; inherited: Inherited }[] = [{ num: top.num, inherited: {} }];
  while (stack.length) {
    const { num: n, inherited } = stack.pop()!;
    if (seen.has(n)) throw new PdfRefused('the PDF\'s page tree uses one object twice (a loop, or one page shown as several), so its pages cannot each get their own number');
    seen.add(n);
    const node = file.get(n);
    if (node.t !== 'dict') throw new PdfUnsupported(`page tree node ${n} is not a dictionary`);
    const type = file.resolve(node.entries.get('Type'));
    const kids = file.resolve(node.entries.get('Kids'));
    const here: Inherited = { ...inherited };
    for (const key of INHERITABLE) {
      const v = node.entries.get(key);
      if (v !== undefined) here[key] = v;
    }
    const isTree = (type?.t === 'name' && type.v === 'Pages') || (type === undefined && kids?.t === 'arr');
    if (isTree) {
      if (kids?.t !== 'arr') throw new PdfUnsupported(`page tree node ${n} has no kids`);
      for (let i = kids.items.length - 1; i >= 0; i -= 1) {
        const kid = kids.items[i]!;
        if (kid.t !== 'ref') throw new PdfUnsupported('a page tree kid is not a reference');
        stack.push({ num: kid.num, inherited: here });
      }
      continue;
    }
    if (type !== undefined && !(type.t === 'name' && type.v === 'Page')) throw new PdfUnsupported(`page tree node ${n} is neither Page nor Pages`);
    if (pages.length >= MAX_PAGES) throw new PdfUnsupported('too many pages');
    pages.push(planPage(file, n, node, here));
  }
  return { file, pages };
}

function numbers(file: PdfFile, v: PdfValue | undefined): Box | null {
  const arr = file.resolve(v);
  if (arr?.t !== 'arr' || arr.items.length !== 4) return null;
  const out = arr.items.map((x) => file.resolve(x));
  if (!out.every((x) => x?.t === 'num' && Number.isFinite(x.v))) return null;
  const [a, b, c, d] = out.map((x) => (x as { v: number }).v) as Box;
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}

function planPage(file: PdfFile, n: number, node: PdfDict, inherited: Inherited): PlannedPage {
  const media = numbers(file, inherited.MediaBox) ?? LETTER;
  const crop = numbers(file, inherited.CropBox);
  let box: Box = crop
    ? [Math.max(media[0], crop[0]), Math.max(media[1], crop[1]), Math.min(media[2], crop[2]), Math.min(media[3], crop[3])]
    : media;
  if (box[2] - box[0] < 1 || box[3] - box[1] < 1) box = media;
  const rotateValue = file.resolve(inherited.Rotate);
  const degrees = rotateValue?.t === 'num' && Number.isInteger(rotateValue.v) && rotateValue.v % 90 === 0 ? ((rotateValue.v % 360) + 360) % 360 : 0;
  const res = inherited.Resources;
  const resolved = file.resolve(res);
  return {
    num: n, gen: file.generation(n), dict: node,
    resources: resolved?.t === 'dict' ? resolved : null,
    resourcesNum: res?.t === 'ref' && resolved?.t === 'dict' ? res.num : null,
    box, rotate: degrees as 0 | 90 | 180 | 270,
  };
}

export interface StampText { firstBates: number; prefix: string; legend?: string }

const helvetica = StandardFontEmbedder.for(StandardFonts.Helvetica as unknown as Parameters<typeof StandardFontEmbedder.for>[0]);
const helveticaBold = StandardFontEmbedder.for(StandardFonts.HelveticaBold as unknown as Parameters<typeof StandardFontEmbedder.for>[0]);
const glyphWidths = new Map<StandardFontEmbedder, Float64Array>();
/**
 * A text's width as drawn with Tj (no kerning: the stamp does not kern), from the font's metrics,
 * one character at a time and remembered by UTF-16 code unit (the text is WinAnsi-safe already).
 */
export function textWidth(font: StandardFontEmbedder, text: string, size: number): number {
  let widths = glyphWidths.get(font);
  if (!widths) glyphWidths.set(font, (widths = new Float64Array(0x10000).fill(-1)));
  let total = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    let w = widths[c]!;
    if (w < 0) {
      try {
        w = font.widthOfTextAtSize(text[i]!, 1000);
      } catch {
        w = 0; // not in WinAnsi (callers pass winAnsiSafe text; a lone surrogate has no width)
      }
      widths[c] = w;
    }
    total += w;
  }
  return (total * size) / 1000;
}
const fmt = (v: number) => (Math.round(v * 1000) / 1000).toString();
const hex = (text: string) => `<${winAnsiBytes(text).toString('hex')}>`;

/** The user-space frame of the page as a reader shows it: origin, and the units along and up. */
function viewFrame(box: Box, rotate: number): { cm: number[]; width: number; height: number } {
  const [x1, y1, x2, y2] = box;
  const w = x2 - x1;
  const h = y2 - y1;
  switch (rotate) {
    case 90: return { cm: [0, 1, -1, 0, x2, y1], width: h, height: w };
    case 180: return { cm: [-1, 0, 0, -1, x2, y2], width: w, height: h };
    case 270: return { cm: [0, -1, 1, 0, x1, y2], width: h, height: w };
    default: return { cm: [1, 0, 0, 1, x1, y1], width: w, height: h };
  }
}

/**
 * The stamp's content: restore the state the page began with (the q before the original content),
 * then, as a pagination artifact, the Bates number bottom right and the legend bottom left (top
 * left when the page is too narrow for both), upright as the page is shown.
 */
export function stampContent(page: Pick<PlannedPage, 'box' | 'rotate'>, label: string, legend: string | undefined, fonts: { regular: string; bold: string }): string {
  const { cm, width, height } = viewFrame(page.box, page.rotate);
  const labelWidth = textWidth(helvetica, label, STAMP_SIZE);
  const room = width - 2 * STAMP_MARGIN;
  const size = labelWidth > room ? Math.max(3, (STAMP_SIZE * room) / labelWidth) : STAMP_SIZE;
  const margin = Math.min(STAMP_MARGIN, width / 8, height / 8);
  const ops = ['Q', 'q', '/Artifact <</Type /Pagination /Subtype /Footer>> BDC', `${cm.map(fmt).join(' ')} cm`, '0 g'];
  ops.push(`BT /${fonts.regular} ${fmt(size)} Tf ${fmt(width - margin - textWidth(helvetica, label, size))} ${fmt(margin)} Td ${hex(label)} Tj ET`);
  if (legend) {
    const text = winAnsiSafe(legend);
    const legendWidth = textWidth(helveticaBold, text, size);
    const fitsBeside = margin + legendWidth + 12 < width - margin - textWidth(helvetica, label, size);
    // On top, alone on its line, it shrinks to the page's width if it must.
    const legendSize = fitsBeside ? size : Math.min(size, Math.max(3, (size * (width - 2 * margin)) / legendWidth));
    const y = fitsBeside ? margin : height - margin - legendSize;
    ops.push(`BT /${fonts.bold} ${fmt(legendSize)} Tf ${fmt(margin)} ${fmt(y)} Td ${hex(text)} Tj ET`);
  }
  ops.push('EMC', 'Q');
  return `${ops.join('\n')}\n`;
}

/** A resource name not already used in the dictionary. */
function freshName(used: PdfDict | null, base: string): string {
  let candidate = base;
  for (let i = 1; used?.entries.has(candidate); i += 1) candidate = `${base}${i}`;
  return candidate;
}

/** The appended update for the plan: font objects, content streams, pages, xref and trailer. */
export function incrementalTail(plan: IncrementalPlan, opts: StampText, headLength: number, headEndsWithEol: boolean): Buffer {
  const { file, pages } = plan;
  const { trailer, startxref, newestIsStream } = file.info;
  let next = file.info.size;
  // The tail is built as one Latin-1 string (one character per byte) and converted once.
  let text = '';
  const offsetOf = () => headLength + text.length;
  const xref: { num: number; gen: number; offset: number }[] = [];
  const object = (n: number, gen: number, body: string) => {
    xref.push({ num: n, gen, offset: offsetOf() });
    text += `${n} ${gen} obj\n${body}\nendobj\n`;
  };
  const stream = (n: number, content: string, compress: boolean) => {
    const data = compress ? storedZlibLatin1(content) : content;
    object(n, 0, `<< /Length ${data.length}${compress ? ' /Filter /FlateDecode' : ''} >>\nstream\n${data}\nendstream`);
  };

  if (!headEndsWithEol) text += '\n';
  const regularFont = next++;
  object(regularFont, 0, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const boldFont = opts.legend ? next++ : null;
  if (boldFont !== null) object(boldFont, 0, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const saveState = next++;
  stream(saveState, 'q\n', false);

  // Resources shared by pages (an indirect object) are extended once and shared again.
  const sharedResources = new Map<number, { n: number; fonts: { regular: string; bold: string } }>();
  const extendResources = (page: PlannedPage): { value: PdfValue; fonts: { regular: string; bold: string } } => {
    if (page.resourcesNum !== null) {
      const known = sharedResources.get(page.resourcesNum);
      if (known) return { value: ref(known.n), fonts: known.fonts };
    }
    const base = page.resources;
    const entries = new Map(base?.entries ?? []);
    const fontValue = file.resolve(entries.get('Font'));
    const fontDict = fontValue?.t === 'dict' ? fontValue : null;
    const fonts = { regular: freshName(fontDict, 'VRPBates'), bold: freshName(fontDict, 'VRPLegend') };
    const newFonts = new Map(fontDict?.entries ?? []);
    newFonts.set(fonts.regular, ref(regularFont));
    if (boldFont !== null) newFonts.set(fonts.bold, ref(boldFont));
    entries.set('Font', { t: 'dict', entries: newFonts });
    const value: PdfDict = { t: 'dict', entries };
    if (page.resourcesNum === null) return { value, fonts };
    const n = next++;
    object(n, 0, serialize(value));
    sharedResources.set(page.resourcesNum, { n, fonts });
    return { value: ref(n), fonts };
  };

  pages.forEach((page, i) => {
    const label = batesLabel(opts.prefix, opts.firstBates + i);
    const { value: resources, fonts } = extendResources(page);
    const stampNum = next++;
    stream(stampNum, stampContent(page, label, opts.legend, fonts), true);
    const contents = page.dict.entries.get('Contents');
    const resolvedContents = file.resolve(contents);
    const original: PdfValue[] = contents === undefined || resolvedContents?.t === 'null' ? []
      : resolvedContents?.t === 'arr' ? resolvedContents.items
        : [contents];
    const entries = new Map(page.dict.entries);
    entries.set('Contents', { t: 'arr', items: [ref(saveState), ...original, ref(stampNum)] });
    entries.set('Resources', resources);
    object(page.num, page.gen, serialize({ t: 'dict', entries }));
  });

  const keep = (key: string): [string, PdfValue][] => {
    const v = trailer.entries.get(key);
    return v === undefined ? [] : [[key, v]];
  };
  if (newestIsStream) {
    const self = next++;
    const xrefOffset = offsetOf();
    const rows = [...xref, { num: self, gen: 0, offset: xrefOffset }].sort((a, b) => a.num - b.num);
    const width = Math.max(1, Math.ceil(Math.log2(xrefOffset + 2) / 8));
    const data = Buffer.alloc(rows.length * (1 + width + 2));
    rows.forEach((r, i) => {
      const at = i * (3 + width);
      data[at] = 1;
      data.writeUIntBE(r.offset, at + 1, width);
      data.writeUInt16BE(r.gen, at + 1 + width);
    });
    const packed = deflateSync(data).toString('latin1');
    const d = dict([
      ['Type', name('XRef')], ['Size', num(next)], ['W', { t: 'arr', items: [num(1), num(width), num(2)] }],
      ['Index', { t: 'arr', items: runs(rows.map((r) => r.num)).flatMap(([s, c]) => [num(s), num(c)]) }],
      ...keep('Root'), ...keep('Info'), ...keep('ID'), ['Prev', num(startxref)],
      ['Filter', name('FlateDecode')], ['Length', num(packed.length)],
    ]);
    text += `${self} 0 obj\n${serialize(d)}\nstream\n${packed}\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`;
  } else {
    const xrefOffset = offsetOf();
    const rows = [...xref].sort((a, b) => a.num - b.num);
    const lines = ['xref'];
    let i = 0;
    for (const [start, count] of runs(rows.map((r) => r.num))) {
      lines.push(`${start} ${count}`);
      for (let k = 0; k < count; k += 1, i += 1) lines.push(`${String(rows[i]!.offset).padStart(10, '0')} ${String(rows[i]!.gen).padStart(5, '0')} n\r`);
    }
    const t = dict([['Size', num(next)], ...keep('Root'), ...keep('Info'), ...keep('ID'), ['Prev', num(startxref)]]);
    text += `${lines.join('\n')}\ntrailer\n${serialize(t)}\nstartxref\n${xrefOffset}\n%%EOF\n`;
  }
  return Buffer.from(text, 'latin1');
}

/** `storedZlib` of a Latin-1 string, as a Latin-1 string. */
function storedZlibLatin1(content: string): string {
  if (content.length > 0xffff) return storedZlib(Buffer.from(content, 'latin1')).toString('latin1');
  let s1 = 1;
  let s2 = 0;
  for (let i = 0; i < content.length; i += 1) {
    s1 += content.charCodeAt(i);
    s2 += s1;
    if ((i & 4095) === 4095) { s1 %= 65521; s2 %= 65521; }
  }
  s1 %= 65521;
  s2 %= 65521;
  const n = content.length;
  const c = String.fromCharCode;
  return c(0x78, 0x01, 0x01, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff) + content + c(s2 >> 8, s2 & 0xff, s1 >> 8, s1 & 0xff);
}

/**
 * Data as a zlib stream of stored (uncompressed) blocks (RFC 1950/1951): valid FlateDecode that any
 * reader (and every text extractor that only looks in deflated streams) inflates, without the cost
 * of a compressor per page; the stamp is a few hundred bytes, compression would save little.
 */
export function storedZlib(data: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / 0xffff));
  const out = Buffer.alloc(2 + data.length + blocks * 5 + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let b = 0; b < blocks; b += 1) {
    const chunk = data.subarray(b * 0xffff, (b + 1) * 0xffff);
    out[at] = b === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(chunk.length, at + 1);
    out.writeUInt16LE(~chunk.length & 0xffff, at + 3);
    chunk.copy(out, at + 5);
    at += 5 + chunk.length;
  }
  let s1 = 1;
  let s2 = 0;
  for (let i = 0; i < data.length;) {
    // 5552 bytes at most between reductions keeps the sums below 2^32 (zlib's NMAX).
    const end = Math.min(data.length, i + 5552);
    for (; i < end; i += 1) {
      s1 += data[i]!;
      s2 += s1;
    }
    s1 %= 65521;
    s2 %= 65521;
  }
  out.writeUInt32BE(((s2 << 16) | s1) >>> 0, at);
  return out;
}

/** Sorted object numbers as [start, count] runs. */
function runs(nums: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of nums) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === n) last[1] += 1;
    else out.push([n, 1]);
  }
  return out;
}
