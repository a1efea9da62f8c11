import { inflateSync, constants as zlibConstants } from 'node:zlib';

/**
 * Just enough of a PDF reader (ISO 32000-1, 7.2-7.5) to append an incremental update: the lexer
 * and object parser, cross-reference tables and streams (with /Prev chains and hybrid files'
 * /XRefStm), object streams, and lookup of objects by number. It reads only the objects asked
 * for (the trailer, catalog, page tree and pages' resources), never the whole file, so its cost
 * does not grow with the size of images and fonts. Anything it does not understand throws
 * `PdfUnsupported`, and the caller falls back to a full rewrite.
 */

export class PdfUnsupported extends Error {}

/** A file whose structure is readable but cannot be stamped page by page (it becomes a slip, with this reason). */
export class PdfRefused extends Error {}

export type PdfValue =
  | { t: 'num'; v: number; raw: string }
  | { t: 'ref'; num: number; gen: number }
  | { t: 'name'; v: string; raw: string }
  | { t: 'str'; raw: Buffer }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'arr'; items: PdfValue[] }
  | { t: 'dict'; entries: Map<string, PdfValue> };

export type PdfDict = Extract<PdfValue, { t: 'dict' }>;

export interface PdfStream {
  dict: PdfDict;
  /** The raw (still encoded) data. */
  data: Buffer;
}

const WS = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
const isRegular = (c: number | undefined) => c !== undefined && !WS[c] && !DELIM[c];
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** Nesting deeper than this is refused (no PDF producer writes it; a hostile file might). */
const MAX_DEPTH = 64;

export class PdfLexer {
  constructor(readonly buf: Buffer, public pos = 0) {}

  skipWs(): void {
    const b = this.buf;
    for (;;) {
      while (this.pos < b.length && WS[b[this.pos]!]) this.pos += 1;
      if (b[this.pos] !== 0x25) return; // %
      while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos += 1;
    }
  }

  /** The next run of regular characters (a number or keyword), without moving past white space first. */
  private word(): string {
    const start = this.pos;
    while (isRegular(this.buf[this.pos])) this.pos += 1;
    return this.buf.toString('latin1', start, this.pos);
  }

  keyword(expected: string): void {
    this.skipWs();
    const w = this.word();
    if (w !== expected) throw new PdfUnsupported(`expected ${expected} at ${this.pos}, found ${JSON.stringify(w.slice(0, 20))}`);
  }

  /** A non-negative integer (read from the bytes directly: the cross-reference has thousands). */
  integer(): number {
    this.skipWs();
    const v = this.digits();
    if (v < 0) throw new PdfUnsupported(`expected an integer at ${this.pos}`);
    return v;
  }

  /** An unsigned integer token at pos (digits then a non-regular byte), or -1 with pos unchanged. */
  private digits(): number {
    const b = this.buf;
    const start = this.pos;
    let v = 0;
    while (isDigit(b[this.pos])) {
      v = v * 10 + b[this.pos]! - 0x30;
      this.pos += 1;
    }
    if (this.pos === start || this.pos - start > 15 || isRegular(b[this.pos])) {
      this.pos = start;
      return -1;
    }
    return v;
  }

  peekKeyword(expected: string): boolean {
    const save = this.pos;
    this.skipWs();
    const w = this.word();
    this.pos = save;
    return w === expected;
  }

