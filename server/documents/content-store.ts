import { randomUUID } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { sql, type Transaction } from 'kysely';
import type { Database, Db, DbOrTrx } from '../db/database';
import { lockName } from '../db/locks';
import { retryUpload } from './upload-errors';

/**
 * Content-addressed file storage under UPLOADS_DIR:
 *   tmp/<uuid>.part             uploads in flight (one file per request, removed on any failure)
 *   sha256/<aa>/<64 hex>        finished content, named by its SHA-256 (identical files share one)
 * The storage key (`sha256/<aa>/<hex>`) is the only name a file has on disk; the client's name is data.
 */
const KEY = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

/** Where the bytes with this SHA-256 live under UPLOADS_DIR: `sha256/<first two hex>/<hex>`. */
export const keyFor = (sha256: string): string => `sha256/${sha256.slice(0, 2)}/${sha256}`;

/** Where a stored file lives after the move into place. */
export interface Placement {
  key: string;
  /** True when this upload created the content file (false: identical content was already there). */
  created: boolean;
  /** Kept until the row commits when identical content already existed, so a concurrent delete cannot lose it. */
  keptTemp?: string;
}

export class ContentStore {
  readonly tmpDir: string;

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
  }

  /** A fresh temp path; the directory is created on first use. */
  async newTempPath(): Promise<string> {
    await fsp.mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    return path.join(this.tmpDir, `${randomUUID()}.part`);
  }

  /** The absolute path of a key; refuses anything that is not a well-formed key (keys come from rows). */
  pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error('malformed storage key');
    return path.join(this.root, key);
  }

  /** Moves a finished, fsynced temp file to its content address (atomic rename, then the directory is fsynced). */
  async place(tempPath: string, sha256: string): Promise<Placement> {
    const key = keyFor(sha256);
    const final = this.pathOf(key);
    await fsp.mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
    if (await exists(final)) return { key, created: false, keptTemp: tempPath };
    await fsp.rename(tempPath, final);
    await fsyncDir(path.dirname(final));
    return { key, created: true };
  }

  /**
   * Inside the transaction that inserts the row, under the key's lock: makes sure the content is
   * still there (a concurrent delete or sweep may have removed an unreferenced twin).
   */
  async ensureInPlace(trx: Transaction<Database>, p: Placement): Promise<void> {
    await lockKey(trx, p.key);
    const final = this.pathOf(p.key);
    if (await exists(final)) return;
    if (!p.keptTemp) throw retryUpload();
    await fsp.rename(p.keptTemp, final);
    await fsyncDir(path.dirname(final));
  }

  /** Drops a temp file; missing is fine (it may have been moved into place). */
  async dropTemp(tempPath: string | undefined): Promise<void> {
    if (tempPath) await fsp.rm(tempPath, { force: true });
  }

  /**
   * Deletes the content file when no row refers to it, under the key's lock so a concurrent upload
   * of the same bytes either sees the file or restores it. With `olderThanMs`, younger files stay.
   */
  async removeIfUnreferenced(db: Db, key: string, opts: { olderThanMs?: number } = {}): Promise<boolean> {
    const file = this.pathOf(key);
    return db.transaction().execute(async (trx) => {
      await lockKey(trx, key);
      if (await isReferenced(trx, key)) return false;
      const stat = await fsp.stat(file).catch(() => undefined);
      if (!stat) return false;
      if (opts.olderThanMs !== undefined && Date.now() - stat.mtimeMs < opts.olderThanMs) return false;
      await fsp.rm(file, { force: true });
      return true;
    });
  }
}

/**
 * Undoes a stored upload that will not get its row: the temp twin goes, and the content file too
 * when this upload created it and no row refers to it. Failures here leave an orphan for the
 * sweep, never a row without its file, so they are not allowed to mask the original error.
 */
export async function discardStored(db: Db, store: ContentStore, stored: { placement: Placement }): Promise<void> {
  await store.dropTemp(stored.placement.keptTemp).catch(() => undefined);
  if (stored.placement.created) await store.removeIfUnreferenced(db, stored.placement.key).catch(() => undefined);
}

/** Serialises everything that adds or removes a reference to one content file (rows and the file itself). */
const lockKey = (trx: Transaction<Database>, key: string): Promise<void> => lockName(trx, `content:${key}`);

/** True when a document or notice document row refers to the key. */
export async function isReferenced(db: DbOrTrx, key: string): Promise<boolean> {
  const { rows } = await sql<{ used: boolean }>`SELECT EXISTS (SELECT 1 FROM documents WHERE storage_key = ${key})
    OR EXISTS (SELECT 1 FROM notice_documents WHERE storage_key = ${key}) AS used`.execute(db);
  return rows[0]?.used === true;
}

const exists = (p: string) => fsp.access(p, constants.F_OK).then(() => true, () => false);

/** A rename is durable only once its directory entry is on disk. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
