import { promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ContentStore } from '../documents/content-store';
import { corruptFile, missingFile } from './export-error';

/** What the reader needs of a stored document. */
export interface StoredFile {
  id: string;
  storageKey: string;
  size: number;
  sha256: string;
}

/** Files read ahead of the one being produced, at most (each in a slot of its own)... */
const READ_AHEAD = 4;
/** ...and the bytes in memory together, read or being produced (one file of any size is always allowed). */
const READ_BUDGET_BYTES = 32 * 1024 * 1024;
/** Read buffers grow in steps of this much (so a slightly larger file reuses the buffer)... */
const SLOT_STEP = 1024 * 1024;
/** ...up to this size; larger files are read into a buffer of their own, dropped after them. */
export const SLOT_KEEP_BYTES = 8 * 1024 * 1024;

/**
 * A reusable read buffer. A fresh Buffer per file (thousands of them) leaves the allocator
 * fragmented and the process's memory creeping up with the record's size, so each slot reads
 * into its own buffer, grown when a larger file comes.
 */
class ReadSlot {
  private buf = Buffer.allocUnsafe(0);

  /**
   * The file's bytes, a view of this slot's buffer valid until the next read into it. `verify`
   * checks them against the recorded SHA-256 here; without it the caller checks (the production
   * hashes what it writes, and compares).
   */
  async read(store: ContentStore, d: StoredFile, verify: boolean): Promise<Buffer> {
    let buf: Buffer;
    if (d.size > SLOT_KEEP_BYTES) {
      if (this.buf.length > SLOT_KEEP_BYTES) this.buf = Buffer.allocUnsafe(0);
      buf = Buffer.allocUnsafe(d.size);
    } else {
      if (this.buf.length < d.size) this.buf = Buffer.allocUnsafe(Math.ceil(Math.max(d.size, 1) / SLOT_STEP) * SLOT_STEP);
      buf = this.buf;
    }
    const handle = await fsp.open(store.pathOf(d.storageKey), 'r').catch((err: unknown) => {
      if ((err as { code?: string }).code === 'ENOENT') throw missingFile(d.id);
      throw err;
    });
    let got = 0;
    try {
      if ((await handle.stat()).size !== d.size) throw corruptFile(d.id);
      while (got < d.size) {
        const { bytesRead } = await handle.read(buf, got, d.size - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } finally {
      await handle.close();
    }
    const bytes = buf.subarray(0, d.size);
    if (got !== d.size || (verify && createHash('sha256').update(bytes).digest('hex') !== d.sha256)) throw corruptFile(d.id);
    return bytes;
  }
}

interface Pending<F extends StoredFile> {
  file: F;
  slot: ReadSlot;
  bytes: Promise<Buffer>;
}

/**
 * Reads the files the production needs whole, in the order it needs them, up to READ_AHEAD files
 * and READ_BUDGET_BYTES ahead: the disk reads the next files while the current one is hashed,
 * stamped and written, and memory stays bounded whatever the record's size. `take` must be called
 * in the order given; a slot is reused only after `release` (once its bytes left the output queue).
 */
export class ReadAhead<F extends StoredFile> {
  private readonly free: ReadSlot[] = Array.from({ length: READ_AHEAD + 1 }, () => new ReadSlot());
  private readonly pending: Pending<F>[] = [];
  private cursor = 0;
  private inMemory = 0;

  /** `verify(file)`: whether to check the file's SHA-256 on reading (files nobody else will hash). */
  constructor(private readonly store: ContentStore, private readonly files: readonly F[], private readonly verify: (f: F) => boolean) {}

  private fill(): void {
    while (this.free.length > 0 && this.cursor < this.files.length) {
      const file = this.files[this.cursor]!;
      if (this.inMemory > 0 && this.inMemory + file.size > READ_BUDGET_BYTES) return;
      this.cursor += 1;
      const slot = this.free.pop()!;
      this.inMemory += file.size;
      const bytes = slot.read(this.store, file, this.verify(file));
      bytes.catch(() => undefined); // met when its turn comes
      this.pending.push({ file, slot, bytes });
    }
  }

  /** The next file's bytes, and `release(flushed)` to call once they are written out. */
  async take(file: F): Promise<{ bytes: Buffer; release: (flushed: () => Promise<void>) => Promise<void> }> {
    this.fill();
    const next = this.pending.shift();
    if (next?.file.id !== file.id) throw new Error(`read-ahead out of order: ${file.id} asked for, ${next?.file.id ?? 'nothing'} next`);
    let released = false;
    const release = async (flushed: () => Promise<void>) => {
      if (released) return;
      released = true;
      try {
        await flushed();
      } catch {
        // The output failed: nothing more is written from any slot, and the failure is the writer's to report.
      } finally {
        this.free.push(next.slot);
        this.inMemory -= file.size;
        this.fill();
      }
    };
    try {
      return { bytes: await next.bytes, release };
    } catch (err) {
      await release(async () => undefined);
      throw err;
    }
  }
}
