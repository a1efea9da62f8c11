/**
 * Reads a ZIP's central directory from the bytes at the end of the file, in either form: the
 * classic end record, or the ZIP64 end record found through its locator (PKWARE APPNOTE 6.3.10,
 * 4.3.14-4.3.16, 4.5.3). Strict on purpose: anything that cannot be read, or that could be read
 * two ways by two readers, throws DirectoryError and the document is refused. A reader that
 * skipped such a directory would accept entries nobody checked.
 */

/**
 * One entry as the central directory describes it, sizes already taken from ZIP64 fields. `names`
 * holds the header's name and, when present, the Unicode Path field's: readers differ on which wins.
 */
export interface CentralEntry { names: string[]; symlink: boolean; encrypted: boolean; unpacked: number }

/** The directory cannot be read, or disagrees with itself; the message says why, for a person. */
export class DirectoryError extends Error {}

/** Record signatures of the ZIP format (APPNOTE 6.3), for every reader and writer of ZIPs here. */
export const LOCAL_SIG = 0x04034b50;
export const DESCRIPTOR_SIG = 0x08074b50;
export const CENTRAL_SIG = 0x02014b50;
export const END_SIG = 0x06054b50;
export const ZIP64_END_SIG = 0x06064b50;
export const ZIP64_LOCATOR_SIG = 0x07064b50;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const END_BYTES = 22;
const LOCATOR_BYTES = 20;
const ZIP64_END_BYTES = 56;
const CENTRAL_BYTES = 46;
/** Signatures that have no business inside an end-record comment: they make the end ambiguous. */
const END_SIGNATURES = [END_SIG, ZIP64_END_SIG, ZIP64_LOCATOR_SIG].map((s) => Buffer.from([s & 0xff, (s >> 8) & 0xff, (s >> 16) & 0xff, s >>> 24]));

const fail = (why: string): never => { throw new DirectoryError(why); };

/** A little-endian 64-bit field, refused beyond what a JavaScript number holds exactly. */
export function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? fail('a size or offset is impossibly large') : Number(v);
}

interface Directory { count: number; size: number; offset: number; end: number }

/**
 * Every central directory entry, given the last bytes of the file (`tail`, which starts at
 * absolute offset `tailStart`). The directory must lie wholly inside the tail.
 */
export function readCentralDirectory(tail: Buffer, tailStart: number): CentralEntry[] {
  const dir = locate(tail, tailStart, findEnd(tail));
  if (dir.offset + dir.size !== dir.end) fail('the directory\'s size and position disagree');
  if (dir.offset < tailStart) fail('the directory is larger than the portal can check');
  const entries: CentralEntry[] = [];
  let p = dir.offset - tailStart;
  const end = dir.end - tailStart;
  for (let i = 0; i < dir.count; i += 1) {
    if (p + CENTRAL_BYTES > end || tail.readUInt32LE(p) !== CENTRAL_SIG) fail('the directory is truncated or damaged');
    p = readEntry(tail, p, end, dir.offset, entries);
  }
  if (p !== end) fail('the directory holds more entries than its count says');
  return entries;
}

/**
 * The end record: it must end the file exactly (after its comment), and only one may: a second
 * one, or another end signature hidden in the comment, would let two readers see two archives.
 */
function findEnd(tail: Buffer): number {
  const found: number[] = [];
  for (let i = tail.length - END_BYTES; i >= Math.max(0, tail.length - END_BYTES - U16_MAX); i -= 1) {
    if (tail.readUInt32LE(i) === END_SIG && i + END_BYTES + tail.readUInt16LE(i + 20) === tail.length) found.push(i);
  }
  if (found.length === 0) fail('no end-of-directory record: the file is truncated or not a ZIP');
  if (found.length > 1) fail('two end-of-directory records, one hidden in a comment');
  const at = found[0]!;
  const comment = tail.subarray(at + END_BYTES);
  if (END_SIGNATURES.some((sig) => comment.includes(sig))) fail('an end-of-directory record hidden in the comment');
  return at;
}

