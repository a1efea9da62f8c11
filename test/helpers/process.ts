import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

/** A TCP port nobody listens on right now. */
export const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
});

/** Starts `server/main.ts` as a real process and resolves once it prints its address. */
export function startPortal(env: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; output: () => string }> {
  const child = spawn(process.execPath, ['-r', './test/helpers/ts-register.js', 'server/main.ts'], { cwd: ROOT, env: { ...process.env, ...env } });
  let out = '';
  child.stdout.on('data', (c) => { out += String(c); });
  child.stderr.on('data', (c) => { out += String(c); });
  return new Promise((resolve, reject) => {
    // Generous: on a loaded 2-core machine the transpile-on-require start alone can take tens of seconds.
    const timer = setTimeout(() => reject(new Error(`portal did not start:\n${out}`)), 90_000);
    child.stdout.on('data', () => {
      if (out.includes('is running at')) { clearTimeout(timer); resolve({ child, output: () => out }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`portal exited ${code}:\n${out}`)); });
  });
}
