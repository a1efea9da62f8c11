import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { staffWithToken } from '../helpers/filings';
import { binary, pdfPages, removeUnpacked, sha256sumCheck, startExportRunner, unpack, waitForExport } from '../helpers/exports';
import { pdf, sha256 } from '../fixtures/uploads';
import { ROOT } from '../helpers/process';
import { eventually, tempUploadsDir } from '../fixtures/upload-client';
import { buildExport, failStaleExports, progressWriter, WORKER_LOST } from '../../server/exports/exports.job';
import { exportsDir } from '../../server/exports/exports.service';
import { ContentStore } from '../../server/documents/content-store';

/**
 * The build_export job's failure paths (docs/exports.md "The job"): a stored file gone mid-record
 * fails the row with a stable code and leaves no partial file; a worker killed while writing
 * leaves a running row that the stale sweep marks failed `worker_lost` (and its partial file
 * removed), after which the job's own re-run does nothing. Progress writes are throttled.
 */
let t: TestApp;
let uploads: string;
let dataDir: string;
let legal: { token: string; id: string };

beforeAll(async () => {
  uploads = tempUploadsDir();
  dataDir = mkdtempSync(path.join(tmpdir(), 'vrp-exports-job-'));
  t = await startTestApp({ env: { UPLOADS_DIR: uploads, DATA_DIR: dataDir } });
  const l = await staffWithToken(t, 'legal');
  legal = { token: l.token, id: l.user.id };
});
afterAll(async () => {
  removeUnpacked();
  await t?.close();
  rmSync(uploads, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const as = (r: request.Test, token: string) => r.set('Authorization', `Bearer ${token}`);
const jobDeps = () => ({ db: t.deps.db, pool: t.deps.pool, logger: t.deps.logger, uploadsDir: uploads, dataDir, heapMiB: t.deps.config.exportHeapMiB });
const row = (id: string) => t.deps.db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const partials = () => (existsSync(exportsDir(dataDir)) ? readdirSync(exportsDir(dataDir)).filter((f) => f.endsWith('.part')) : []);

/** A proceeding with one filed response carrying `docs` documents (real one-page PDFs, stored as uploads are). */
async function recordWith(docs: number): Promise<{ docket: string; documentIds: string[] }> {
  const p = await buildProceeding(t.deps);
  const vendor = await buildUser(t.deps);
  const token = await tokenFor(t.app, vendor);
  const draft = await as(request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`), token).send({ title: 'Response', argument: 'Argument.' }).expect(201);
  const documentIds: string[] = [];
  for (let i = 0; i < docs; i += 1) {
    documentIds.push(await buildDocumentRow(t.deps, draft.body.id, vendor.id, { data: await pdfPages(1, { text: `Exhibit ${i}`, subject: `doc ${i} ${p.docket}` }), label: `Exhibit ${i}` }));
  }
  await as(request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`), token).send({ certification: { accepted: true, signature: 'X' } }).expect(200);
  return { docket: p.docket, documentIds };
}

describe('progress', () => {
  it('when progress is reported per item, then the row is written at most every 500 ms and only when the percent moved by one or more', async () => {
    const writes: number[] = [];
    let now = 0;
    const p = progressWriter(async (pct) => { writes.push(pct); }, () => now);
    for (let done = 1; done <= 1000; done += 1) {
      now += 10; // 10 ms per item: 10 s in all
      p.report(done, 1000);
      await p.settle();
    }
    expect(writes.length).toBeLessThanOrEqual(21);
    expect(writes.length).toBeGreaterThanOrEqual(15);
    expect([...writes].sort((x, y) => x - y)).toEqual(writes);
    expect(Math.max(...writes)).toBe(99); // 100 comes with the result, never before
    const tiny = progressWriter(async (pct) => { writes.push(pct); }, () => (now += 1000));
    writes.length = 0;
    for (let done = 1; done <= 5; done += 1) { tiny.report(done, 1000); await tiny.settle(); }
    expect(writes).toEqual([]); // under 1% moved: nothing written
  });
});

describe('large files', () => {
  it('when PDFs larger than the reusable read buffer sit between small ones, then each is produced byte for byte and the archive verifies', async () => {
    const p = await buildProceeding(t.deps);
    const vendor = await buildUser(t.deps);
    const token = await tokenFor(t.app, vendor);
    const draft = await as(request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`), token).send({ title: 'Response', argument: 'A.' }).expect(201);
    // A 9 MiB and a 20 MiB PDF without pages (slip-sheeted, native beside it) among real ones.
    const big = [pdf('/Big (one) ', 9 * 1024 * 1024), pdf('/Big (two) ', 20 * 1024 * 1024)];
    const small = [await pdfPages(2, { text: 'Small one' }), await pdfPages(1, { text: 'Small two' }), await pdfPages(1, { text: 'Small three' })];
    for (const data of [small[0]!, big[0]!, small[1]!, big[1]!, small[2]!]) await buildDocumentRow(t.deps, draft.body.id, vendor.id, { data });
    await as(request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`), token).send({ certification: { accepted: true, signature: 'X' } }).expect(200);
    const runner = await startExportRunner(t);
    try {
      const started = await as(request(t.app).post('/api/v1/exports'), legal.token).send({ docket: p.docket, includeConfidential: false }).expect(202);
      expect(await waitForExport(t, legal.token, started.body.id)).toMatchObject({ status: 'done' });
      const zip = await as(request(t.app).get(`/api/v1/exports/${started.body.id}/download`), legal.token).buffer(true).parse(binary).expect(200);
      const unpacked = unpack(zip.body as Buffer);
      expect(sha256sumCheck(unpacked.dir).status).toBe(0);
      const items = JSON.parse(unpacked.text('index.json')).items as { status: string; nativePath: string | null; sha256Original: string; pages: number }[];
      expect(items.map((i) => i.status)).toEqual(['produced', 'slip_sheet', 'produced', 'slip_sheet', 'produced']);
      for (const [i, data] of [[1, big[0]!], [3, big[1]!]] as const) {
        expect(sha256(unpacked.read(items[i]!.nativePath!))).toBe(sha256(data));
        expect(items[i]!.sha256Original).toBe(sha256(data));
      }
    } finally {
      await runner.stop();
    }
  });
});

describe('failures', () => {
  it('when a stored file is missing, then the export fails with document_missing, audited, and no partial file is left', async () => {
    const { docket, documentIds } = await recordWith(2);
    const doc = await t.deps.db.selectFrom('documents').select('storage_key').where('id', '=', documentIds[1]!).executeTakeFirstOrThrow();
    unlinkSync(new ContentStore(uploads).pathOf(doc.storage_key));
    const runner = await startExportRunner(t);
    try {
      const started = await as(request(t.app).post('/api/v1/exports'), legal.token).send({ docket, includeConfidential: true }).expect(202);
      const body = await waitForExport(t, legal.token, started.body.id);
      expect(body).toMatchObject({ status: 'failed', error: { code: 'document_missing', message: expect.stringContaining('missing') }, downloadUrl: null });
      expect(partials()).toEqual([]);
      expect(existsSync(path.join(exportsDir(dataDir), `${started.body.id}.zip`))).toBe(false);
      const failed = await t.deps.db.selectFrom('audit_events').select('data').where('action', '=', 'export.failed').execute();
      expect(failed.map((e) => e.data)).toContainEqual(expect.objectContaining({ exportId: started.body.id, code: 'document_missing' }));
      const dl = await as(request(t.app).get(`/api/v1/exports/${started.body.id}/download`), legal.token);
      expect([dl.status, dl.body.error.code]).toEqual([409, 'export_not_ready']);
    } finally {
      await runner.stop();
    }
  });

  it('when the worker is killed mid-export, then the stale sweep marks the row failed worker_lost and removes the partial file; the job\'s re-run does nothing', async () => {
    const { docket } = await recordWith(300);
    const started = await as(request(t.app).post('/api/v1/exports'), legal.token).send({ docket, includeConfidential: true }).expect(202);
    const id = started.body.id as string;
    // A real worker process (npm run worker) on the same database and folders.
    const child = spawn(process.execPath, ['-r', './test/helpers/ts-register.js', 'server/worker.ts'], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: t.ownerUrl, UPLOADS_DIR: uploads, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    });
    let output = '';
    child.stderr.on('data', (c) => { output += String(c); });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await eventually(async () => (await row(id)).status === 'running' && partials().includes(`${id}.zip.part`), 90_000);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`worker never started the export (${(await row(id)).status}): ${output} ${String(err)}`);
    }
    child.kill('SIGKILL');
    await exited;
    const killed = await row(id);
    expect(killed.status).toBe('running'); // nobody finished it: the row alone cannot tell
    expect(partials()).toContain(`${id}.zip.part`);

    // Not stale yet under the real threshold: the sweep leaves a live-looking export alone.
    expect(await failStaleExports(jobDeps())).toEqual([]);
    expect(await failStaleExports(jobDeps(), { staleAfterMs: 0, now: new Date(Date.now() + 1) })).toEqual([id]);
    expect(await row(id)).toMatchObject({ status: 'failed', error_code: WORKER_LOST });
    expect(partials()).not.toContain(`${id}.zip.part`);
    const audited = await t.deps.db.selectFrom('audit_events').select('data').where('action', '=', 'export.failed').execute();
    expect(audited.map((e) => e.data)).toContainEqual(expect.objectContaining({ exportId: id, code: WORKER_LOST }));

    // graphile-worker hands the dead worker's job out again later: it finds the row failed and leaves it.
    await buildExport(jobDeps(), id);
    expect(await row(id)).toMatchObject({ status: 'failed', error_code: WORKER_LOST });
    expect(existsSync(path.join(exportsDir(dataDir), `${id}.zip`))).toBe(false);
    const status = await as(request(t.app).get(`/api/v1/exports/${id}`), legal.token).expect(200);
    expect(status.body.error.code).toBe(WORKER_LOST);
  }, 180_000);
});
