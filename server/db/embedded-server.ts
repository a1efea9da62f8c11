import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ownClusterDir, privateFileFor, type ServerAccount } from './embedded-reach';

/** A PostgreSQL server process this process started from the embedded binaries. */
export interface ServerProcess {
  port: number;
  stop(): Promise<void>;
}

interface Cluster { binDir: string; dir: string; account: ServerAccount | undefined; password: string }

const ids = (account: ServerAccount | undefined) => (account ? { uid: account.uid, gid: account.gid } : {});

/** Runs a binary to completion; rejects with what it printed on stderr. */
function run(file: string, args: string[], account: ServerAccount | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...ids(account), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => { err += String(c); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (exit ${code}): ${err.trim()}`))));
  });
}

/** Creates a fresh cluster in `dir` (scram-sha-256, superuser `postgres` with `password`). */
export async function initCluster(c: Cluster): Promise<void> {
  ownClusterDir(c.account, c.dir);
  const pwfile = privateFileFor(c.account, `${c.password}\n`);
  try {
    await run(path.join(c.binDir, 'bin', 'initdb'), [
      `--pgdata=${c.dir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C',
    ], c.account);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the server accepts a password login, or fails with what it printed if it exits. */
async function ready(url: string, child: ChildProcess, output: () => string): Promise<void> {
  let exited = false;
  child.once('exit', () => { exited = true; });
  child.once('error', () => { exited = true; });
  for (let i = 0; i < 300; i += 1) {
    if (exited) throw new Error(`PostgreSQL exited while starting: ${output().trim()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await sleep(100);
    }
  }
  throw new Error(`PostgreSQL did not accept connections within 30 s: ${output().trim()}`);
}

/**
 * Starts the server on 127.0.0.1:`port` only (no Unix socket: nothing to place where the account
 * may not write). stop() asks for a fast shutdown and waits for the process to end.
 */
export async function startServer(c: Cluster, port: number): Promise<ServerProcess> {
  const child = spawn(path.join(c.binDir, 'bin', 'postgres'), [
    '-D', c.dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
  ], { ...ids(c.account), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  child.stderr?.on('data', (chunk) => { out = (out + String(chunk)).slice(-4000); });
  child.on('error', (err) => { out += err.message; });
  const exit = new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.once('error', () => resolve()); });
  await ready(`postgres://postgres:${encodeURIComponent(c.password)}@127.0.0.1:${port}/postgres`, child, () => out);
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exit;
    },
  };
}
