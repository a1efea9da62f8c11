import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { CENTRAL_SIG, END_SIG, LOCAL_SIG, ZIP64_END_SIG, ZIP64_LOCATOR_SIG } from '../documents/zip-directory';

/**
 * Reads a ZIP file for verification without loading it: the end record (classic or Zip64), then
 * the central directory (its size grows with the number of entries, not with their bytes), then
 * each entry as a stream of its own byte range. Stored and deflated entries are read (a
 * production re-zipped by another tool still verifies); anything else is reported, not guessed.
 */

/** The file is not a ZIP the verifier can read at all; the message says why. */
export class UnreadableArchiveError extends Error {}

export interface ZipEntryInfo {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  flags: number;
}

/** A directory larger than this is refused (a production of ~100,000 entries needs about 10 MB). */
const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;

const bad = (why: string): never => { throw new UnreadableArchiveError(why); };

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) bad('the file ends early');
    done += bytesRead;
  }
  return buf;
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) bad('a size or offset is impossibly large');
  return Number(v);
}

export class ZipReader {
  private constructor(readonly file: string, readonly entries: ZipEntryInfo[], private readonly directoryStart: number) {}

  /** Opens `file` and reads its directory; throws UnreadableArchiveError when it cannot. */
  static async open(file: string): Promise<ZipReader> {
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      throw new UnreadableArchiveError(`cannot open ${file}: ${(err as Error).message}`);
    }
    try {
      const dir = await readDirectory(fh);
      return new ZipReader(file, dir.entries, dir.cdOffset);
    } finally {
      await fh.close();
    }
  }

  /** The entry's bytes, decompressed, as a stream that errors if its CRC-32 or size is wrong. */
  async stream(entry: ZipEntryInfo): Promise<Readable> {
    const fh = await open(this.file, 'r');
    let header: Buffer;
    try {
      header = await readAt(fh, entry.localOffset, 30);
    } finally {
      await fh.close();
    }
    if (header.readUInt32LE(0) !== LOCAL_SIG) throw new Error(`${entry.name}: no local header where the directory says it starts`);
    if (entry.flags & 1) throw new Error(`${entry.name}: the entry is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) throw new Error(`${entry.name}: compression method ${entry.method} is not supported (stored or deflated only)`);
    const start = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + entry.compressedSize > this.directoryStart) throw new Error(`${entry.name}: its data runs into the central directory`);
    const raw: Readable = entry.compressedSize === 0
      ? Readable.from([])
      : createReadStream(this.file, { start, end: start + entry.compressedSize - 1, highWaterMark: 128 * 1024 });
    let crc = 0;
    let size = 0;
    const check = new Transform({
      transform(chunk: Buffer, _enc, cb) { crc = crc32(chunk, crc); size += chunk.length; cb(null, chunk); },
      flush(cb) {
        if (size !== entry.size) cb(new Error(`${entry.name}: ${size} bytes where the directory says ${entry.size}`));
        else if ((crc >>> 0) !== entry.crc) cb(new Error(`${entry.name}: the CRC-32 does not match the directory (the entry is damaged)`));
        else cb();
      },
    });
    const fail = (err: Error) => check.destroy(err);
    raw.on('error', fail);
    if (entry.method === 8) {
      const inflate = createInflateRaw();
      inflate.on('error', fail);
      return raw.pipe(inflate).pipe(check);
    }
    return raw.pipe(check);
  }

  /** The whole entry in memory, for the small structured files (refused above `max` bytes). */
  async read(entry: ZipEntryInfo, max: number): Promise<Buffer> {
    if (entry.size > max) throw new Error(`${entry.name} is ${entry.size} bytes, more than the ${max} the verifier reads whole`);
    const parts: Buffer[] = [];
    for await (const chunk of await this.stream(entry)) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  }
}

async function readDirectory(fh: FileHandle): Promise<{ entries: ZipEntryInfo[]; cdOffset: number }> {
  const { size: fileSize } = await fh.stat();
  if (fileSize < 22) bad('the file is too short to be a ZIP');
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tailStart = fileSize - tailLength;
  const tail = await readAt(fh, tailStart, tailLength);
  let e = -1;
  for (let i = tail.length - 22; i >= 0; i -= 1) {
    if (tail.readUInt32LE(i) === END_SIG && i + 22 + tail.readUInt16LE(i + 20) === tail.length) { e = i; break; }
  }
  if (e < 0) bad('no end-of-central-directory record: the file is truncated or not a ZIP');
  let count = tail.readUInt16LE(e + 10);
  let cdSize = tail.readUInt32LE(e + 12);
  let cdOffset = tail.readUInt32LE(e + 16);
  if (tail.readUInt16LE(e + 4) !== 0 || tail.readUInt16LE(e + 6) !== 0) bad('a multi-disk archive');
  const locatorAt = e - 20;
  if (locatorAt >= 0 && tail.readUInt32LE(locatorAt) === ZIP64_LOCATOR_SIG) {
    const zip64EndAt = u64(tail, locatorAt + 8);
    if (zip64EndAt + 56 > fileSize) bad('the Zip64 end record lies outside the file');
    const z = await readAt(fh, zip64EndAt, 56);
    if (z.readUInt32LE(0) !== ZIP64_END_SIG) bad('the Zip64 locator points at no Zip64 end record');
    count = u64(z, 32);
    cdSize = u64(z, 40);
    cdOffset = u64(z, 48);
  }
  if (cdOffset + cdSize > fileSize) bad('the central directory lies outside the file');
  if (cdSize > MAX_DIRECTORY_BYTES) bad('the central directory is larger than the verifier reads');
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: ZipEntryInfo[] = [];
  let p = 0;
  for (let n = 0; n < count; n += 1) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) bad(`the central directory is damaged at entry ${n + 1}`);
    const flags = cd.readUInt16LE(p + 8);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    if (p + 46 + nameLength + extraLength + commentLength > cd.length) bad(`the central directory is damaged at entry ${n + 1}`);
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
    const entry: ZipEntryInfo = {
      name: nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      method: cd.readUInt16LE(p + 10), crc: cd.readUInt32LE(p + 16), compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24), localOffset: cd.readUInt32LE(p + 42), flags,
    };
    // Zip64 extended information: the 8-byte values of the fields whose 32-bit slot is 0xFFFFFFFF, in order.
    let x = p + 46 + nameLength;
    const extraEnd = x + extraLength;
    while (x + 4 <= extraEnd) {
      const id = cd.readUInt16LE(x);
      const len = cd.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        const take = () => { if (q + 8 > x + 4 + len) bad(`${entry.name}: a short Zip64 field`); const v = u64(cd, q); q += 8; return v; };
        if (entry.size === 0xffffffff) entry.size = take();
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
        if (entry.localOffset === 0xffffffff) entry.localOffset = take();
      }
      x += 4 + len;
    }
    if (entry.localOffset + 30 > cdOffset) bad(`${entry.name}: its data lies outside the file`);
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { entries, cdOffset };
}
