/**
 * Tells an Office Open XML document (DOCX, XLSX, PPTX) from any other ZIP while it streams past,
 * holding only the first 64 KiB (local file headers) and the last 256 KiB (central directory).
 * Nothing is inflated or extracted: the entry names and attributes decide.
 */

const HEAD_LIMIT = 64 * 1024;
const TAIL_LIMIT = 256 * 1024;
/** Declared unpacked size beyond which a document is a decompression bomb, whatever its name. */
export const MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024;
const MAX_ENTRIES = 20_000;

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;

export type OfficeKind = 'docx' | 'xlsx' | 'pptx';
export interface ZipVerdict { kind: OfficeKind | null; unsafe?: string; flags: string[] }
interface Entry { name: string; symlink: boolean; unpacked: number }

export class ZipProbe {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < HEAD_LIMIT) {
      const part = chunk.subarray(0, HEAD_LIMIT - this.headBytes);
      this.head.push(Buffer.from(part));
      this.headBytes += part.length;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - this.tail[0]!.length >= TAIL_LIMIT) this.tailBytes -= this.tail.shift()!.length;
  }

  /** Judges the whole file once the last chunk has been pushed. */
  verdict(): ZipVerdict {
    const tail = Buffer.concat(this.tail);
    const central = centralEntries(tail, this.total - tail.length);
    const entries = [...localEntries(Buffer.concat(this.head)), ...(central ?? [])];
    return judge(entries);
  }
}

function judge(entries: Entry[]): ZipVerdict {
  const names = entries.map((e) => e.name);
  const flags = officeFlags(names);
  if (entries.length > MAX_ENTRIES) return { kind: null, unsafe: 'too many entries', flags };
  if (entries.some((e) => e.symlink)) return { kind: null, unsafe: 'symbolic link entries', flags };
  if (names.some(unsafeName)) return { kind: null, unsafe: 'entry paths that leave the document', flags };
  const unpacked = entries.reduce((sum, e) => sum + e.unpacked, 0);
  if (unpacked > MAX_UNPACKED_BYTES) return { kind: null, unsafe: 'it unpacks to more than 2 GiB', flags };
  if (!names.includes('[Content_Types].xml')) return { kind: null, flags };
  const families = (['word/', 'xl/', 'ppt/'] as const).filter((p) => names.some((n) => n.startsWith(p)));
  if (families.length !== 1) return { kind: null, flags };
  return { kind: ({ 'word/': 'docx', 'xl/': 'xlsx', 'ppt/': 'pptx' } as const)[families[0]!], flags };
}

/** Reviewer flags for active or opaque content inside an Office document. */
function officeFlags(names: string[]): string[] {
  const flags = new Set<string>();
  for (const n of names.map((x) => x.toLowerCase())) {
    if (n.endsWith('vbaproject.bin') || n.endsWith('vbadata.xml')) flags.add('office_macros');
    if (n.includes('/activex/')) flags.add('office_activex');
    if (n.includes('/embeddings/')) flags.add('office_embedded_object');
  }
  return [...flags].sort();
}

/** Zip-slip and friends: absolute paths, drive letters, backslashes, `..` segments, NUL. */
function unsafeName(name: string): boolean {
  return name.startsWith('/') || /^[a-z]:/i.test(name) || name.includes('\\') || name.includes('\0')
    || name.split('/').includes('..');
}

const decodeName = (buf: Buffer, start: number, end: number, utf8: boolean) => buf.toString(utf8 ? 'utf8' : 'latin1', start, end);

/**
 * Names from the local file headers at the start. An entry whose sizes follow its data (bit 3)
 * cannot be skipped without inflating it, so the walk stops there; the central directory covers the rest.
 */
function localEntries(head: Buffer): Entry[] {
  const entries: Entry[] = [];
  let off = 0;
  while (off + 30 <= head.length && head.readUInt32LE(off) === LOCAL_SIG) {
    const flags = head.readUInt16LE(off + 6);
    const packed = head.readUInt32LE(off + 18);
    const nameLen = head.readUInt16LE(off + 26);
    const extraLen = head.readUInt16LE(off + 28);
    if (off + 30 + nameLen > head.length) break;
    entries.push({ name: decodeName(head, off + 30, off + 30 + nameLen, (flags & 0x800) !== 0), symlink: false, unpacked: 0 });
    if ((flags & 0x08) !== 0 || packed === 0xffffffff) break;
    off += 30 + nameLen + extraLen + packed;
  }
  return entries;
}

/** Entries of the central directory when it lies within the tail (undefined when it cannot be read). */
function centralEntries(tail: Buffer, tailStart: number): Entry[] | undefined {
  const end = findEnd(tail);
  if (end === undefined) return undefined;
  const count = tail.readUInt16LE(end + 10);
  const size = tail.readUInt32LE(end + 12);
  const offset = tail.readUInt32LE(end + 16);
  if (offset === 0xffffffff || size === 0xffffffff) return undefined; // ZIP64: far beyond our size limits
  let p = offset - tailStart;
  if (p < 0 || p + size > end) return undefined;
  const entries: Entry[] = [];
  for (let i = 0; i < count && p + 46 <= end && tail.readUInt32LE(p) === CENTRAL_SIG; i += 1) {
    const host = tail.readUInt8(p + 5);
    const nameLen = tail.readUInt16LE(p + 28);
    const mode = tail.readUInt32LE(p + 38) >>> 16;
    entries.push({
      name: decodeName(tail, p + 46, p + 46 + nameLen, (tail.readUInt16LE(p + 8) & 0x800) !== 0),
      symlink: host === 3 && (mode & 0xf000) === 0xa000,
      unpacked: tail.readUInt32LE(p + 24),
    });
    p += 46 + nameLen + tail.readUInt16LE(p + 30) + tail.readUInt16LE(p + 32);
  }
  return entries;
}

/** Position of the end-of-central-directory record: it must end the file exactly (after its comment). */
function findEnd(tail: Buffer): number | undefined {
  for (let i = tail.length - 22; i >= Math.max(0, tail.length - 22 - 0xffff); i -= 1) {
    if (tail.readUInt32LE(i) === END_SIG && i + 22 + tail.readUInt16LE(i + 20) === tail.length) return i;
  }
  return undefined;
}
