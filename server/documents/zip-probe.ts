/**
 * Tells an Office Open XML document (DOCX, XLSX, PPTX) from any other ZIP while it streams past,
 * holding only the first 64 KiB (local file headers) and the last 4 MiB (central directory, in its
 * classic or ZIP64 form: zip-directory.ts). Nothing is inflated or extracted: the entry names and
 * attributes decide, and a directory that cannot be read is refused, never skipped.
 */
import { DirectoryError, LOCAL_SIG, extraField, readCentralDirectory, u64, type CentralEntry } from './zip-directory';

const HEAD_LIMIT = 64 * 1024;
/** Room for the directory of MAX_ENTRIES entries with ordinary names, plus the end records and a comment. */
const TAIL_LIMIT = 4 * 1024 * 1024;
/** Declared unpacked size beyond which a document is a decompression bomb, whatever its name. */
export const MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024;
const MAX_ENTRIES = 20_000;

const U32_MAX = 0xffffffff;

export type OfficeKind = 'docx' | 'xlsx' | 'pptx';
/** `unsafe`: hostile content (refused as such); `unreadable`: the structure cannot be checked (refused too). */
export interface ZipVerdict { kind: OfficeKind | null; unsafe?: string; unreadable?: string; flags: string[] }
type Entry = CentralEntry;

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
    const local = localEntries(Buffer.concat(this.head));
    try {
      return judge(local, readCentralDirectory(tail, this.total - tail.length));
    } catch (err) {
      if (err instanceof DirectoryError) return { kind: null, unreadable: err.message, flags: [] };
      throw err;
    }
  }
}

/** The directory decides; the local headers' names are checked as well (a reader may go by those). */
function judge(local: Entry[], central: Entry[]): ZipVerdict {
  const entries = [...local, ...central];
  const names = entries.flatMap((e) => e.names);
  const flags = officeFlags(names);
  if (central.length > MAX_ENTRIES) return { kind: null, unsafe: 'too many entries', flags };
  if (entries.some((e) => e.symlink)) return { kind: null, unsafe: 'symbolic link entries', flags };
  if (names.some(unsafeName)) return { kind: null, unsafe: 'entry paths that leave the document', flags };
  if (entries.some((e) => e.encrypted)) return { kind: null, unsafe: 'encrypted entries, which cannot be checked', flags };
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
 * Names from the local file headers at the start (a reader that walks them, not the directory,
 * extracts these). An entry whose sizes follow its data (bit 3) cannot be skipped without
 * inflating it, so the walk stops there; the central directory covers the rest.
 */
function localEntries(head: Buffer): Entry[] {
  const entries: Entry[] = [];
  let off = 0;
  while (off + 30 <= head.length && head.readUInt32LE(off) === LOCAL_SIG) {
    const flags = head.readUInt16LE(off + 6);
    const nameLen = head.readUInt16LE(off + 26);
    if (off + 30 + nameLen > head.length) break;
    entries.push({ names: [decodeName(head, off + 30, off + 30 + nameLen, (flags & 0x800) !== 0)], symlink: false, encrypted: (flags & 0x41) !== 0, unpacked: 0 });
    const extraEnd = off + 30 + nameLen + head.readUInt16LE(off + 28);
    if (extraEnd > head.length) break;
    const packed = localPackedSize(head, off, extraEnd);
    if ((flags & 0x08) !== 0 || packed === undefined) break;
    off = extraEnd + packed;
  }
  return entries;
}

/** The entry's compressed size; a ZIP64 local header keeps it in its extra field (after the unpacked size). */
function localPackedSize(head: Buffer, off: number, extraEnd: number): number | undefined {
  const packed = head.readUInt32LE(off + 18);
  if (packed !== U32_MAX) return packed;
  const zip64 = extraField(head, off + 30 + head.readUInt16LE(off + 26), extraEnd, 0x0001);
  try {
    return zip64 && zip64.length >= 16 ? u64(zip64, 8) : undefined;
  } catch {
    return undefined;
  }
}
