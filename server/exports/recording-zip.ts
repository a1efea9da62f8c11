import type { Readable } from 'node:stream';
import { ZipWriter, type ZipEntryResult } from './zip-writer';
import { MANIFEST_NAME } from './manifest';
import { isSafeArchivePath } from './archive-paths';

type EntryData = Buffer | string | Readable | AsyncIterable<Buffer>;

/** ZipWriter that remembers each entry's path and SHA-256 for the manifest (whoever adds it: the audit files too). */
export class RecordingZip extends ZipWriter {
  readonly manifestEntries: { path: string; sha256: string }[] = [];

  constructor(private readonly sink: NodeJS.WritableStream, private readonly mtime: Date) {
    super(sink);
  }

  /** Resolves once everything handed to the output so far is written (writes complete in order). */
  flushed(): Promise<void> {
    return new Promise((resolve, reject) => { this.sink.write(Buffer.alloc(0), (err) => (err ? reject(err) : resolve())); });
  }

  override async add(name: string, data: EntryData, opts?: { mtime?: Date; prefixBytes?: number }): Promise<ZipEntryResult> {
    if (!isSafeArchivePath(name)) throw new Error(`unsafe archive path ${JSON.stringify(name)}`);
    const r = await super.add(name, data, { mtime: opts?.mtime ?? this.mtime, prefixBytes: opts?.prefixBytes });
    if (name !== MANIFEST_NAME) this.manifestEntries.push({ path: name, sha256: r.sha256 });
    return r;
  }

  put(name: string, data: EntryData, opts?: { prefixBytes?: number }): Promise<ZipEntryResult> {
    return this.add(name, data, opts);
  }
}

/** Byte arrays as the Buffers ZipWriter streams (no copy). */
export async function* parts(chunks: Uint8Array[]): AsyncIterable<Buffer> {
  for (const c of chunks) if (c.byteLength) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}
