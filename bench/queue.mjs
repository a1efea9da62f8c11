// Staff queue under load: the portal's GET /api/v1/submissions (first page, a deep keyset page,
// filters, full-text search for a common, a rare and an absent word) and /submissions/counts,
// against a bare Express hello-world as the floor, same machine, same run.
//
//   npm run bench:queue                      # BENCH_ROWS=1000000 filed submissions
//   BENCH_ROWS=200000 BENCH_SECONDS=10 npm run bench:queue
//   BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/postgres   # the server to make the throwaway database on
//   BENCH_WARMUP_SECONDS=2                   # unmeasured load on each URL before its figures (0: none)
//   BENCH_ROUNDS=3                           # each scenario's BENCH_SECONDS split into this many slices, each after a floor slice as long
//   BENCH_NODE_FLAGS="--cpu-prof"            # added to the node flags of `npm start`, which every server runs with
//
// Seeds with COPY into a throwaway database, then autocannon at 50 connections per scenario. Prints
// each scenario's p99 and request rate with the ratio to the floor, EXPLAIN (ANALYZE, BUFFERS) of the
// queries each scenario runs (captured with auto_explain, so it is the app's own SQL and plan
// settings), and ends with one JSON line. Targets (issue 9): p99 < 50 ms, rate >= 0.4 of the floor.
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seed, WORDS } from './queue-seed.mjs';
import { startFlags } from './start-flags.mjs';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const CONNECTIONS = 50;
const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const log = (s) => process.stdout.write(`${s}\n`);

if (!existsSync(path.join(HERE, '..', 'dist', 'server', 'app.js'))) {
  process.stderr.write('dist/ is missing: run "npm run build" first.\n');
  process.exit(2);
}
const pg = require('pg');
const autocannon = require('autocannon');