  value(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) throw new PdfUnsupported('objects nested too deeply');
    this.skipWs();
    const b = this.buf;
    const c = b[this.pos];
    if (c === undefined) throw new PdfUnsupported('unexpected end of data');
    if (c === 0x3c && b[this.pos + 1] === 0x3c) { // <<
      this.pos += 2;
      const entries = new Map<string, PdfValue>();
      for (;;) {
        this.skipWs();
        if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) { this.pos += 2; return { t: 'dict', entries }; }
        const key = this.value(depth + 1);
        if (key.t !== 'name') throw new PdfUnsupported(`dictionary key is not a name at ${this.pos}`);
        entries.set(key.v, this.value(depth + 1));
      }
    }
    if (c === 0x3c) { // <hex>
      const end = b.indexOf(0x3e, this.pos);
      if (end < 0) throw new PdfUnsupported('unterminated hex string');
      const raw = b.subarray(this.pos, end + 1);
      this.pos = end + 1;
      return { t: 'str', raw };
    }
    if (c === 0x5b) { // [
      this.pos += 1;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipWs();
        if (b[this.pos] === 0x5d) { this.pos += 1; return { t: 'arr', items }; }
        items.push(this.value(depth + 1));
      }
    }
    if (c === 0x28) return this.literalString();
    if (c === 0x2f) { // /name
      const start = this.pos;
      this.pos += 1;
      let escaped = false;
      while (isRegular(b[this.pos])) {
        if (b[this.pos] === 0x23) escaped = true;
        this.pos += 1;
      }
      const raw = b.toString('latin1', start, this.pos);
      const v = escaped ? raw.slice(1).replace(/#([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))) : raw.slice(1);
      return { t: 'name', raw, v };
    }
    if (isDigit(c)) {
      // The common case, an integer, or `num gen R`, without making strings.
      const start = this.pos;
      const n = this.digits();
      if (n >= 0) {
        const save = this.pos;
        this.skipWs();
        const gen = isDigit(b[this.pos]) ? this.digits() : -1;
        if (gen >= 0) {
          this.skipWs();
          if (b[this.pos] === 0x52 && !isRegular(b[this.pos + 1])) { // R
            this.pos += 1;
            return { t: 'ref', num: n, gen };
          }
        }
        this.pos = save;
        return { t: 'num', v: n, raw: String(n) };
      }
      this.pos = start;
    }
    if (isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const raw = this.word();
      if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/.test(raw)) throw new PdfUnsupported(`bad number ${JSON.stringify(raw.slice(0, 20))}`);
      // `num gen R` is a reference.
      if (/^[0-9]+$/.test(raw)) {
        const save = this.pos;
        this.skipWs();
        if (isDigit(b[this.pos])) {
          const gen = this.word();
          this.skipWs();
          if (/^[0-9]+$/.test(gen) && b[this.pos] === 0x52 && !isRegular(b[this.pos + 1])) { // R
            this.pos += 1;
            return { t: 'ref', num: Number(raw), gen: Number(gen) };
          }
        }
        this.pos = save;
      }
      return { t: 'num', v: Number(raw), raw };
    }
    const w = this.word();
    if (w === 'true' || w === 'false') return { t: 'bool', v: w === 'true' };
    if (w === 'null') return { t: 'null' };
    throw new PdfUnsupported(`unexpected ${JSON.stringify(w.slice(0, 20) || String.fromCharCode(c))} at ${this.pos}`);
  }

  private literalString(): PdfValue {
    const b = this.buf;
    const start = this.pos;
    let depth = 0;
    for (; this.pos < b.length; this.pos += 1) {
      const c = b[this.pos];
      if (c === 0x5c) { this.pos += 1; continue; } // backslash escapes the next byte
      if (c === 0x28) depth += 1;
      else if (c === 0x29) {
        depth -= 1;
        if (depth === 0) {
          this.pos += 1;
          return { t: 'str', raw: b.subarray(start, this.pos) };
        }
      }
    }
    throw new PdfUnsupported('unterminated string');
  }
}

/** The PDF text of a value (names and strings byte for byte as read). */
export function serialize(v: PdfValue): string {
  switch (v.t) {
    case 'num': return v.raw;
    case 'ref': return `${v.num} ${v.gen} R`;
    case 'name': return v.raw;
    case 'str': return v.raw.toString('latin1');
    case 'bool': return v.v ? 'true' : 'false';
    case 'null': return 'null';
    case 'arr': return `[${v.items.map(serialize).join(' ')}]`;
    case 'dict': return `<<${[...v.entries].map(([k, val]) => `${nameRaw(k)} ${serialize(val)}`).join(' ')}>>`;
  }
}

/** A name as PDF writes it: `/` and the bytes, with `#xx` for anything that is not a plain regular character. */
const nameRaws = new Map<string, string>();
export function nameRaw(name: string): string {
  let cached = nameRaws.get(name);
  if (cached === undefined) {
    cached = encodeName(name);
    if (nameRaws.size < 4096) nameRaws.set(name, cached);
  }
  return cached;
}

