// Upload throughput: the portal against the floor (a bare Node server piping the body to disk
// through SHA-256), same file, same loopback, same machine, same run.
//
//   npm run build && node bench/upload.mjs            # 1 GiB, 5 runs each
//   BENCH_BYTES=268435456 BENCH_RUNS=5 node bench/upload.mjs
//   BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/postgres node bench/upload.mjs   # else embedded PostgreSQL
//   BENCH_FLOOR_FSYNC=1 node bench/upload.mjs          # the floor fsyncs too, as the portal always does
//
// Each run also measures the raw disk (the same bytes written from memory, fsynced) and raw SHA-256.
// The client streams the file from disk (never buffered) in this process; each server runs in a
// child process that samples its own RSS during each upload. MB = 10^6 bytes.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { execFileSync, fork } from 'node:child_process';
import { chmodSync, closeSync, createReadStream, existsSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFlags } from './start-flags.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SIZE = Number(process.env.BENCH_BYTES ?? process.argv[2] ?? 1024 ** 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MiB = 1024 * 1024;

if (!existsSync(path.join(HERE, '..', 'dist', 'server', 'app.js'))) {
  process.stderr.write('dist/ is missing: run "npm run build" first.\n');
  process.exit(2);
}

/** A PDF-headed file of random bytes: accepted as a PDF, and the active-content scan runs over all of it. */
function generate(file) {
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const tail = Buffer.from('\n%%EOF\n');
  const put = (b) => { writeSync(fd, b); hash.update(b); };
  put(head);
  const block = Buffer.alloc(4 * MiB);
  for (let left = SIZE - head.length - tail.length; left > 0; left -= block.length) put(randomFillSync(block).subarray(0, Math.min(left, block.length)));
  put(tail);
  closeSync(fd);
  return hash.digest('hex');
}

function startServer(mode, workDir, execArgv = []) {
  const child = fork(path.join(HERE, 'upload-server.mjs'), [mode, workDir, String(SIZE), String(RUNS)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (type) => new Promise((resolve, reject) => {
    const onMessage = (m) => { if (m.type === type) { child.off('message', onMessage); resolve(m); } };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`${mode} server exited (${code})`)));
  });
  return { child, next, ready: next('ready') };
}

/** POSTs the file as multipart/form-data, streamed from disk; resolves with the status, the body and the seconds taken. */
function upload(port, urlPath, headers, file) {
  const boundary = `----vrpbench${randomBytes(8).toString('hex')}`;
  const pre = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="evidence.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
  const post = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: urlPath, agent: false,
      headers: { ...headers, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': pre.length + SIZE + post.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
    });
    req.on('error', reject);
    req.write(pre);
    const source = createReadStream(file, { highWaterMark: 256 * 1024 });
    source.pipe(req, { end: false });
    source.on('end', () => req.end(post));
  });
}

