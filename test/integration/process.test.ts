import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdtempSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '../helpers/database';
import { freePort, ROOT, startPortal } from '../helpers/process';
import { createDb } from '../../server/db/pool';
import { enqueueMail } from '../../server/notifications/outbox';

describe('the portal process', () => {
  it('when a setting is invalid, then it refuses to start and names the setting', async () => {
    const child = spawn(process.execPath, ['-r', './test/helpers/ts-register.js', 'server/main.ts'], { cwd: ROOT, env: { ...process.env, PORT: 'http' } });
    let err = '';
    child.stderr.on('data', (c) => { err += String(c); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('PORT must be integer');
  }, 20_000);

  it('when SIGTERM arrives during a request, then that request completes, new ones are refused, and it exits 0', async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    const { child, output } = await startPortal({
      DATABASE_URL: db.url, PORT: String(port), NODE_ENV: 'test', LOG_LEVEL: 'info', WORKER_IN_PROCESS: 'false',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vrp-proc-')), SESSION_SECRET: 'x'.repeat(40),
    });
    try {
      const body = JSON.stringify({ email: 'nobody@example.test', password: 'a wrong password of some length' });
      const inFlight = new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/auth/tokens', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
        req.on('error', reject);
        req.write(body.slice(0, 10)); // the request is in flight: headers sent, body unfinished
        setTimeout(() => {
          child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 300);
        }, 300);
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(await inFlight).toBe(401);
      expect(await exited).toBe(0);
      expect(output()).toContain('shutting down');
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
      await db.drop();
    }
  }, 40_000);

  it('when the worker runs as its own process, then it sends queued mail and stops cleanly on SIGTERM', async () => {
    const db = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const child = spawn(process.execPath, ['-r', './test/helpers/ts-register.js', 'server/worker.ts'], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vrp-wrk-')), SESSION_SECRET: 'x'.repeat(40) },
    });
    let out = '';
    child.stdout.on('data', (c) => { out += String(c); });
    try {
      const kysely = createDb(pool);
      await kysely.transaction().execute((trx) => enqueueMail(trx, { to: 'vendor@example.test', subject: 'Receipt T-000001', text: 'Filed.' }, 'portal.test'));
      const deadline = Date.now() + 25_000;
      let status = 'pending';
      while (status !== 'sent' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        status = (await pool.query(`SELECT status FROM outbox WHERE to_address = 'vendor@example.test'`)).rows[0]?.status as string;
      }
      expect(status).toBe('sent');
      expect(out).toContain('Receipt T-000001');
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await pool.end();
      await db.drop();
    }
  }, 40_000);

  it('when every secret comes from the environment and DATA_DIR does not exist yet, then it starts, seeds and creates DATA_DIR', async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'vrp-nodir-')), 'not', 'yet');
    const { privateKey } = generateKeyPairSync('ed25519');
    const { child, output } = await startPortal({
      DATABASE_URL: db.url, PORT: String(port), NODE_ENV: 'development', WORKER_IN_PROCESS: 'false', DATA_DIR: dataDir,
      SESSION_SECRET: 'y'.repeat(40), RECEIPT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(output()).toContain('Demo sign-ins');
      expect(existsSync(path.join(dataDir, 'demo-accounts.json'))).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGKILL');
      await db.drop();
    }
  }, 40_000);
});
