// The legal export against the floor of copying the same files to disk (issue 10, Performance).
//
//   npm run bench:export                                  # BENCH_DOCS=10000, BENCH_BYTES=2 GiB
//   BENCH_DOCS=300 BENCH_BYTES=100000000 npm run bench:export
//   BENCH_EVENTS=1000000 ...                              # unrelated audit events before the record's (default 100000)
//   BENCH_DIR=/path                                       # where the uploads and outputs go (default: a temp dir)
//   BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/postgres   # the server for the throwaway database
//   BENCH_KEEP=1                                          # keep the database, the files and the archive
//
// 1. Seeds a throwaway database and uploads folder (bench/export-seed.mjs: BENCH_DOCS documents of a
//    realistic mix totalling at least BENCH_BYTES, on filed responses, with their audit events).
// 2. Floor: the same stored files, in the same order, concatenated into one file on the same disk
//    with fs streams (128 KiB reads), after evicting them from the page cache (posix_fadvise
//    DONTNEED, per file: "cold-ish", without touching anyone else's cache).
// 3. Export: evicts the files again, then forks bench/export-child.mjs, which calls
//    writeProductionInChild (dist/server/exports/production-child.js, confidential scope: every
//    document produced) into a file, as the build_export job does: the export runs in a process of
//    its own with the EXPORT_HEAP_MIB heap limit. Measures the wall time (from the call to the
//    result, the export process's start included) and that process's peak RSS (its maxRSS, which
//    it reports at the end); the caller's own peak RSS is printed beside it.
// 4. verifyProduction (dist/server/exports/verify.js) on the archive.
// Both throughputs are the documents' bytes over the wall time, so the ratio is floor time / export time.
// Ends with ONE JSON line: {floorMBps, exportMBps, ratio, peakRssMiB, docs, bytes, meetsTargets, ...}.
// Targets: ratio >= 0.5, peak RSS < 256 MiB.
import { fork, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedExport } from './export-seed.mjs';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const BYTES = Number(process.env.BENCH_BYTES ?? 2 * 2 ** 30);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const KEEP = process.env.BENCH_KEEP === '1';
const TARGET_RATIO = 0.5;
const TARGET_RSS_MIB = 256;
const MB = 1e6;
const log = (s) => process.stdout.write(`${s}\n`);

if (!existsSync(path.join(HERE, '..', 'dist', 'server', 'db', 'migrate.js'))) {
  process.stderr.write('dist/ is missing: run "npm run build" first (npm run bench:export does).\n');
  process.exit(2);
}
const pg = require('pg');
const { migrateToLatest } = require('../dist/server/db/migrate.js');
const { chainHash } = require('../dist/server/audit/audit.chain.js');