/** Count, size and offset of the directory, from the classic end record or, when present, the ZIP64 one. */
function locate(tail: Buffer, tailStart: number, e: number): Directory {
  const classic = {
    disk: tail.readUInt16LE(e + 4), cdDisk: tail.readUInt16LE(e + 6), onDisk: tail.readUInt16LE(e + 8),
    count: tail.readUInt16LE(e + 10), size: tail.readUInt32LE(e + 12), offset: tail.readUInt32LE(e + 16),
  };
  const loc = e - LOCATOR_BYTES;
  if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) {
    if (classic.count === U16_MAX || classic.size === U32_MAX || classic.offset === U32_MAX) fail('ZIP64 values without a ZIP64 record');
    if (classic.disk !== 0 || classic.cdDisk !== 0 || classic.onDisk !== classic.count) fail('it spans several disks');
    return { count: classic.count, size: classic.size, offset: classic.offset, end: tailStart + e };
  }
  if (tail.readUInt32LE(loc + 4) !== 0 || tail.readUInt32LE(loc + 16) > 1) fail('it spans several disks');
  const at = u64(tail, loc + 8);
  if (at + ZIP64_END_BYTES > tailStart + loc) fail('the ZIP64 locator points outside the file');
  if (at < tailStart) fail('the directory is larger than the portal can check');
  const r = at - tailStart;
  if (tail.readUInt32LE(r) !== ZIP64_END_SIG) fail('the ZIP64 locator does not point at a ZIP64 record');
  if (r + 12 + u64(tail, r + 4) !== loc) fail('the ZIP64 end record is truncated or damaged');
  const z = { disk: tail.readUInt32LE(r + 16), cdDisk: tail.readUInt32LE(r + 20), onDisk: u64(tail, r + 24), count: u64(tail, r + 32), size: u64(tail, r + 40), offset: u64(tail, r + 48) };
  if (z.disk !== 0 || z.cdDisk !== 0 || z.onDisk !== z.count) fail('it spans several disks');
  // A classic field holds either the "see ZIP64" marker or the same value; anything else is two answers.
  const agree = (value: number, max: number, real: number) => value === max || value === real;
  if (!agree(classic.disk, U16_MAX, 0) || !agree(classic.cdDisk, U16_MAX, 0) || !agree(classic.onDisk, U16_MAX, z.count)
    || !agree(classic.count, U16_MAX, z.count) || !agree(classic.size, U32_MAX, z.size) || !agree(classic.offset, U32_MAX, z.offset)) {
    fail('the classic and ZIP64 end records disagree');
  }
  return { count: z.count, size: z.size, offset: z.offset, end: tailStart + r };
}

/** Reads the entry at `p` into `out` and returns where the next one starts. */
function readEntry(tail: Buffer, p: number, end: number, cdOffset: number, out: CentralEntry[]): number {
  const flags = tail.readUInt16LE(p + 8);
  const nameLen = tail.readUInt16LE(p + 28);
  const extraStart = p + CENTRAL_BYTES + nameLen;
  const extraEnd = extraStart + tail.readUInt16LE(p + 30);
  const next = extraEnd + tail.readUInt16LE(p + 32);
  if (next > end) fail('the directory is truncated or damaged');
  const sizes = zip64Fields(tail, extraStart, extraEnd, {
    unpacked: tail.readUInt32LE(p + 24), packed: tail.readUInt32LE(p + 20), offset: tail.readUInt32LE(p + 42), disk: tail.readUInt16LE(p + 34),
  });
  if (sizes.disk !== 0) fail('it spans several disks');
  if (sizes.offset + 30 > cdOffset) fail('an entry points outside the file');
  const mode = tail.readUInt32LE(p + 38) >>> 16;
  const names = [tail.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', p + CENTRAL_BYTES, extraStart)];
  // Readers that honour the Info-ZIP Unicode Path field (0x7075) extract under that name instead: check it too.
  const unicode = extraField(tail, extraStart, extraEnd, 0x7075);
  if (unicode && unicode.length > 5) names.push(unicode.toString('utf8', 5));
  out.push({
    names,
    // Any host that sets S_IFLNK in the Unix mode bits counts: an extractor may honour it.
    symlink: (mode & 0xf000) === 0xa000,
    // Bit 0: encrypted; bit 6: strong encryption. Office never encrypts ZIP entries (it wraps the file instead).
    encrypted: (flags & 0x41) !== 0,
    unpacked: sizes.unpacked,
  });
  return next;
}

interface Fields { unpacked: number; packed: number; offset: number; disk: number }

/** The header's values, with each one that holds the ZIP64 marker replaced from the ZIP64 extra field (in APPNOTE order). */
function zip64Fields(buf: Buffer, start: number, end: number, f: Fields): Fields {
  const wanted = [f.unpacked === U32_MAX, f.packed === U32_MAX, f.offset === U32_MAX, f.disk === U16_MAX];
  if (!wanted.includes(true)) return f;
  const data = extraField(buf, start, end, 0x0001);
  const need = 8 * wanted.slice(0, 3).filter(Boolean).length + (wanted[3] ? 4 : 0);
  if (!data || data.length < need) fail('an entry\'s ZIP64 sizes are missing');
  let q = 0;
  const take = (want: boolean, value: number) => {
    if (!want) return value;
    q += 8;
    return u64(data!, q - 8);
  };
  const unpacked = take(wanted[0]!, f.unpacked);
  const packed = take(wanted[1]!, f.packed);
  const offset = take(wanted[2]!, f.offset);
  return { unpacked, packed, offset, disk: wanted[3] ? data!.readUInt32LE(q) : f.disk };
}

/** The data of the first extra field with this id, or undefined. */
export function extraField(buf: Buffer, start: number, end: number, id: number): Buffer | undefined {
  for (let q = start; q + 4 <= end; q += 4 + buf.readUInt16LE(q + 2)) {
    const len = buf.readUInt16LE(q + 2);
    if (q + 4 + len > end) return undefined;
    if (buf.readUInt16LE(q) === id) return buf.subarray(q + 4, q + 4 + len);
  }
  return undefined;
}
