import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database';
import { ContentStore, isReferenced } from './content-store';

export interface SweepOptions {
  /** Only files untouched for this long are considered: an upload in flight keeps writing (or was just placed). */
  olderThanMs: number;
}

export interface SweepReport { tempRemoved: number; contentRemoved: number; contentKept: number; ignored: number }

const HEX2 = /^[0-9a-f]{2}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Removes what a crash or an interrupted request left behind: temp files older than the threshold,
 * and content files that no `documents` or `notice_documents` row refers to. Each content file is
 * re-checked under its key's lock, so an upload of the same bytes committing at that moment wins.
 * Files that do not look like ours are counted and left alone.
 */
export async function sweepUploads(db: Db, uploadsDir: string, opts: SweepOptions): Promise<SweepReport> {
  const store = new ContentStore(uploadsDir);
  const report: SweepReport = { tempRemoved: 0, contentRemoved: 0, contentKept: 0, ignored: 0 };
  report.tempRemoved = await sweepTemp(store.tmpDir, opts.olderThanMs);
  for (const key of await contentKeys(uploadsDir, report)) {
    if (!(await olderThan(store.pathOf(key), opts.olderThanMs)) || (await isReferenced(db, key))) {
      report.contentKept += 1;
      continue;
    }
    if (await store.removeIfUnreferenced(db, key, { olderThanMs: opts.olderThanMs })) report.contentRemoved += 1;
    else report.contentKept += 1;
  }
  return report;
}

async function sweepTemp(dir: string, olderThanMs: number): Promise<number> {
  let removed = 0;
  for (const name of await list(dir)) {
    const file = path.join(dir, name);
    if (await olderThan(file, olderThanMs)) {
      await fsp.rm(file, { force: true });
      removed += 1;
    }
  }
  return removed;
}

/** Every well-formed key on disk (`sha256/<aa>/<hex>` whose prefix matches); anything else is counted as ignored. */
async function contentKeys(root: string, report: SweepReport): Promise<string[]> {
  const keys: string[] = [];
  const base = path.join(root, 'sha256');
  for (const prefix of await list(base)) {
    if (!HEX2.test(prefix)) {
      report.ignored += 1;
      continue;
    }
    for (const name of await list(path.join(base, prefix))) {
      if (HEX64.test(name) && name.startsWith(prefix)) keys.push(`sha256/${prefix}/${name}`);
      else report.ignored += 1;
    }
  }
  return keys;
}

const list = (dir: string): Promise<string[]> => fsp.readdir(dir).catch((err: NodeJS.ErrnoException) => {
  if (err.code === 'ENOENT') return [];
  throw err;
});

async function olderThan(file: string, ms: number): Promise<boolean> {
  const stat = await fsp.lstat(file).catch(() => undefined);
  return Boolean(stat?.isFile()) && Date.now() - stat!.mtimeMs >= ms;
}