async function admin(sql) {
  const c = new pg.Client({ connectionString: SERVER });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

/** Writes back and evicts each file from the page cache (Python's os.posix_fadvise; one process for all). */
function evict(files) {
  const program = `
import os, sys
for p in sys.stdin.read().split("\\n"):
    if not p: continue
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)`;
  const run = spawnSync('python3', ['-c', program], { input: files.join('\n'), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`evicting the files from the page cache failed: ${run.stderr}`);
}

/** The floor: every file, in order, streamed into one output file. */
async function floor(files, out) {
  const started = process.hrtime.bigint();
  const sink = createWriteStream(out, { highWaterMark: 1 << 20 });
  let bytes = 0;
  for (const f of files) {
    for await (const chunk of createReadStream(f, { highWaterMark: 128 * 1024 })) {
      bytes += chunk.length;
      if (!sink.write(chunk)) await new Promise((r) => sink.once('drain', r));
    }
  }
  await new Promise((resolve, reject) => { sink.on('error', reject); sink.end(resolve); });
  await new Promise((r) => (sink.closed ? r() : sink.once('close', r)));
  return { bytes, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Forks the export child; resolves with its report and the peak RSS seen. */
function runExport(env, docket, out) {
  return new Promise((resolve) => {
    const child = fork(path.join(HERE, 'export-child.mjs'), [docket, out], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let polledKiB = 0;
    let message = null;
    const poll = setInterval(() => {
      try {
        const kib = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        polledKiB = Math.max(polledKiB, kib);
      } catch { /* exited */ }
    }, 200);
    child.on('message', (m) => { message = m; });
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, ...(message ?? { ok: false, error: `the export process exited with code ${code} and no report` }), polledKiB });
    });
  });
}

async function main() {
  const name = `vrp_bench_export_${randomBytes(4).toString('hex')}`;
  const work = process.env.BENCH_DIR ? mkdtempSync(path.join(process.env.BENCH_DIR, 'vrp-bench-export-')) : mkdtempSync(path.join(tmpdir(), 'vrp-bench-export-'));
  const uploads = path.join(work, 'uploads');
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const result = { floorMBps: null, exportMBps: null, ratio: null, peakRssMiB: null, docs: DOCS, bytes: null, meetsTargets: false };
  await admin(`CREATE DATABASE ${name}`);
  try {
    log(`Export benchmark: ${DOCS} documents, at least ${(BYTES / 2 ** 30).toFixed(2)} GiB, ${EVENTS} unrelated audit events; database ${name}, files in ${work}`);
    await migrateToLatest(dbUrl);
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    let seeded;
    const seedStart = Date.now();
    try {
      seeded = await seedExport(client, uploads, { docs: DOCS, bytes: BYTES, events: EVENTS, chainHash, log });
    } finally {
      await client.end();
    }
    result.bytes = seeded.bytes;
    log(`Seeded ${seeded.docs} documents (${(seeded.bytes / 2 ** 20).toFixed(0)} MiB, ${seeded.confidential} confidential) on ${seeded.submissions} responses, ${seeded.auditEvents} audit events, in ${((Date.now() - seedStart) / 1000).toFixed(0)} s`);

    evict(seeded.files);
    const floorOut = path.join(work, 'floor.bin');
    const f = await floor(seeded.files, floorOut);
    rmSync(floorOut, { force: true });
    result.floorMBps = Number((f.bytes / MB / f.seconds).toFixed(1));
    log(`Floor: ${(f.bytes / 2 ** 20).toFixed(0)} MiB concatenated in ${f.seconds.toFixed(2)} s = ${result.floorMBps} MB/s`);

    evict(seeded.files);
    const archive = path.join(work, 'production.zip');
    const env = { ...process.env, NODE_ENV: 'development', DATABASE_URL: dbUrl, UPLOADS_DIR: uploads, DATA_DIR: path.join(work, 'data'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
    const ex = await runExport(env, seeded.docket, archive);
    if (ex.vmHwmKiB) result.peakRssMiB = Number((ex.vmHwmKiB / 1024).toFixed(1));
    if (ex.callerHwmKiB) result.callerPeakRssMiB = Number((Math.max(ex.callerHwmKiB, ex.polledKiB) / 1024).toFixed(1));
    if (!ex.ok) {
      result.error = ex.missing ? `export step not run: ${ex.error}` : `export failed: ${ex.error}`;
      log(`EXPORT FAILED: ${result.error}`);
      process.exitCode = 1;
      return;
    }
    result.exportMBps = Number((seeded.bytes / MB / ex.seconds).toFixed(1));
    result.ratio = Number((result.exportMBps / result.floorMBps).toFixed(3));
    result.archiveBytes = statSync(archive).size;
    result.items = ex.items;
    log(`Export: ${(result.archiveBytes / 2 ** 20).toFixed(0)} MiB archive, ${ex.items} items, in ${ex.seconds.toFixed(2)} s = ${result.exportMBps} MB/s of documents (ratio ${result.ratio}); peak RSS of the export process ${result.peakRssMiB} MiB (its caller: ${result.callerPeakRssMiB} MiB)`);

    const { verifyProduction } = require('../dist/server/exports/verify.js');
    const vStart = Date.now();
    const report = await verifyProduction(archive);
    result.verifyOk = report.ok;
    result.verifySeconds = Number(((Date.now() - vStart) / 1000).toFixed(2));
    log(`verifyProduction: ${report.ok ? 'OK' : `${report.problems.length} problem(s)`} (${report.checked.files} files, ${report.checked.items} items, ${report.checked.auditEvents} audit events) in ${result.verifySeconds} s`);
    for (const p of report.problems.slice(0, 10)) log(`  ${p.file ?? ''} ${p.bates ?? ''} ${p.message}`);
    result.meetsTargets = result.ratio >= TARGET_RATIO && result.peakRssMiB < TARGET_RSS_MIB && report.ok;
  } finally {
    if (!KEEP) {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(work, { recursive: true, force: true });
    } else {
      log(`Kept: database ${name}, files in ${work}`);
    }
    log(JSON.stringify(result));
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