async function admin(sql) {
  const c = new pg.Client({ connectionString: SERVER });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

/** Seeds with the queue's own indexes dropped, then rebuilds them (as a bulk load should), vacuums and analyzes. */
async function prepare(url) {
  const { migrateToLatest } = require('../dist/server/db/migrate.js');
  await migrateToLatest(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '512MB'`);
    const reviewers = Array.from({ length: 20 }, () => randomUUID());
    for (const [i, id] of reviewers.entries()) {
      await client.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, $2, $3, 'reviewer', 'x')`, [id, `reviewer${i + 1}@bench.example`, `Reviewer ${i + 1}`]);
    }
    const { rows: indexes } = await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'submissions'
      AND indexname IN ('submissions_search_idx','submissions_queue_submitted_idx','submissions_queue_updated_idx','submissions_queue_created_idx','submissions_queue_state_idx','submissions_status_idx','submissions_org_idx')`);
    for (const ix of indexes) await client.query(`DROP INDEX ${ix.indexname}`);
    let started = Date.now();
    await seed(client, ROWS, reviewers);
    const copySeconds = (Date.now() - started) / 1000;
    started = Date.now();
    for (const ix of indexes) await client.query(ix.indexdef);
    await client.query('VACUUM ANALYZE');
    const indexSeconds = (Date.now() - started) / 1000;
    log(`Seeded ${ROWS} submissions by COPY in ${copySeconds.toFixed(1)} s (search vectors by trigger); indexes + VACUUM ANALYZE ${indexSeconds.toFixed(1)} s`);
    return { copySeconds, indexSeconds };
  } finally {
    await client.end();
  }
}

/** What the scenarios need from a seeded database: a reviewer with a token, a deep cursor, a docket. */
async function context(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [size] } = await client.query(`SELECT count(*)::int AS n, pg_size_pretty(pg_total_relation_size('submissions')) AS total,
      pg_size_pretty(pg_relation_size('submissions_search_idx')) AS gin FROM submissions`);
    log(`submissions: ${size.n} rows, ${size.total} with indexes, GIN ${size.gin}`);
    const { rows: [reviewer] } = await client.query(`SELECT id FROM users WHERE email = 'reviewer1@bench.example'`);
    // A deep page: the cursor after the row in the middle of the default order (newest filed first).
    const { rows: [mid] } = await client.query(`SELECT to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t, id FROM submissions
      WHERE status <> 'draft' ORDER BY submitted_at DESC, id DESC OFFSET $1 LIMIT 1`, [Math.floor(size.n / 2)]);
    const { createApiToken } = require('../dist/server/accounts/credentials.repository.js');
    const { createDb } = require('../dist/server/db/pool.js');
    const db = createDb(new pg.Pool({ connectionString: url, max: 1 }));
    const { token } = await createApiToken(db, reviewer.id);
    await db.destroy();
    return { rows: size.n, token, reviewer: reviewer.id, deepCursor: Buffer.from(JSON.stringify(mid)).toString('base64url'), docket: 'BQ-2026-007' };
  } finally {
    await client.end();
  }
}

async function dbExists(name) {
  const c = new pg.Client({ connectionString: SERVER });
  await c.connect();
  try { return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1; } finally { await c.end(); }
}

// Every server (the floor too) runs with the node flags of `npm start`: the process production runs.
function startServer(mode, url, queueCache = 'true') {
  const child = fork(path.join(HERE, 'queue-server.mjs'), [mode, url ?? '', queueCache], { execArgv: startFlags(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise((resolve, reject) => {
    child.on('message', (m) => { if (m.type === 'ready') resolve(m); });
    child.once('exit', (code) => reject(new Error(`${mode} server exited (${code})`)));
  });
  return { child, ready };
}

const load = (port, urlPath, headers = {}, duration = SECONDS) => autocannon({ url: `http://127.0.0.1:${port}${urlPath}`, connections: CONNECTIONS, duration, headers });
/**
 * Load that is not measured before each measurement (the floor's too): the JIT has compiled the
 * server's code, and as shipped the view's first answer (a cold query, which the cold run measures)
 * is not inside the steady state's figures.
 */
const warmUp = (port, urlPath, headers) => (WARMUP_SECONDS > 0 ? load(port, urlPath, headers, WARMUP_SECONDS) : undefined);

/**
 * EXPLAIN (ANALYZE, BUFFERS) of what the app runs for `query`: the compiled queue use case on one
 * connection with auto_explain reporting every statement to this client as a notice.
 */
async function explain(url, reviewer, kind, query) {
  const { listQueue, countQueue } = require('../dist/server/submissions/queue.list.js');
  const { createDb } = require('../dist/server/db/pool.js');
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const plans = [];
  pool.on('connect', (c) => c.on('notice', (n) => { if (/Query Text/.test(n.message)) plans.push(n.message); }));
  const db = createDb(pool);
  try {
    // One pooled connection: the settings below stay on the connection the use case then runs on.
    await pool.query(`LOAD 'auto_explain'`);
    for (const s of ['auto_explain.log_min_duration = 0', 'auto_explain.log_analyze = on', 'auto_explain.log_buffers = on', "auto_explain.log_level = 'notice'", 'auto_explain.log_timing = on']) {
      await pool.query(`SET ${s}`);
    }
    const asker = { actor: { userId: reviewer, role: 'reviewer', organizationId: null, email: 'r@bench.example', name: 'Reviewer', via: 'token', recusedFrom: [] }, recordDenial: async () => {} };
    await (kind === 'counts' ? countQueue : listQueue)(db, asker, query);
    return plans;
  } finally {
    await db.destroy();
  }
}

async function main() {
  // BENCH_KEEP_DB=<name>: seed once into that database and keep it; later runs with the same name reuse it.
  const kept = process.env.BENCH_KEEP_DB;
  const name = kept ?? `vrp_queue_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const servers = [];
  let seeded = { copySeconds: null, indexSeconds: null };
  const exists = kept && await dbExists(name);
  if (!exists) await admin(`CREATE DATABASE ${name}`);
  try {
    if (!exists) seeded = await prepare(url.toString());
    const ctx = { ...seeded, ...await context(url.toString()) };
    const scenarios = [
      ['first page', '/api/v1/submissions', 'list', {}],
      ['deep keyset page', `/api/v1/submissions?cursor=${ctx.deepCursor}`, 'list', { cursor: ctx.deepCursor }],
      ['filter docket+state', `/api/v1/submissions?docket=${ctx.docket}&status=in_review`, 'list', { docket: ctx.docket, status: 'in_review' }],
      ['filter mine+overdue', '/api/v1/submissions?assignee=me&overdue=true', 'list', { assignee: 'me', overdue: 'true' }],
      [`search common (${WORDS.common})`, `/api/v1/submissions?q=${WORDS.common}`, 'list', { q: WORDS.common }],
      [`search rare (${WORDS.rare})`, `/api/v1/submissions?q=${WORDS.rare}`, 'list', { q: WORDS.rare }],
      [`search no match (${WORDS.absent})`, `/api/v1/submissions?q=${WORDS.absent}`, 'list', { q: WORDS.absent }],
      ['counts', '/api/v1/submissions/counts', 'counts', {}],
      [`counts + search common`, `/api/v1/submissions/counts?q=${WORDS.common}`, 'counts', { q: WORDS.common }],
    ];
    for (const [title, , kind, query] of scenarios) {
      log(`\n=== EXPLAIN (ANALYZE, BUFFERS): ${title} ===`);
      for (const plan of await explain(url.toString(), ctx.reviewer, kind, query)) log(plan);
    }
    const floor = startServer('floor');
    const portal = startServer('portal', url.toString());
    servers.push(floor, portal);
    const [f, p] = await Promise.all([floor.ready, portal.ready]);
    // After the first is up: two starting at once would both bring the schema up to date.
    const cold = startServer('portal', url.toString(), 'false');
    servers.push(cold);
    const c = await cold.ready;
    const auth = { Authorization: `Bearer ${ctx.token}` };
    const check = await fetch(`http://127.0.0.1:${p.port}/api/v1/submissions?limit=1`, { headers: auth });
    if (check.status !== 200) throw new Error(`portal refused the bench token: ${check.status} ${await check.text()}`);
    log(`\nautocannon -c ${CONNECTIONS}, ${SECONDS} s per scenario in ${ROUNDS} slices, each after a floor slice as long; ${ctx.rows} rows; ${WARMUP_SECONDS} s of unmeasured load on each URL first; node ${startFlags().join(' ')}`);
    await warmUp(f.port, '/');
    const bare = await load(f.port, '/');
    log(`floor (Express hello-world): ${bare.requests.average.toFixed(0)} req/s, p99 ${bare.latency.p99} ms`);
    // Each scenario twice: as shipped (QUEUE_CACHE and CREDENTIAL_CACHE on: answers kept per audit
    // head for 2 s, so this measures many reviewers on the same view) and cold (both off: every
    // request runs its queries, the cost of a view nobody asked for in the last 2 s). This shared
    // machine's speed drifts by 10-20 % within minutes, so the floor and the scenario are measured
    // in alternating slices (ROUNDS of each, SECONDS in all for each): the ratio is the scenario's
    // requests over the floor's in the same minute, and the p99 is the worst slice's.
    const run = async (port) => {
      const out = {};
      for (const [title, urlPath] of scenarios) {
        await warmUp(port, urlPath, auth);
        const slices = [];
        for (let i = 0; i < ROUNDS; i++) slices.push([await load(f.port, '/', {}, SECONDS / ROUNDS), await load(port, urlPath, auth, SECONDS / ROUNDS)]);
        const sum = (pick) => slices.reduce((n, s) => n + pick(s), 0);
        const reqPerSec = sum(([, r]) => r.requests.total) / sum(([, r]) => r.duration);
        const floorReqPerSec = sum(([n]) => n.requests.total) / sum(([n]) => n.duration);
        const p99Ms = Math.max(...slices.map(([, r]) => r.latency.p99));
        const floorP99Ms = Math.max(...slices.map(([n]) => n.latency.p99));
        const non2xx = sum(([, r]) => r.non2xx);
        const errors = sum(([, r]) => r.errors);
        const ratio = reqPerSec / floorReqPerSec;
        const ok = non2xx === 0 && errors === 0;
        out[title] = { p99Ms, reqPerSec: Math.round(reqPerSec), ratio: Number(ratio.toFixed(3)), non2xx, errors,
          floorReqPerSec: Math.round(floorReqPerSec), floorP99Ms, sliceRatios: slices.map(([n, r]) => Number((r.requests.average / n.requests.average).toFixed(3))),
          meetsTargets: ok && p99Ms < 50 && ratio >= 0.4 };
        log(`${title.padEnd(34)} p99 ${String(p99Ms).padStart(5)} ms  ${reqPerSec.toFixed(0).padStart(6)} req/s  ratio ${ratio.toFixed(3)}`
          + `  (floor ${floorReqPerSec.toFixed(0)} req/s, p99 ${floorP99Ms} ms; slices ${out[title].sliceRatios.join(' ')})${ok ? '' : `  non2xx ${non2xx} errors ${errors}`}`);
      }
      return out;
    };
    log('\n-- as shipped (QUEUE_CACHE on) --');
    const results = await run(p.port);
    log('\n-- cold (QUEUE_CACHE=false) --');
    const coldResults = await run(c.port);
    log(JSON.stringify({ bench: 'queue', rows: ctx.rows, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, seedCopySeconds: ctx.copySeconds, indexSeconds: ctx.indexSeconds,
      floor: { p99Ms: bare.latency.p99, reqPerSec: Math.round(bare.requests.average) }, scenarios: results, cold: coldResults }));
  } finally {
    for (const s of servers) s.child.send({ type: 'exit' });
    await Promise.all(servers.map((s) => new Promise((resolve) => { if (s.child.exitCode !== null) resolve(); else s.child.once('exit', resolve); })));
    if (!kept) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