function encodeName(name: string): string {
  let out = '/';
  for (let i = 0; i < name.length; i += 1) {
    const c = name.charCodeAt(i);
    out += c > 0x20 && c < 0x7f && c !== 0x23 && isRegular(c) ? name[i] : `#${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export const num = (v: number): PdfValue => ({ t: 'num', v, raw: Number.isInteger(v) ? String(v) : v.toFixed(4).replace(/0+$/, '').replace(/\.$/, '') });
export const name = (v: string): PdfValue => ({ t: 'name', v, raw: nameRaw(v) });
export const ref = (n: number, gen = 0): PdfValue => ({ t: 'ref', num: n, gen });
export const dict = (entries: [string, PdfValue][] = []): PdfDict => ({ t: 'dict', entries: new Map(entries) });

type XrefEntry = { type: 0 } | { type: 1; offset: number; gen: number } | { type: 2; stream: number; index: number };

export interface XrefInfo {
  /** The newest trailer (or cross-reference stream dictionary). */
  trailer: PdfDict;
  /** Offset of the newest cross-reference section (the file's startxref). */
  startxref: number;
  /** Whether the newest section is a cross-reference stream (then the update writes one too). */
  newestIsStream: boolean;
  /** One more than the highest object number in use. */
  size: number;
}

/** Streams a hostile file could declare as huge: never decode more than this for the reader's own use. */
const MAX_DECODED = 64 * 1024 * 1024;

/** Decodes FlateDecode (with PNG predictors) or unfiltered data; anything else is unsupported. */
export function decodeStream(stream: PdfStream, resolve: (v: PdfValue | undefined) => PdfValue | undefined): Buffer {
  const filter = resolve(stream.dict.entries.get('Filter'));
  const filters = filter === undefined ? [] : filter.t === 'arr' ? filter.items.map((f) => resolve(f)) : [filter];
  let parms = resolve(stream.dict.entries.get('DecodeParms'));
  if (parms?.t === 'arr') parms = resolve(parms.items[0]);
  if (filters.length > 1) throw new PdfUnsupported('more than one filter');
  let data = stream.data;
  if (filters.length === 1) {
    const f = filters[0];
    if (f?.t !== 'name' || (f.v !== 'FlateDecode' && f.v !== 'Fl')) throw new PdfUnsupported(`filter ${f?.t === 'name' ? f.v : '?'}`);
    try {
      data = inflateSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: MAX_DECODED });
    } catch (err) {
      throw new PdfUnsupported(`bad deflate data: ${(err as Error).message}`);
    }
    if (parms?.t === 'dict') data = unpredict(data, parms, resolve);
  }
  return data;
}

function intOf(v: PdfValue | undefined, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (v?.t !== 'num' || !Number.isInteger(v.v) || v.v < 0) throw new PdfUnsupported('expected a non-negative integer');
  return v.v;
}

/** PNG predictors (ISO 32000-1, 7.4.4.4); TIFF predictor 2 is unsupported. */
function unpredict(data: Buffer, parms: PdfDict, resolve: (v: PdfValue | undefined) => PdfValue | undefined): Buffer {
  const predictor = intOf(resolve(parms.entries.get('Predictor')), 1);
  if (predictor === 1) return data;
  if (predictor < 10) throw new PdfUnsupported(`predictor ${predictor}`);
  const colors = intOf(resolve(parms.entries.get('Colors')), 1);
  const bpc = intOf(resolve(parms.entries.get('BitsPerComponent')), 8);
  const columns = intOf(resolve(parms.entries.get('Columns')), 1);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = Buffer.alloc(rows * rowLength);
  const prev = Buffer.alloc(rowLength);
  for (let r = 0; r < rows; r += 1) {
    const type = data[r * (rowLength + 1)]!;
    const row = out.subarray(r * rowLength, (r + 1) * rowLength);
    data.copy(row, 0, r * (rowLength + 1) + 1, (r + 1) * (rowLength + 1));
    for (let i = 0; i < rowLength; i += 1) {
      const left = i >= bpp ? row[i - bpp]! : 0;
      const up = prev[i]!;
      const upLeft = i >= bpp ? prev[i - bpp]! : 0;
      let add = 0;
      if (type === 1) add = left;
      else if (type === 2) add = up;
      else if (type === 3) add = (left + up) >> 1;
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        add = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (type !== 0) throw new PdfUnsupported(`PNG filter type ${type}`);
      row[i] = (row[i]! + add) & 0xff;
    }
    row.copy(prev);
  }
  return out;
}

/** An indirect object read from the file: its value and, for a stream, its raw data. */
interface ReadObject { value: PdfValue; stream?: PdfStream }

export class PdfFile {
  private readonly xref = new Map<number, XrefEntry>();
  private readonly cache = new Map<number, ReadObject>();
  private readonly objectStreams = new Map<number, { numbers: number[]; offsets: number[]; data: Buffer; first: number }>();
  readonly info: XrefInfo;

  constructor(readonly buf: Buffer) {
    this.info = this.readXref();
  }

  /** Follows startxref and every /Prev (and /XRefStm); newer entries win. */
  private readXref(): XrefInfo {
    const tail = this.buf.subarray(Math.max(0, this.buf.length - 2048)).toString('latin1');
    const at = tail.lastIndexOf('startxref');
    if (at < 0) throw new PdfUnsupported('no startxref');
    const m = /^startxref\s+([0-9]+)/.exec(tail.slice(at));
    if (!m) throw new PdfUnsupported('bad startxref');
    const startxref = Number(m[1]);
    let trailer: PdfDict | null = null;
    let newestIsStream = false;
    const seen = new Set<number>();
    let offset: number | null = startxref;
    while (offset !== null) {
      if (seen.has(offset) || seen.size > 1000) throw new PdfUnsupported('cross-reference sections loop');
      seen.add(offset);
      if (offset >= this.buf.length) throw new PdfUnsupported('cross-reference offset beyond the file');
      const lex = new PdfLexer(this.buf, offset);
      let section: PdfDict;
      if (lex.peekKeyword('xref')) {
        section = this.readTable(lex);
        const xrefStm = section.entries.get('XRefStm');
        if (xrefStm?.t === 'num') this.readStreamSection(xrefStm.v);
        if (trailer === null) newestIsStream = false;
      } else {
        section = this.readStreamSection(offset);
        if (trailer === null) newestIsStream = true;
      }
      trailer ??= section;
      const prev = section.entries.get('Prev');
      offset = prev?.t === 'num' ? prev.v : null;
    }
    if (!trailer) throw new PdfUnsupported('no trailer');
    let size = intOf(trailer.entries.get('Size'), 0);
    for (const n of this.xref.keys()) size = Math.max(size, n + 1);
    return { trailer, startxref, newestIsStream, size };
  }

  private readTable(lex: PdfLexer): PdfDict {
    lex.keyword('xref');
    for (;;) {
      if (lex.peekKeyword('trailer')) break;
      const start = lex.integer();
      const count = lex.integer();
      if (count > 10_000_000) throw new PdfUnsupported('cross-reference subsection too large');
      for (let i = 0; i < count; i += 1) {
        const offset = lex.integer();
        const gen = lex.integer();
        lex.skipWs();
        const kind = this.buf[lex.pos];
        lex.pos += 1;
        const n = start + i;
        if (this.xref.has(n)) continue;
        if (kind === 0x6e) this.xref.set(n, { type: 1, offset, gen }); // n
        else if (kind === 0x66) this.xref.set(n, { type: 0 }); // f
        else throw new PdfUnsupported('bad cross-reference entry');
      }
    }
    lex.keyword('trailer');
    const trailer = lex.value();
    if (trailer.t !== 'dict') throw new PdfUnsupported('trailer is not a dictionary');
    return trailer;
  }

  private readStreamSection(offset: number): PdfDict {
    const obj = this.parseAt(offset, null);
    if (!obj.stream || obj.value.t !== 'dict') throw new PdfUnsupported('cross-reference section is neither a table nor a stream');
    const d = obj.value;
    const type = d.entries.get('Type');
    if (type?.t !== 'name' || type.v !== 'XRef') throw new PdfUnsupported('not a cross-reference stream');
    const data = decodeStream(obj.stream, (v) => v); // filters of an xref stream are direct
    const w = d.entries.get('W');
    if (w?.t !== 'arr' || w.items.length !== 3) throw new PdfUnsupported('bad /W');
    const widths = w.items.map((x) => intOf(x));
    if (widths.some((x) => x > 8)) throw new PdfUnsupported('bad /W');
    const size = intOf(d.entries.get('Size'));
    const index = d.entries.get('Index');
    const ranges = index?.t === 'arr' ? index.items.map((x) => intOf(x)) : [0, size];
    const rowLength = widths[0]! + widths[1]! + widths[2]!;
    let pos = 0;
    const field = (width: number, fallback: number) => {
      if (width === 0) return fallback;
      let v = 0;
      for (let i = 0; i < width; i += 1) v = v * 256 + data[pos + i]!;
      pos += width;
      return v;
    };
    for (let r = 0; r + 1 < ranges.length; r += 2) {
      for (let i = 0; i < ranges[r + 1]!; i += 1) {
        if (pos + rowLength > data.length) throw new PdfUnsupported('cross-reference stream too short');
        const type = field(widths[0]!, 1);
        const a = field(widths[1]!, 0);
        const b = field(widths[2]!, 0);
        const n = ranges[r]! + i;
        if (this.xref.has(n)) continue;
        if (type === 0) this.xref.set(n, { type: 0 });
        else if (type === 1) this.xref.set(n, { type: 1, offset: a, gen: b });
        else if (type === 2) this.xref.set(n, { type: 2, stream: a, index: b });
        // other types are reserved: the object is treated as absent (null), as the spec says
      }
    }
    return d;
  }

  /** Parses `num gen obj ... endobj` at an offset; checks the number when one is expected. */
  private parseAt(offset: number, expect: number | null): ReadObject {
    const lex = new PdfLexer(this.buf, offset);
    const n = lex.integer();
    const gen = lex.integer();
    lex.keyword('obj');
    if (expect !== null && n !== expect) throw new PdfUnsupported(`object ${expect} is not at its offset (found ${n} ${gen})`);
    const value = lex.value();
    if (value.t === 'dict' && lex.peekKeyword('stream')) {
      lex.keyword('stream');
      if (this.buf[lex.pos] === 0x0d) lex.pos += 1;
      if (this.buf[lex.pos] === 0x0a) lex.pos += 1;
      const start = lex.pos;
      const lengthValue = value.entries.get('Length');
      const length = intOf(lengthValue?.t === 'ref' ? this.get(lengthValue.num) : lengthValue);
      const end = start + length;
      if (end > this.buf.length) throw new PdfUnsupported('stream runs past the end of the file');
      const after = new PdfLexer(this.buf, end);
      if (!after.peekKeyword('endstream')) throw new PdfUnsupported(`stream ${n}: /Length does not end at endstream`);
      return { value, stream: { dict: value, data: this.buf.subarray(start, end) } };
    }
    return { value };
  }

  /** Object `n` (null when absent or free). */
  get(n: number): PdfValue {
    return this.getObject(n).value;
  }

  getStream(n: number): PdfStream | undefined {
    return this.getObject(n).stream;
  }

  private getObject(n: number): ReadObject {
    const cached = this.cache.get(n);
    if (cached) return cached;
    const entry = this.xref.get(n);
    let obj: ReadObject;
    if (!entry || entry.type === 0) obj = { value: { t: 'null' } };
    else if (entry.type === 1) obj = this.parseAt(entry.offset, n);
    else obj = { value: this.fromObjectStream(entry.stream, entry.index, n) };
    this.cache.set(n, obj);
    return obj;
  }

  private fromObjectStream(streamNum: number, index: number, n: number): PdfValue {
    let os = this.objectStreams.get(streamNum);
    if (!os) {
      const entry = this.xref.get(streamNum);
      if (!entry || entry.type !== 1) throw new PdfUnsupported(`object stream ${streamNum} is not a plain object`);
      const obj = this.parseAt(entry.offset, streamNum);
      if (!obj.stream) throw new PdfUnsupported(`object stream ${streamNum} is not a stream`);
      const data = decodeStream(obj.stream, (v) => this.resolve(v));
      const count = intOf(this.resolve(obj.stream.dict.entries.get('N')));
      const first = intOf(this.resolve(obj.stream.dict.entries.get('First')));
      const lex = new PdfLexer(data, 0);
      const offsets: number[] = [];
      const numbers: number[] = [];
      for (let i = 0; i < count; i += 1) {
        numbers.push(lex.integer());
        offsets.push(lex.integer());
      }
      os = { numbers, offsets, data, first };
      this.objectStreams.set(streamNum, os);
    }
    const at = os.offsets[index];
    if (at === undefined || os.numbers[index] !== n) throw new PdfUnsupported(`object ${n} is not in object stream ${streamNum}`);
    return new PdfLexer(os.data, os.first + at).value();
  }

  resolve(v: PdfValue | undefined): PdfValue | undefined {
    let current = v;
    for (let hops = 0; current?.t === 'ref'; hops += 1) {
      if (hops > 32) throw new PdfUnsupported('reference chain too long');
      current = this.get(current.num);
    }
    return current;
  }

  /** The generation number the cross-reference gives object n (0 in object streams). */
  generation(n: number): number {
    const e = this.xref.get(n);
    return e?.type === 1 ? e.gen : 0;
  }
}
