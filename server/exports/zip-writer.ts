import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { CENTRAL_SIG, DESCRIPTOR_SIG, END_SIG, LOCAL_SIG, ZIP64_END_SIG, ZIP64_LOCATOR_SIG } from '../documents/zip-directory';

/**
 * A streaming, store-only ZIP writer (PKWARE APPNOTE 6.3.10) for the legal export (docs/export-format.md).
 *
 * - Every entry is stored (method 0): productions are mostly PDFs, which do not compress, and a
 *   stored entry can be checked with nothing but a hash.
 * - Sizes are not known up front (entries are streamed), so each local header has general-purpose
 *   bit 3 and the CRC-32 and sizes follow the data in a data descriptor; the central directory
 *   repeats them. Bit 11 marks names as UTF-8.
 * - Zip64 where needed, as Go's archive/zip and archiver do it: an entry of 4 GiB or more gets an
 *   8-byte-size data descriptor and a Zip64 extra field in the central directory (sizes, and the
 *   local header offset when that passes 4 GiB); more than 65,535 entries or a directory past
 *   4 GiB adds the Zip64 end record and its locator before the classic end record.
 * - CRC-32 (zlib.crc32) and SHA-256 are computed on the same chunks as they are written; a chunk
 *   is written only when `out` has room (backpressure), so no entry is ever held whole.
 * - Names are checked: no `..` or `.` segment, no leading `/`, no backslash, no NUL or other
 *   control character, no empty segment, no duplicates. The writer refuses rather than repairs.
 *
 * Only the per-entry directory facts (name, CRC, size, offset: about 100 bytes an entry) are kept
 * until `finish()`.
 */

/** What the Zip64 switch compares against; a test can lower them to drive the Zip64 path on small data. */
export interface ZipLimits {
  /** A size or offset at or above this is written in Zip64 form (default 0xFFFFFFFF). */
  u32: number;
  /** This many entries or more need the Zip64 end record (default 0xFFFF, the classic field's marker). */
  u16: number;
}

export interface ZipEntryOptions {
  /** Modification time (default: now). Written as DOS time in UTC and as an extended timestamp. */
  mtime?: Date;
  /**
   * Also return the SHA-256 of the entry's first `prefixBytes` bytes (`prefixSha256`): a stamped
   * PDF is its original followed by the stamp, so the original's hash is checked on the same pass
   * that hashes the produced file, not on a second one.
   */
  prefixBytes?: number;
}

/** What `add` returns: the entry's size and SHA-256, and the prefix's when asked for. */
export interface ZipEntryResult {
  bytes: number;
  sha256: string;
  prefixSha256?: string;
}

/** A name the writer will not put in an archive; the message says why. */
export class UnsafeZipNameError extends Error {}

interface CentralRecord {
  /**
   * The name as text, encoded again for the central directory: a small Buffer kept per entry
   * would be a slice of Node's shared 8 KiB pool and keep that whole slab alive (14,000 entries
   * held about 50 MiB that way).
   */
  name: string;
  crc: number;
  size: number;
  offset: number;
  dosTime: number;
  dosDate: number;
  unixTime: number;
}

/** Bit 3: sizes in the data descriptor; bit 11: the name is UTF-8. */
const FLAGS = 0x0808;
const VERSION = 20;
const VERSION_ZIP64 = 45;
/** Made by: 3 (Unix) in the high byte, so the external attributes below are a file mode. */
const MADE_BY = (3 << 8) | VERSION_ZIP64;
/** A regular file, rw-r--r--. */
const EXTERNAL_ATTRS = (0o100644 << 16) >>> 0;
const MAX_NAME_BYTES = 0xffff;
/** Slices a large Buffer argument into pieces of this size (STACK.md: 128 KiB was fastest). */
export const CHUNK_BYTES = 128 * 1024;

