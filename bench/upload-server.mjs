// Benchmark server process (forked by bench/upload.mjs; not run by hand). Two modes:
//   floor  - a bare Node http server piping the request body to disk through SHA-256
//   portal - the real app (compiled, from dist/) with a real database and a vendor draft per run
// Either way it samples its own RSS while told to, so the figure is the server's, not the client's.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const require = createRequire(import.meta.url);
const [mode, workDir, sizeArg, runsArg] = process.argv.slice(2);

/** RSS (every 10 ms) and CPU time, on request from the driver: baseline when started, peak until stopped. */
let sampler;
process.on('message', (msg) => {
  if (msg.type === 'sample-start') {
    const baseline = process.memoryUsage.rss();
    sampler = { baseline, peak: baseline, cpu: process.cpuUsage(), timer: setInterval(() => { sampler.peak = Math.max(sampler.peak, process.memoryUsage.rss()); }, 10) };
  } else if (msg.type === 'sample-stop') {
    clearInterval(sampler.timer);
    sampler.peak = Math.max(sampler.peak, process.memoryUsage.rss());
    const cpu = process.cpuUsage(sampler.cpu);
    process.send({ type: 'sample', baseline: sampler.baseline, peak: sampler.peak, cpuUser: cpu.user / 1e6, cpuSystem: cpu.system / 1e6 });
  } else if (msg.type === 'exit') {
    void shutdown().then(() => process.exit(0));
  }
});

let shutdown = async () => {};

async function floor() {
  const outDir = path.join(workDir, 'floor');
  mkdirSync(outDir, { recursive: true });
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    const file = path.join(outDir, `${randomBytes(8).toString('hex')}.bin`);
    req.on('data', (chunk) => hash.update(chunk));
    // BENCH_FLOOR_FSYNC=1: the floor also fsyncs before answering, as the portal does (durability cost made visible).
    pipeline(req, createWriteStream(file, { flush: process.env.BENCH_FLOOR_FSYNC === '1' })).then(() => {
      res.end(JSON.stringify({ sha256OfBody: hash.digest('hex') }));
      rmSync(file, { force: true }); // after answering: the next run starts from an empty folder
    }, (err) => { res.statusCode = 500; res.end(String(err)); });
  });
  server.requestTimeout = 0;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  shutdown = async () => new Promise((resolve) => server.close(resolve));
  return { port: server.address().port };
}

async function portal() {
  const { loadConfig } = require('../dist/server/config.js');
  const { openRuntime } = require('../dist/server/bootstrap.js');
  const { createApp } = require('../dist/server/app.js');
  const { createUserDirect } = require('../dist/server/accounts/users.service.js');
  const { createDraft } = require('../dist/server/submissions/drafts.service.js');
  const { SYSTEM_CONTEXT } = require('../dist/server/audit/audit.service.js');
  const database = await benchDatabase();
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url, DATA_DIR: path.join(workDir, 'data'),
    UPLOADS_DIR: path.join(workDir, 'uploads'), SESSION_SECRET: randomBytes(32).toString('hex'), WORKER_IN_PROCESS: 'false',
  });
  const runtime = await openRuntime(config);
  const { db } = runtime.deps;
  const size = Number(sizeArg);
  const org = await db.insertInto('organizations').values({ legal_name: 'Bench Vendor LLC', country: 'US', uei: null }).returning('id').executeTakeFirstOrThrow();
  const docket = `BENCH-${randomBytes(3).toString('hex').toUpperCase()}`;
  // As an administrator would open it, with room for the benchmark file (the proceedings API caps limits at 2 GiB).
  await db.insertInto('proceedings').values({
    docket, title: 'Upload benchmark', summary: 'Benchmark proceeding.', notice_text: 'Benchmark.', opens_at: new Date(Date.now() - 3600e3),
    closes_at: new Date(Date.now() + 86400e3), time_zone: 'UTC', late_policy: 'reject', response_schema: null,
    limits: JSON.stringify({ maxFileBytes: size, maxFiles: 10, maxTotalBytes: size * 2 }),
  }).execute();
  const email = `bench-${randomBytes(4).toString('hex')}@example.test`;
  const password = `bench ${randomBytes(12).toString('hex')} upload`;
  const { id: userId } = await createUserDirect(db, runtime.deps.totpVault, SYSTEM_CONTEXT, { email, name: 'Bench Vendor', role: 'vendor', organizationId: org.id, password });
  const actor = { userId, role: 'vendor', organizationId: org.id, email, name: 'Bench Vendor', via: 'token' };
  const drafts = [];
  for (let i = 0; i < Number(runsArg); i += 1) drafts.push(await createDraft(db, SYSTEM_CONTEXT, actor, docket, { title: `Run ${i + 1}`, argument: 'Benchmark.' }));
  const { createHttpServer } = require('../dist/server/http/server.js');
  const server = createHttpServer(createApp(runtime.deps)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  shutdown = async () => {
    await new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
    await runtime.close();
    await database.drop();
  };
  return { port: server.address().port, email, password, drafts, embedded: database.embedded };
}

/** BENCH_DATABASE_URL or TEST_DATABASE_URL: a throwaway database on that server; neither: embedded PostgreSQL. */
async function benchDatabase() {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!server) return { url: undefined, embedded: true, drop: async () => {} };
  const pg = require('pg');
  const name = `vrp_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    try { await c.query(sql); } finally { await c.end(); }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), embedded: false, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const info = await (mode === 'floor' ? floor() : portal());
process.send({ type: 'ready', ...info });
