// The audit browser's filters on a large trail: GET /api/v1/audit's statement (eventsQuery, from
// dist/) EXPLAINed with ANALYZE and BUFFERS for every kind of filter, with and without the
// (occurred_at, seq) index of migrations/2026-12-02T1000_legal_hold.ts, on synthetic rows.
//
//   npm run bench:audit                       # BENCH_ROWS=1000000 events
//   BENCH_ROWS=200000 npm run bench:audit
//   BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/postgres   # the server to make the throwaway database on
//
// Prints one line per filter (time, buffers, the scans used) and ends with one JSON line.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const log = (s) => process.stdout.write(`${s}\n`);

if (!existsSync(path.join(HERE, '..', 'dist', 'server', 'app.js'))) {
  process.stderr.write('dist/ is missing: run "npm run build" first.\n');
  process.exit(2);
}
const pg = require('pg');
const { Kysely, PostgresDialect } = require('kysely');
const { migrateToLatest } = require('../dist/server/db/migrate.js');
const { eventsQuery, seqRangeOf, seqRangeQuery } = require('../dist/server/audit/audit.repository.js');

const NAME = `vrp_bench_audit_${process.pid}`;
const dbUrl = () => { const u = new URL(SERVER); u.pathname = `/${NAME}`; return u.toString(); };
async function admin(sql) {
  const c = new pg.Client({ connectionString: SERVER });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

const start = new Date('2026-01-01T00:00:00Z');
const at = (s) => new Date(start.getTime() + s * 1000);
const actor = (n) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const CASES = [
  ['no filter', {}],
  ['a recent hour', { from: at(ROWS - 3600), before: at(ROWS - 3000) }],
  ['an old hour', { from: at(1000), before: at(4600) }],
  ['from a recent time on', { from: at(ROWS - 500) }],
  ['up to an old time', { before: at(700) }],
  ['an action in a recent day', { action: 'bulk.action_7', from: at(ROWS - 86_400), before: at(ROWS - 1) }],
  ['an actor', { actorId: actor(42) }],
  ['an actor in a middle week', { actorId: actor(42), from: at(ROWS / 2), before: at(ROWS / 2 + 7 * 86_400) }],
  ['a subject', { subjectId: 'subject-123' }],
  ['subject + action + range', { subjectId: 'subject-123', action: 'bulk.action_23', from: at(1), before: at(ROWS) }],
  ['a range with no event', { from: at(ROWS + 10_000), before: at(ROWS + 20_000) }],
];

async function main() {
  await admin(`CREATE DATABASE ${NAME}`);
  const pool = new pg.Pool({ connectionString: dbUrl(), max: 2 });
  pool.on('error', () => {}); // the throwaway database is dropped at the end
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  const results = {};
  try {
    await migrateToLatest(dbUrl());
    const t0 = Date.now();
    // One event a second, 50 actions, 1,000 actors, 20,000 subjects, time rising with seq as the writer keeps it.
    await pool.query(`INSERT INTO audit_events (seq, occurred_at, actor_id, actor_role, action, subject_type, subject_id, data, prev_hash, hash)
      SELECT i, $1::timestamptz + i * interval '1 second',
        ('00000000-0000-4000-8000-' || lpad(to_hex(i % 1000), 12, '0'))::uuid, 'reviewer',
        'bulk.action_' || (i % 50), 'submission', 'subject-' || (i % 20000), '{"k": "some data of a typical event"}'::jsonb,
        md5(i::text || 'p') || md5(i::text || 'q'), md5(i::text || 'h') || md5(i::text || 'k')
      FROM generate_series(1, $2::int) AS i`, [start, ROWS]);
    await pool.query('ANALYZE audit_events');
    log(`${ROWS} events written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const variant of ['with index', 'without index']) {
      if (variant === 'without index') {
        await pool.query('DROP INDEX audit_events_occurred_idx');
        await pool.query('ANALYZE audit_events');
      }
      log(`--- ${variant}`);
      results[variant] = {};
      for (const [name, filter] of CASES) {
        const statements = [];
        let range;
        if (filter.from || filter.before) {
          statements.push(seqRangeQuery(filter.from, filter.before).compile(db));
          range = await seqRangeOf(db, filter.from, filter.before);
        }
        if (range !== null) statements.push(eventsQuery(db, filter, 0, 50, range).compile());
        let ms = 0;
        let buffers = 0;
        const scans = new Set();
        for (const q of statements) {
          const { rows } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q.sql}`, q.parameters);
          const plan = rows[0]['QUERY PLAN'][0];
          const flat = (n) => [n, ...(n.Plans ?? []).flatMap(flat)];
          for (const n of flat(plan.Plan)) if (/Scan/.test(n['Node Type'])) scans.add(`${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`);
          ms += plan['Execution Time'];
          buffers += plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'];
        }
        results[variant][name] = { ms: Number(ms.toFixed(2)), buffers, statements: statements.length };
        log(`${name.padEnd(28)} ${ms.toFixed(2).padStart(9)} ms ${String(buffers).padStart(8)} buffers  ${[...scans].join(', ')}`);
      }
    }
  } finally {
    await db.destroy();
    await admin(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  }
  log(JSON.stringify({ rows: ROWS, results }));
}

main().catch((err) => { process.stderr.write(`${err.stack ?? err}\n`); process.exit(1); });