/** Why `name` may not be an entry name, or null when it may. */
export function unsafeNameReason(name: string): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'the name is empty';
  if (name.includes('\0')) return 'the name contains a NUL character';
  if ([...name].some((c) => c < ' ' || c === '\u007f')) return 'the name contains a control character';
  if (name.includes('\\')) return 'the name contains a backslash';
  if (name.startsWith('/')) return 'the name starts with "/"';
  if (/^[A-Za-z]:/.test(name)) return 'the name starts with a drive letter';
  const segments = name.split('/');
  if (segments.some((s) => s === '..')) return 'the name contains a ".." segment';
  if (segments.some((s) => s === '.')) return 'the name contains a "." segment';
  if (segments.some((s) => s === '')) return 'the name contains an empty segment (or ends with "/")';
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name)) return 'the name holds a lone UTF-16 surrogate';
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return 'the name is longer than 65,535 bytes';
  return null;
}

/** DOS date and time fields of `d`, in UTC (deterministic whatever the server's zone), clamped to 1980-2107. */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = d.getUTCFullYear();
  if (year < 1980) return { time: 0, date: (1 << 5) | 1 };
  if (year > 2107) return { time: (23 << 11) | (59 << 5) | 29, date: (127 << 9) | (12 << 5) | 31 };
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** Extended timestamp extra field (0x5455), modification time only (Info-ZIP's layout). */
function extendedTime(unixTime: number): Buffer {
  const b = Buffer.alloc(9);
  b.writeUInt16LE(0x5455, 0);
  b.writeUInt16LE(5, 2);
  b.writeUInt8(1, 4); // flags: mtime present
  b.writeUInt32LE(unixTime >>> 0, 5);
  return b;
}

async function* chunksOf(data: Buffer | string | Readable | AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  if (typeof data === 'string' || Buffer.isBuffer(data)) {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let at = 0; at < buf.length; at += CHUNK_BYTES) yield buf.subarray(at, at + CHUNK_BYTES);
    return;
  }
  for await (const chunk of data as AsyncIterable<Buffer | string | Uint8Array>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (Buffer.isBuffer(chunk)) yield chunk;
    else yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

export class ZipWriter {
  private readonly out: NodeJS.WritableStream;
  private readonly limits: ZipLimits;
  private readonly records: CentralRecord[] = [];
  private readonly names = new Set<string>();
  private readonly done: { path: string; bytes: number; sha256: string }[] = [];
  private offset = 0;
  private busy = false;
  private finished = false;
  private ended = false;
  private failure: Error | null = null;
  private drainWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  /** `limits` exists for tests only (to force the Zip64 path on small data); leave it out otherwise. */
  constructor(out: NodeJS.WritableStream, limits: Partial<ZipLimits> = {}) {
    this.out = out;
    this.limits = { u32: limits.u32 ?? 0xffffffff, u16: limits.u16 ?? 0xffff };
    out.on('error', (err: Error) => this.fail(err));
    out.on('drain', () => this.release());
    out.on('close', () => { if (!this.ended) this.fail(new Error('ZipWriter: the output closed before the archive was finished')); });
  }

  /** Bytes written to `out` so far. */
  get bytesWritten(): number { return this.offset; }

  /** Every entry written so far, in order, with its size and SHA-256 (what `manifestText` takes). */
  get entries(): readonly { path: string; bytes: number; sha256: string }[] { return this.done; }

  /** Streams one stored (uncompressed) entry; one at a time. Returns bytes and SHA-256 hex. */
  async add(name: string, data: Buffer | string | Readable | AsyncIterable<Buffer>, opts: ZipEntryOptions = {}): Promise<ZipEntryResult> {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('ZipWriter: add() after finish()');
    if (this.busy) throw new Error('ZipWriter: add() while another entry is being written (entries are written one at a time)');
    const why = unsafeNameReason(name);
    if (why) throw new UnsafeZipNameError(`Refused ZIP entry name ${JSON.stringify(name)}: ${why}.`);
    if (this.names.has(name)) throw new UnsafeZipNameError(`Refused ZIP entry name ${JSON.stringify(name)}: the archive already has an entry of that name.`);
    this.busy = true;
    try {
      const nameBytes = Buffer.from(name, 'utf8');
      const mtime = opts.mtime ?? new Date();
      const { time, date } = dosDateTime(mtime);
      const unixTime = Math.max(0, Math.min(0xffffffff, Math.floor(mtime.getTime() / 1000)));
      const offset = this.offset;
      this.names.add(name);

      const ext = extendedTime(unixTime);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(LOCAL_SIG, 0);
      local.writeUInt16LE(VERSION, 4);
      local.writeUInt16LE(FLAGS, 6);
      local.writeUInt16LE(0, 8); // stored
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      // CRC-32 and both sizes stay 0: they follow in the data descriptor (bit 3).
      local.writeUInt16LE(nameBytes.length, 26);
      local.writeUInt16LE(ext.length, 28);
      await this.write(Buffer.concat([local, nameBytes, ext]));

      const sha = createHash('sha256');
      const prefixBytes = opts.prefixBytes;
      let prefixSha256: string | undefined;
      let crc = 0;
      let size = 0;
      for await (const chunk of chunksOf(data)) {
        if (chunk.length === 0) continue;
        crc = crc32(chunk, crc);
        if (prefixBytes !== undefined && prefixSha256 === undefined && size + chunk.length >= prefixBytes) {
          const cut = prefixBytes - size;
          sha.update(chunk.subarray(0, cut));
          prefixSha256 = sha.copy().digest('hex');
          sha.update(chunk.subarray(cut));
        } else {
          sha.update(chunk);
        }
        size += chunk.length;
        await this.write(chunk);
      }
      if (prefixBytes !== undefined && prefixSha256 === undefined && size === prefixBytes) prefixSha256 = sha.copy().digest('hex');

      const zip64 = size >= this.limits.u32;
      const descriptor = Buffer.alloc(zip64 ? 24 : 16);
      descriptor.writeUInt32LE(DESCRIPTOR_SIG, 0);
      descriptor.writeUInt32LE(crc >>> 0, 4);
      if (zip64) {
        descriptor.writeBigUInt64LE(BigInt(size), 8);
        descriptor.writeBigUInt64LE(BigInt(size), 16);
      } else {
        descriptor.writeUInt32LE(size, 8);
        descriptor.writeUInt32LE(size, 12);
      }
      await this.write(descriptor);
      this.records.push({ name, crc: crc >>> 0, size, offset, dosTime: time, dosDate: date, unixTime });
      const result = { bytes: size, sha256: sha.digest('hex') };
      this.done.push({ path: name, ...result });
      return prefixSha256 === undefined ? result : { ...result, prefixSha256 };
    } catch (err) {
      // A half-written entry cannot be taken back: the archive is unusable from here on.
      this.fail(err as Error);
      throw err;
    } finally {
      this.busy = false;
    }
  }

  /** Central directory (Zip64 when needed) and end of `out`. */
  async finish(): Promise<{ bytes: number }> {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('ZipWriter: finish() called twice');
    if (this.busy) throw new Error('ZipWriter: finish() while an entry is being written');
    this.finished = true;
    const { u32, u16 } = this.limits;
    const cdStart = this.offset;
    const batch: Buffer[] = [];
    let batchBytes = 0;
    for (const e of this.records) {
      const record = this.centralRecord(e);
      batch.push(record);
      batchBytes += record.length;
      if (batchBytes >= CHUNK_BYTES) {
        await this.write(Buffer.concat(batch));
        batch.length = 0;
        batchBytes = 0;
      }
    }
    if (batch.length) await this.write(Buffer.concat(batch));
    const cdSize = this.offset - cdStart;
    const count = this.records.length;
    const manyEntries = count >= u16;
    const zip64 = manyEntries || cdStart >= u32 || cdSize >= u32;
    if (zip64) {
      const zip64End = this.offset;
      const rec = Buffer.alloc(56 + 20);
      rec.writeUInt32LE(ZIP64_END_SIG, 0);
      rec.writeBigUInt64LE(44n, 4); // size of the rest of this record
      rec.writeUInt16LE(MADE_BY, 12);
      rec.writeUInt16LE(VERSION_ZIP64, 14);
      rec.writeUInt32LE(0, 16); // this disk
      rec.writeUInt32LE(0, 20); // disk with the directory
      rec.writeBigUInt64LE(BigInt(count), 24);
      rec.writeBigUInt64LE(BigInt(count), 32);
      rec.writeBigUInt64LE(BigInt(cdSize), 40);
      rec.writeBigUInt64LE(BigInt(cdStart), 48);
      rec.writeUInt32LE(ZIP64_LOCATOR_SIG, 56);
      rec.writeUInt32LE(0, 60); // disk with the Zip64 end record
      rec.writeBigUInt64LE(BigInt(zip64End), 64);
      rec.writeUInt32LE(1, 72); // total disks
      await this.write(rec);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_SIG, 0);
    const count16 = manyEntries ? 0xffff : count;
    end.writeUInt16LE(count16, 8);
    end.writeUInt16LE(count16, 10);
    end.writeUInt32LE(cdSize >= u32 ? 0xffffffff : cdSize, 12);
    end.writeUInt32LE(cdStart >= u32 ? 0xffffffff : cdStart, 16);
    await this.write(end);
    await new Promise<void>((resolve, reject) => {
      if (this.failure) { reject(this.failure); return; }
      this.out.once('error', reject);
      this.ended = true;
      this.out.end(() => resolve());
    });
    return { bytes: this.offset };
  }

  private centralRecord(e: CentralRecord): Buffer {
    const { u32 } = this.limits;
    const big = e.size >= u32;
    const farOffset = e.offset >= u32;
    const parts: Buffer[] = [];
    if (big || farOffset) {
      // Zip64 extended information (0x0001): only the fields whose 32-bit slot holds 0xFFFFFFFF, in this order.
      const values = [...(big ? [e.size, e.size] : []), ...(farOffset ? [e.offset] : [])];
      const x = Buffer.alloc(4 + 8 * values.length);
      x.writeUInt16LE(0x0001, 0);
      x.writeUInt16LE(8 * values.length, 2);
      values.forEach((v, i) => x.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
      parts.push(x);
    }
    parts.push(extendedTime(e.unixTime));
    const extra = Buffer.concat(parts);
    const nameBytes = Buffer.from(e.name, 'utf8');
    const h = Buffer.alloc(46);
    h.writeUInt32LE(CENTRAL_SIG, 0);
    h.writeUInt16LE(MADE_BY, 4);
    h.writeUInt16LE(big || farOffset ? VERSION_ZIP64 : VERSION, 6);
    h.writeUInt16LE(FLAGS, 8);
    h.writeUInt16LE(0, 10);
    h.writeUInt16LE(e.dosTime, 12);
    h.writeUInt16LE(e.dosDate, 14);
    h.writeUInt32LE(e.crc, 16);
    h.writeUInt32LE(big ? 0xffffffff : e.size, 20);
    h.writeUInt32LE(big ? 0xffffffff : e.size, 24);
    h.writeUInt16LE(nameBytes.length, 28);
    h.writeUInt16LE(extra.length, 30);
    h.writeUInt16LE(0, 32); // comment
    h.writeUInt16LE(0, 34); // disk
    h.writeUInt16LE(0, 36); // internal attributes
    h.writeUInt32LE(EXTERNAL_ATTRS, 38);
    h.writeUInt32LE(farOffset ? 0xffffffff : e.offset, 42);
    return Buffer.concat([h, nameBytes, extra]);
  }

  /** Writes one buffer, waiting for 'drain' when `out` asks for it. */
  private async write(buf: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.offset += buf.length;
    if (this.out.write(buf)) return;
    await new Promise<void>((resolve, reject) => {
      if (this.failure) { reject(this.failure); return; }
      this.drainWaiters.push({ resolve, reject });
    });
  }

  private release(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w.resolve();
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w.reject(this.failure);
  }
}
