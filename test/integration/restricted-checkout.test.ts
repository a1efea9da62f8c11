import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, ROOT } from '../helpers/process';

/**
 * The README's two commands from a checkout under a 0700 directory (a clone in /root/..., a fresh
 * `mktemp -d`), with embedded PostgreSQL: as root the server runs as `postgres`, which cannot enter
 * such a directory, so binaries and data must be placed where it can.
 */

/** A copy of this checkout (tracked and new files, node_modules hard-linked) under a fresh 0700 dir. */
function copyCheckout(): { parent: string; checkout: string } {
  const parent = mkdtempSync(path.join(tmpdir(), 'vrp-0700-'));
  const checkout = path.join(parent, 'portal');
  mkdirSync(checkout);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT });
  execFileSync('tar', ['--null', '-T', '-', '-cf', path.join(parent, 'src.tar')], { cwd: ROOT, input: files });
  execFileSync('tar', ['-xf', path.join(parent, 'src.tar'), '-C', checkout]);
  try {
    execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), checkout]);
  } catch {
    execFileSync('cp', ['-a', path.join(ROOT, 'node_modules'), checkout]);
  }
  return { parent, checkout };
}

/** The environment of a newcomer's shell: no database settings of ours. */
function newcomerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['TEST_DATABASE_URL', 'DATABASE_URL', 'DATA_DIR', 'UPLOADS_DIR', 'SESSION_SECRET', 'RECEIPT_SIGNING_KEY', 'NODE_ENV']) delete env[k];
  return { ...env, ...extra };
}

function runToEnd(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const child = spawn(cmd, args, { cwd, env });
  let out = '';
  child.stdout.on('data', (c) => { out += String(c); });
  child.stderr.on('data', (c) => { out += String(c); });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('a checkout under a directory only its owner can enter', () => {
  let parent = '';
  let checkout = '';
  const clusters: string[] = [];
  beforeAll(() => ({ parent, checkout } = copyCheckout()));
  afterAll(() => {
    rmSync(parent, { recursive: true, force: true });
    for (const dir of clusters) rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('when the parent is 0700, then it really is (the case this file is about)', () => {
    expect(statSync(parent).mode & 0o777).toBe(0o700);
  });

  it('when a newcomer runs npm start there, then the portal starts on embedded PostgreSQL, serves, and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn('npm', ['start'], { cwd: checkout, env: newcomerEnv({ PORT: String(port) }), detached: true });
    let out = '';
    child.stdout.on('data', (c) => { out += String(c); });
    child.stderr.on('data', (c) => { out += String(c); });
    const exited = new Promise<unknown>((resolve) => child.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start within 150 s:\n${out}`)), 150_000);
        child.stdout.on('data', () => { if (out.includes('Demo sign-ins')) { clearTimeout(timer); resolve(); } });
        child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited ${code}:\n${out}`)); });
      });
      const dir = /data in (\S+)\)/.exec(out)?.[1];
      expect(dir).toBeDefined();
      if (dir && !dir.startsWith(checkout)) clusters.push(dir);
      expect(existsSync(path.join(dir ?? '', 'postmaster.pid'))).toBe(true);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      // npm itself dies of the signal; what matters is that the portal and its database stop cleanly.
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      // The portal then drains, stops its database and exits; give it time on a loaded machine.
      const pidFile = path.join(dir ?? '', 'postmaster.pid');
      for (let i = 0; i < 200 && existsSync(pidFile); i += 1) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain('shutting down');
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      expect(existsSync(pidFile)).toBe(false);
    } finally {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }
  }, 200_000);

  it('when a newcomer runs npm test there, then the suite runs against embedded PostgreSQL', async () => {
    const { code, out } = await runToEnd('npm', ['test', '--', '--ci', 'test/integration/cli.test.ts'], checkout, newcomerEnv({}));
    expect(out).toMatch(/Tests:\s+5 passed, 5 total/);
    expect(code).toBe(0);
  }, 200_000);
});
