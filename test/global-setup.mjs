// Starts embedded PostgreSQL for the run when TEST_DATABASE_URL is unset (a machine with only Node
// and npm). Untransformed .mjs: the binary package uses import.meta. Workers inherit the env.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
  // The portal's own embedded runner (TypeScript, loaded untransformed by jest): as root it runs the
  // server as `postgres` with binaries where that account can reach them, whatever the checkout's parents.
  const require = createRequire(import.meta.url);
  require('./helpers/ts-register.js');
  const { startEmbeddedCluster } = require('../server/db/embedded.ts');
  const dir = mkdtempSync(path.join(tmpdir(), 'vrp-test-pg-'));
  const server = await startEmbeddedCluster(dir, 'postgres');
  globalThis.__embeddedPostgres = { stop: async () => { await server.stop(); rmSync(dir, { recursive: true, force: true }); } };
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`;
}
