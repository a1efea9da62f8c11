import { createHash } from 'node:crypto';
import { open } from 'node:fs';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Request } from 'express';
import multer, { type StorageEngine } from 'multer';
import { ContentInspector, claimFromName } from './content-inspector';
import { FdWriter } from './fd-writer';
import type { ContentStore, Placement } from './content-store';
import { sanitizeFilename } from './filename';

/** A file that has been streamed, hashed, inspected and moved to its content address. */
export interface StoredUpload {
  /** The client's name, sanitised (data only). */
  originalName: string;
  size: number;
  sha256: string;
  mediaType: string;
  flags: string[];
  placement: Placement;
}

export interface EngineOptions {
  store: ContentStore;
  /** Largest accepted size in bytes (the exact limit is accepted). */
  limit: number;
  /** Called when multer discards a stored file (a later part of the form failed). */
  discard(stored: StoredUpload): Promise<void>;
}

type MulterFile = Express.Multer.File & { stored?: StoredUpload };

/**
 * multer 2 storage engine for evidence: one pass over the bytes feeds the SHA-256, the size count,
 * the type inspection and the temp file at once (hashing after writing would read everything
 * twice). The temp file is fsynced before it is renamed to `sha256/<aa>/<hex>`; on any failure it
 * is removed and nothing is kept.
 */
export class EvidenceStorage implements StorageEngine {
  private readonly inFlight = new Set<Promise<void>>();
  /** File streams being received, and files stored but not yet given a row: what abort() undoes. */
  private readonly sources = new Set<Readable>();
  private readonly stored = new Set<StoredUpload>();
  private abortedWith?: Error;

  constructor(private readonly opts: EngineOptions) {}

  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    if (this.abortedWith) return cb(this.abortedWith);
    this.sources.add(file.stream);
    const done = receive(this.opts, file.originalname, file.stream)
      .finally(() => this.sources.delete(file.stream))
      .then(async (stored) => {
        if (this.abortedWith) {
          await this.opts.discard(stored);
          throw this.abortedWith;
        }
        this.stored.add(stored);
        return stored;
      })
      .then((stored) => cb(null, { size: stored.size, stored } as Partial<MulterFile>), (err: unknown) => cb(err));
    this.track(done);
  }

  /**
   * Gives the request up (its body is too slow): every file still streaming fails as an aborted
   * upload does (its temp file removed), and any already stored is discarded. idle() then
   * resolves once all of that is done. Nothing per chunk: the streams are destroyed once.
   */
  abort(err: Error): void {
    this.abortedWith = err;
    for (const source of this.sources) source.destroy(err);
    for (const stored of this.stored) this.track(this.opts.discard(stored).catch(() => undefined));
    this.stored.clear();
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /**
   * Resolves once every file this engine started has been stored or cleaned up. multer answers a
   * broken stream as soon as the stream errors, before the engine has removed its temp file; the
   * caller waits here so the response never overtakes the cleanup.
   */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    const stored = (file as MulterFile).stored;
    if (!stored) return cb(null);
    this.opts.discard(stored).then(() => cb(null), (err: Error) => cb(err));
  }
}

/** The stored upload multer attached to the request, if any. */
export const storedUpload = (file: Express.Multer.File | undefined): StoredUpload | undefined => (file as MulterFile | undefined)?.stored;

async function receive(opts: EngineOptions, clientName: string, source: Readable): Promise<StoredUpload> {
  const originalName = sanitizeFilename(clientName);
  const inspector = new ContentInspector(claimFromName(originalName));
  const hash = createHash('sha256');
  let size = 0;
  const temp = await opts.store.newTempPath();
  // Opened before streaming, so a failure can never race an open still in progress and leave the file behind.
  const out = new FdWriter(await openExclusive(temp), source);
  // One listener does everything per chunk (no stream hop): it is attached after the open, and
  // attaching it starts the flow.
  source.on('data', (chunk: Buffer) => {
    size += chunk.length;
    try {
      if (size > opts.limit) throw new multer.MulterError('LIMIT_FILE_SIZE', 'file');
      inspector.push(chunk);
      hash.update(chunk);
      out.write(chunk);
    } catch (err) {
      source.destroy(err as Error);
    }
  });
  try {
    // Rejects on an error or a premature close (an aborted request) as well as a write failure.
    await Promise.race([finished(source), out.failed]);
    // busboy stops a file at the size limit and ends it quietly, marking it truncated.
    if ((source as Readable & { truncated?: boolean }).truncated) throw new multer.MulterError('LIMIT_FILE_SIZE', 'file');
    await out.end(); // every byte written, fsynced, closed
    const inspection = inspector.finish();
    const sha256 = hash.digest('hex');
    const placement = await opts.store.place(temp, sha256);
    return { originalName, size, sha256, mediaType: inspection.mediaType, flags: inspection.flags, placement };
  } catch (err) {
    await out.abort();
    await opts.store.dropTemp(temp);
    throw err;
  }
}

/** A new file for this upload only (never an existing one), owner-only. */
const openExclusive = (file: string) => new Promise<number>((resolve, reject) => {
  open(file, 'wx', 0o600, (err, fd) => (err ? reject(err) : resolve(fd)));
});