async function request(port, method, urlPath, headers, body) {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

/** Writes every dirty page to disk first, so no run pays for the previous run's background writeback. */
async function settle() {
  execFileSync('sync');
  await new Promise((resolve) => setTimeout(resolve, 500));
}

async function measured(server, run) {
  await settle();
  server.child.send({ type: 'sample-start' });
  const result = await run();
  server.child.send({ type: 'sample-stop' });
  const { baseline, peak, cpuUser, cpuSystem } = await server.next('sample');
  return { ...result, rssGrowthMiB: (peak - baseline) / MiB, peakRssMiB: peak / MiB, cpuUser, cpuSystem };
}

/** Raw disk: the same number of bytes written from memory in 4 MiB blocks, then fsynced (no network, no hashing). */
function rawDisk(workDir) {
  const block = randomFillSync(Buffer.alloc(4 * MiB));
  const target = path.join(workDir, 'raw-disk.bin');
  const started = process.hrtime.bigint();
  const fd = openSync(target, 'w');
  for (let left = SIZE; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(left, block.length));
  fsyncSync(fd);
  closeSync(fd);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(target);
  return { seconds };
}

/** Raw hashing: SHA-256 over the same number of bytes already in memory (one core, no I/O). */
function rawHashing() {
  const block = randomFillSync(Buffer.alloc(4 * MiB));
  const hash = createHash('sha256');
  const started = process.hrtime.bigint();
  for (let left = SIZE; left > 0; left -= block.length) hash.update(left >= block.length ? block : block.subarray(0, left));
  hash.digest();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (r) => SIZE / 1e6 / r.seconds;

async function main() {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'vrp-bench-'));
  // Embedded PostgreSQL runs as user "postgres" when we are root: it must be able to reach its data folder inside.
  chmodSync(workDir, 0o755);
  const file = path.join(workDir, 'evidence.pdf');
  const servers = [];
  try {
    process.stdout.write(`Generating ${(SIZE / MiB).toFixed(0)} MiB of random data (PDF header) in ${workDir} ...\n`);
    const expected = generate(file);
    // Both servers run with the flags `npm start` uses: the floor gets every advantage the portal has.
    const portalFlags = startFlags();
    const floor = startServer('floor', workDir, portalFlags);
    const portal = startServer('portal', workDir, portalFlags);
    servers.push(floor, portal);
    const [f, p] = await Promise.all([floor.ready, portal.ready]);
    const token = (await request(p.port, 'POST', '/api/v1/auth/tokens', {}, { email: p.email, password: p.password })).json.token;
    const auth = { Authorization: `Bearer ${token}` };
    const results = { floor: [], portal: [], disk: [], hashing: [] };
    const runFloor = async () => {
      const a = await measured(floor, () => upload(f.port, '/', {}, file));
      if (a.status !== 200) throw new Error(`floor answered ${a.status}`);
      results.floor.push(a);
    };
    const runPortal = async (i) => {
      const b = await measured(portal, () => upload(p.port, `/api/v1/submissions/${p.drafts[i]}/documents`, auth, file));
      if (b.status !== 201) throw new Error(`portal answered ${b.status}: ${b.body}`);
      const doc = JSON.parse(b.body);
      if (doc.sha256 !== expected) throw new Error('portal stored a different SHA-256 than the file has');
      results.portal.push(b);
      // Remove it (not timed) so every run writes new content instead of finding an identical file.
      await request(p.port, 'DELETE', `/api/v1/submissions/${p.drafts[i]}/documents/${doc.id}`, auth);
    };
    for (let i = 0; i < RUNS; i += 1) {
      // Alternate who goes first, so neither always inherits the other's disk state.
      if (i % 2 === 0) { await runFloor(); await runPortal(i); } else { await runPortal(i); await runFloor(); }
      await settle();
      results.disk.push(rawDisk(workDir));
      results.hashing.push(rawHashing());
      const line = (r) => `${mbps(r).toFixed(1)} MB/s (server CPU ${r.cpuUser.toFixed(2)} s user + ${r.cpuSystem.toFixed(2)} s sys, RSS +${r.rssGrowthMiB.toFixed(1)} MiB)`;
      const [a, b] = [results.floor[i], results.portal[i]];
      process.stdout.write(`run ${i + 1}: floor ${line(a)}   portal ${line(b)}   ratio ${(mbps(b) / mbps(a)).toFixed(3)}   `
        + `raw disk ${mbps(results.disk[i]).toFixed(1)} MB/s, raw SHA-256 ${mbps(results.hashing[i]).toFixed(1)} MB/s\n`);
    }
    report(results, p.embedded, portalFlags);
  } finally {
    for (const s of servers) {
      if (!s.child.connected) continue;
      s.child.send({ type: 'exit' });
      await new Promise((resolve) => { s.child.once('exit', resolve); setTimeout(resolve, 15_000).unref(); });
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}

function report(results, embedded, portalFlags) {
  const floor = median(results.floor.map(mbps));
  const portal = median(results.portal.map(mbps));
  // Each run's pair shares the disk's state of the moment; the median of their ratios is the steadier figure.
  const paired = results.portal.map((r, i) => mbps(r) / mbps(results.floor[i]));
  const growth = Math.max(...results.portal.map((r) => r.rssGrowthMiB));
  const summary = {
    bytes: SIZE, runs: RUNS, floorFsync: process.env.BENCH_FLOOR_FSYNC === '1', database: embedded ? 'embedded PostgreSQL' : 'BENCH_DATABASE_URL/TEST_DATABASE_URL', node: process.version, nodeFlags: portalFlags.join(' '), cpus: os.cpus().length,
    rawDiskMedianMBps: +median(results.disk.map(mbps)).toFixed(1), rawSha256MedianMBps: +median(results.hashing.map(mbps)).toFixed(1),
    floorMedianMBps: +floor.toFixed(1), portalMedianMBps: +portal.toFixed(1), ratio: +(portal / floor).toFixed(3),
    pairedRatioMedian: +median(paired).toFixed(3), pairedRatioMin: +Math.min(...paired).toFixed(3), pairedRatioMax: +Math.max(...paired).toFixed(3),
    portalRssGrowthMaxMiB: +growth.toFixed(1), portalPeakRssMiB: +Math.max(...results.portal.map((r) => r.peakRssMiB)).toFixed(1),
  };
  const met = summary.ratio >= 0.9 && summary.pairedRatioMedian >= 0.9 ? 'met' : 'NOT met';
  process.stdout.write(`\nraw disk ${summary.rawDiskMedianMBps} MB/s, raw SHA-256 ${summary.rawSha256MedianMBps} MB/s (medians)\n`
    + `median floor ${summary.floorMedianMBps} MB/s, portal ${summary.portalMedianMBps} MB/s: ratio of medians ${summary.ratio}, `
    + `median of paired ratios ${summary.pairedRatioMedian} (range ${summary.pairedRatioMin}-${summary.pairedRatioMax}); target >= 0.9 on both: ${met}\n`
    + `portal RSS growth max ${summary.portalRssGrowthMaxMiB} MiB (target < 64: ${growth < 64 ? 'met' : 'NOT met'})\n${JSON.stringify(summary)}\n`);
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
