import { close, fsync, writev } from 'node:fs';
import type { Readable } from 'node:stream';

/** Above this many bytes queued for the disk, the source is paused until the disk catches up. */
const QUEUE_BYTES = 1024 * 1024;

/**
 * Writes chunks to an fd in arrival order without copying them: while one write is in flight,
 * later chunks queue, and the next write takes the whole queue in one writev. busboy hands each
 * socket chunk over in two pieces, so this halves the write calls a stream would make.
 */
export class FdWriter {
  private queue: Buffer[] = [];
  private queued = 0;
  private busy = false;
  private stopped = false;
  private error?: Error;
  private closed?: Promise<void>;
  private drained?: () => void;
  private fail!: (err: Error) => void;
  /** Rejects with the first write failure. */
  readonly failed = new Promise<never>((_resolve, reject) => { this.fail = reject; });

  constructor(private readonly fd: number, private readonly source: Readable) {
    this.failed.catch(() => undefined);
  }

  write(chunk: Buffer): void {
    if (this.error || this.stopped) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued > QUEUE_BYTES) this.source.pause();
    if (!this.busy) this.flush();
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.queued = 0;
    this.busy = true;
    writevAll(this.fd, batch, (err) => {
      this.busy = false;
      if (err) {
        this.error = err;
        this.fail(err);
        this.source.destroy(err); // as a pipeline would: the form fails, nothing more is read
        this.drained?.();
        return;
      }
      if (this.source.isPaused() && !this.stopped) this.source.resume();
      if (this.queue.length) this.flush();
      else this.drained?.();
    });
  }

  private idle(): Promise<void> {
    if (!this.busy && !this.queue.length) return Promise.resolve();
    return new Promise<void>((resolve) => { this.drained = () => { this.drained = undefined; resolve(); }; });
  }

  /** Waits for every queued byte, then fsyncs and closes the fd. */
  async end(): Promise<void> {
    await this.idle();
    if (this.error) throw this.error;
    this.stopped = true;
    this.closed = new Promise<void>((resolve, reject) => {
      fsync(this.fd, (syncErr) => close(this.fd, (closeErr) => (syncErr ?? closeErr ? reject(syncErr ?? closeErr) : resolve())));
    });
    await this.closed;
  }

  /** Stops writing and closes the fd (once no write is in flight), whatever state it is in. */
  async abort(): Promise<void> {
    this.stopped = true;
    this.queue = [];
    this.queued = 0;
    if (this.closed) return this.closed.catch(() => undefined);
    await this.idle();
    this.closed = new Promise<void>((resolve) => close(this.fd, () => resolve()));
    await this.closed;
  }
}

/** writev of the whole batch, continuing after a short write. */
function writevAll(fd: number, batch: Buffer[], cb: (err: Error | null) => void): void {
  writev(fd, batch, (err, written) => {
    if (err) return cb(err);
    let left = written;
    let i = 0;
    while (i < batch.length && left >= batch[i]!.length) left -= batch[i++]!.length;
    if (i === batch.length) return cb(null);
    const rest = batch.slice(i);
    rest[0] = rest[0]!.subarray(left);
    writevAll(fd, rest, cb);
  });
}
