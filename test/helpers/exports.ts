import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import request from 'supertest';
import type { TestApp } from './app';
import { startJobRunner, type JobRunner } from '../../server/jobs/runner';
import { createMailer } from '../../server/notifications/mailer';

/**
 * Export test steps: real multi-page PDFs (pdfkit; the upload fixtures' PDFs have no pages),
 * damaged ones, the in-process job runner the exports need, and unpacking a production with the
 * system's `unzip` and checking it with `sha256sum -c`, as a recipient would.
 */

/** A PDF of `pages` pages; `subject` lands in its info dictionary. `encrypt` sets a user password (it opens only with it). */
export function pdfPages(pages: number, opts: { text?: string; subject?: string; encrypt?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    autoFirstPage: false, compress: false, info: { Title: opts.text ?? 'Exhibit', Subject: opts.subject ?? 'exhibit' },
    ...(opts.encrypt ? { userPassword: 'open sesame', ownerPassword: 'owner secret', pdfVersion: '1.7' as const } : {}),
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  for (let i = 1; i <= pages; i += 1) {
    doc.addPage({ size: 'LETTER' });
    doc.fontSize(14).text(`${opts.text ?? 'Exhibit'}, page ${i} of ${pages}`);
  }
  doc.end();
  return done;
}

/** The first half of a real PDF: a header, no trailer, no %%EOF (a truncated upload). */
export async function truncatedPdf(): Promise<Buffer> {
  const whole = await pdfPages(3, { text: 'Truncated exhibit' });
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** The job runner an export needs (main.ts runs it in-process in development, like the outbox). */
export async function startExportRunner(t: TestApp): Promise<JobRunner> {
  const c = t.deps.config;
  return startJobRunner({ pool: t.deps.pool, db: t.deps.db, mailer: createMailer(c, t.deps.logger), logger: t.deps.logger, uploadsDir: c.uploadsDir, publicUrl: c.publicUrl, dataDir: c.dataDir, exportHeapMiB: c.exportHeapMiB });
}

/** Polls GET /exports/{id} until it is done or failed (or `ms` pass); returns the last body. */
export async function waitForExport(t: TestApp, token: string, id: string, ms = 120_000): Promise<Record<string, unknown>> {
  const until = Date.now() + ms;
  for (;;) {
    const res = await request(t.app).get(`/api/v1/exports/${id}`).set('Authorization', `Bearer ${token}`);
    if (res.status !== 200) throw new Error(`GET export ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body as Record<string, unknown>;
    if (Date.now() > until) throw new Error(`export ${id} still ${res.body.status} (${res.body.progress}%)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A binary body as one Buffer (supertest leaves application/zip unparsed otherwise): `.buffer(true).parse(binary)`. */
export const binary = ((res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
  res.on('error', (err: Error) => cb(err, Buffer.alloc(0)));
}) as unknown as Parameters<request.Test['parse']>[0];

export interface Unpacked {
  dir: string;
  /** The file's bytes (path inside the archive). */
  read(p: string): Buffer;
  text(p: string): string;
  /** `unzip -Z1`: every entry name in the archive's order. */
  entries: string[];
}

const unpackedDirs: string[] = [];

/** Removes every folder `unpack` made (call in afterAll). */
export function removeUnpacked(): void {
  for (const d of unpackedDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Writes the ZIP to disk, checks it with `unzip -t`, unpacks it with `unzip` and lists its entries. */
export function unpack(zipBytes: Buffer): Unpacked {
  const dir = mkdtempSync(path.join(tmpdir(), 'vrp-export-'));
  unpackedDirs.push(dir);
  const file = path.join(dir, 'production.zip');
  writeFileSync(file, zipBytes);
  const tested = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
  if (tested.status !== 0) throw new Error(`unzip -t failed: ${tested.stdout}${tested.stderr}`);
  const out = path.join(dir, 'x');
  const unzipped = spawnSync('unzip', ['-q', file, '-d', out], { encoding: 'utf8' });
  if (unzipped.status !== 0) throw new Error(`unzip failed: ${unzipped.stdout}${unzipped.stderr}`);
  const entries = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return { dir: out, entries, read: (p) => readFileSync(path.join(out, p)), text: (p) => readFileSync(path.join(out, p), 'utf8') };
}

/** `sha256sum -c MANIFEST.sha256` in the unpacked folder: its exit status and output. */
export function sha256sumCheck(dir: string): { status: number | null; output: string } {
  const run = spawnSync('sha256sum', ['-c', '--strict', 'MANIFEST.sha256'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}
