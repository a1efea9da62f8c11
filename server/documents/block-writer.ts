import { close, fsync, write } from 'node:fs';
import { Writable } from 'node:stream';

/** Size of each of the two blocks an upload is written through. */
export const BLOCK_BYTES = 1024 * 1024;

type Done = (err?: Error | null) => void;

/** fs.write until every byte of buf[0, length) is on its way to disk (regular files rarely write short). */
function writeAll(fd: number, buf: Buffer, length: number, done: Done, offset = 0): void {
  write(fd, buf, offset, length - offset, null, (err, n) => {
    if (err) return done(err);
    if (offset + n < length) return writeAll(fd, buf, length, done, offset + n);
    done();
  });
}

/**
 * Writes a stream to an open file through two reusable 1 MiB blocks: one fills (chunks are copied
 * in and released at once) while the other is written. Measured against fs.WriteStream on an
 * upload: multipart parsing hands over each socket chunk as two pieces, which doubled the write
 * calls, and every chunk stayed alive until its own write returned, which kept the garbage
 * collector doing full collections. Copying 1 GiB costs about 0.1 s; both of those cost more.
 * `_final` writes the last partial block and fsyncs; the fd is closed on destroy, never while a
 * write is still using it.
 */
export class BlockFileWriter extends Writable {
  private readonly blocks = [Buffer.allocUnsafe(BLOCK_BYTES), Buffer.allocUnsafe(BLOCK_BYTES)];
  private current = 0;
  private fill = 0;
  private writing = false;
  private failed: Error | undefined;
  /** What waits for the block in flight: the rest of a chunk, the final flush, or the close. */
  private afterWrite: Done | undefined;

  constructor(private readonly fd: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: Done): void {
    this.append(chunk, 0, done);
  }

  override _final(done: Done): void {
    if (this.failed) return done(this.failed);
    if (this.writing) {
      this.afterWrite = (err) => (err ? done(err) : this._final(done));
      return;
    }
    if (this.fill > 0) {
      this.startWrite();
      return this._final(done);
    }
    fsync(this.fd, done);
  }

  override _destroy(err: Error | null, done: Done): void {
    const closeFd = () => close(this.fd, (closeErr) => done(err ?? closeErr));
    if (this.writing) this.afterWrite = closeFd;
    else closeFd();
  }

  private append(chunk: Buffer, offset: number, done: Done): void {
    if (this.failed) return done(this.failed);
    while (offset < chunk.length) {
      if (this.fill === BLOCK_BYTES) {
        if (this.writing) {
          this.afterWrite = (err) => (err ? done(err) : this.append(chunk, offset, done));
          return;
        }
        this.startWrite();
      }
      const copied = chunk.copy(this.blocks[this.current]!, this.fill, offset);
      this.fill += copied;
      offset += copied;
    }
    done();
  }

  /** Sends the current block to disk and switches filling to the other one. */
  private startWrite(): void {
    const block = this.blocks[this.current]!;
    const length = this.fill;
    this.current ^= 1;
    this.fill = 0;
    this.writing = true;
    writeAll(this.fd, block, length, (err) => {
      this.writing = false;
      if (err) this.failed = err;
      const next = this.afterWrite;
      this.afterWrite = undefined;
      next?.(err);
    });
  }
}
