import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { freePort, startPortal } from '../helpers/process';
import { contentKeys, tempFiles } from '../fixtures/upload-client';
import { filePart, multipart, pdf } from '../fixtures/uploads';
import { sweepUploads } from '../../server/documents/sweep';
import { isReferenced } from '../../server/documents/content-store';
import { verifyAuditChain } from '../../server/audit/audit.verify';

/**
 * SECURITY.md, Integrity: "kill -9 at any point -> every acknowledged submission is intact with
 * matching SHA-256; no row points to a missing file; orphan files are swept." A real portal process
 * takes uploads and filings from several clients at once and is killed with SIGKILL at a random
 * moment, round after round; then the database and the disk are checked against every answer the
 * clients received.
 */
let t: TestApp;
let uploads: string;
let dataDir: string;
let token: string;
let docket: string;
beforeAll(async () => {
  t = await startTestApp();
  uploads = mkdtempSync(path.join(tmpdir(), 'vrp-crash-uploads-'));
  dataDir = mkdtempSync(path.join(tmpdir(), 'vrp-crash-data-'));
  token = await tokenFor(t.app, await buildUser(t.deps));
  docket = (await buildProceeding(t.deps)).docket;
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const ROUNDS = 4;
const CLIENTS = 3;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Acks { uploads: Array<{ id: string; sha256: string; size: number }>; filings: Array<{ id: string; trackingNumber: string }> }

/** One request over a raw socket; the body goes out in pieces so a kill can land mid-upload. Rejects when the connection dies. */
function send(port: number, method: string, urlPath: string, body: Buffer, contentType: string): Promise<{ status: number; json: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1', port, method, path: urlPath, agent: false,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType, 'Content-Length': body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    let at = 0;
    const pump = () => {
      if (at >= body.length) { req.end(); return; }
      req.write(body.subarray(at, at + 128 * 1024));
      at += 128 * 1024;
      setTimeout(pump, 2);
    };
    pump();
  });
}
const json = (port: number, method: string, urlPath: string, value: object) => send(port, method, urlPath, Buffer.from(JSON.stringify(value)), 'application/json');

/** A vendor's loop: draft, two exhibits, file; again, until the connection dies. Records every success it was told of. */
async function client(port: number, acks: Acks): Promise<void> {
  for (;;) {
    const d = await json(port, 'POST', `/api/v1/proceedings/${docket}/submissions`, { title: 'Response', argument: '1. An argument.' });
    if (d.status !== 201) throw new Error(`draft answered ${d.status}`);
    for (const label of ['Exhibit A', 'Exhibit B']) {
      const data = pdf(`/Nonce (${randomBytes(8).toString('hex')})`, 600_000 + Math.floor(Math.random() * 900_000));
      const { body, contentType } = multipart([{ name: 'label', value: label }, filePart('exhibit.pdf', data)]);
      const up = await send(port, 'POST', `/api/v1/submissions/${d.json.id}/documents`, body, contentType);
      if (up.status !== 201) throw new Error(`upload answered ${up.status}`);
      expect(up.json.sha256).toBe(sha256(data));
      acks.uploads.push({ id: String(up.json.id), sha256: String(up.json.sha256), size: data.length });
    }
    const filed = await json(port, 'POST', `/api/v1/submissions/${d.json.id}/submit`, { certification: { accepted: true, signature: 'Jane Q. Filer' } });
    if (filed.status !== 200) throw new Error(`submit answered ${filed.status}`);
    acks.filings.push({ id: String(d.json.id), trackingNumber: String(filed.json.trackingNumber) });
  }
}

async function crashRound(acks: Acks): Promise<void> {
  const port = await freePort();
  const { child } = await startPortal({
    DATABASE_URL: t.ownerUrl, PORT: String(port), NODE_ENV: 'test', LOG_LEVEL: 'silent', WORKER_IN_PROCESS: 'false',
    DATA_DIR: dataDir, UPLOADS_DIR: uploads, SESSION_SECRET: 'x'.repeat(40),
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const clients = Array.from({ length: CLIENTS }, () => client(port, acks).catch((err: Error) => err));
  await new Promise((resolve) => setTimeout(resolve, 700 + Math.random() * 1500));
  child.kill('SIGKILL');
  await exited;
  const endings = await Promise.all(clients);
  // Every client must have ended by losing its connection, never by a refusal from a live server.
  for (const e of endings) expect(String(e)).toMatch(/ECONNRESET|ECONNREFUSED|socket hang up|EPIPE/);
}

const fileHash = (key: string) => sha256(readFileSync(path.join(uploads, key)));

describe('kill -9 while vendors upload and file', () => {
  it(`when the process is killed at random moments ${ROUNDS} times, then every acknowledged upload and filing is intact, no row lacks its file, and the sweep leaves no orphan`, async () => {
    const acks: Acks = { uploads: [], filings: [] };
    for (let i = 0; i < ROUNDS; i += 1) await crashRound(acks);
    expect(acks.uploads.length).toBeGreaterThan(0);

    const docs = await t.deps.db.selectFrom('documents').select(['id', 'sha256', 'size', 'storage_key']).execute();
    for (const a of acks.uploads) {
      expect(docs.find((d) => d.id === a.id)).toMatchObject({ sha256: a.sha256, size: String(a.size) });
    }
    for (const d of docs) {
      expect(existsSync(path.join(uploads, d.storage_key))).toBe(true);
      expect(fileHash(d.storage_key)).toBe(d.sha256);
    }

    const filed = await t.deps.db.selectFrom('submissions').select(['id', 'status', 'tracking_number', 'receipt'])
      .where('status', '=', 'submitted').execute();
    for (const a of acks.filings) {
      expect(filed.find((s) => s.id === a.id)).toMatchObject({ status: 'submitted', tracking_number: a.trackingNumber, receipt: expect.anything() });
    }
    // Numbers are given inside the filing transaction: a crash can lose a filing, never leave a gap.
    const numbers = filed.map((s) => Number(s.tracking_number!.slice(-6))).sort((x, y) => x - y);
    expect(numbers).toEqual(numbers.map((_n, i) => i + 1));

    await sweepUploads(t.deps.db, uploads, { olderThanMs: 0 });
    expect(tempFiles(uploads)).toEqual([]);
    for (const key of contentKeys(uploads)) expect(await isReferenced(t.deps.db, key)).toBe(true);
    expect(await verifyAuditChain(t.deps.db)).toMatchObject({ ok: true });
  }, 240_000);
});
