import { createHash } from 'node:crypto';
import { createWriteStream, open } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import multer, { type StorageEngine } from 'multer';
import { ContentInspector, claimFromName } from './content-inspector';
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

  constructor(private readonly opts: EngineOptions) {}

  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const done = receive(this.opts, file.originalname, file.stream).then(
      (stored) => cb(null, { size: stored.size, stored } as Partial<MulterFile>),
      (err: unknown) => cb(err),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
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
  const out = createWriteStream(temp, { fd: await openExclusive(temp), flush: true });
  const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
  // A listener rather than a Transform stage (one stream hop less per chunk). It is attached in the
  // same tick as the pipe: a 'data' listener starts the flow, and chunks must not pass unwritten.
  source.on('data', (chunk: Buffer) => {
    size += chunk.length;
    try {
      if (size > opts.limit) throw new multer.MulterError('LIMIT_FILE_SIZE', 'file');
      inspector.push(chunk);
      hash.update(chunk);
    } catch (err) {
      source.destroy(err as Error);
    }
  });
  try {
    // flush: the file is fsynced before close, and pipeline resolves only after close.
    await pipeline(source, out);
    // busboy stops a file at the size limit and ends it quietly, marking it truncated.
    if ((source as Readable & { truncated?: boolean }).truncated) throw new multer.MulterError('LIMIT_FILE_SIZE', 'file');
    const inspection = inspector.finish();
    const sha256 = hash.digest('hex');
    const placement = await opts.store.place(temp, sha256);
    return { originalName, size, sha256, mediaType: inspection.mediaType, flags: inspection.flags, placement };
  } catch (err) {
    out.destroy();
    await closed;
    await opts.store.dropTemp(temp);
    throw err;
  }
}

/** A new file for this upload only (never an existing one), owner-only. */
const openExclusive = (file: string) => new Promise<number>((resolve, reject) => {
  open(file, 'wx', 0o600, (err, fd) => (err ? reject(err) : resolve(fd)));
});
