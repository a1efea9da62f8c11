// Seeds the queue benchmark's database with COPY (bench/queue.mjs calls it; not run by hand):
// 20 proceedings, 2,000 organizations (one vendor each), `rows` filed submissions with realistic
// text, open assignments on a tenth of them and open information requests on one in a hundred.
// Text is drawn from a fixed vocabulary with a skewed (Zipf-like) pick, plus three planted words:
// COMMON in about a third of the rows, RARE in 25 rows, ABSENT in none.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { rng } from './rng.mjs';

const require = createRequire(import.meta.url);
const { from: copyFrom } = require('pg-copy-streams');

export const WORDS = { common: 'directive', rare: 'zeppelin', absent: 'xylophonist' };
export const RARE_ROWS = 25;

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same text. */
const rand = rng(20261201);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const BASE = ('agency action vendor product software hardware security risk supply chain evidence record notice response '
  + 'contract procurement compliance audit review finding standard requirement network firmware update component source '
  + 'testing certification report assessment mitigation remediation control policy data privacy encryption access '
  + 'government federal department regulation statute authority procedure hearing decision appeal argument claim basis '
  + 'foreign ownership investment subsidiary customer deployment installation license support maintenance timeline '
  + 'vulnerability disclosure patch incident analysis engineering design manufacturing facility inspection quality '
  + 'documentation exhibit declaration affidavit statement counsel representative officer board shareholder market '
  + 'competition harm impact revenue employee operation service cloud hosting telecommunications router switch camera '
  + 'sensor module chip processor memory storage server platform application interface protocol configuration').split(' ');
const SYLLABLES = ['ka', 'ro', 'mi', 'ten', 'dor', 'vel', 'sa', 'qu', 'lin', 'pra', 'to', 'ne', 'gar', 'shi', 'bel', 'mon', 'ri', 'zu'];
const TAIL = Array.from({ length: 20000 }, () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(SYLLABLES)).join(''));
const VOCAB = [...BASE, ...TAIL].filter((w) => !Object.values(WORDS).includes(w));
/** A skewed pick: low indexes (the real words) far more often than the long made-up tail. */
const word = () => VOCAB[Math.floor(VOCAB.length * rand() ** 4)];
const words = (n) => Array.from({ length: n }, word).join(' ');

const ORG_A = ['Northwind', 'Bluepeak', 'Ironbridge', 'Silverline', 'Redwood', 'Summit', 'Harbor', 'Granite', 'Cedar', 'Falcon', 'Meridian', 'Orion', 'Pioneer', 'Quartz', 'Sterling', 'Vertex', 'Atlas', 'Beacon', 'Cobalt', 'Delta'];
const ORG_B = ['Systems', 'Networks', 'Software', 'Devices', 'Technologies', 'Labs', 'Solutions', 'Electronics', 'Data', 'Security'];
const ORG_C = ['LLC', 'Inc.', 'Corp.', 'Ltd.', 'GmbH'];

/** COPY text format: backslash, tab and newline escaped. */
const esc = (v) => (v === null ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'));
const line = (cols) => `${cols.map(esc).join('\t')}\n`;

async function copyRows(client, table, columns, rows) {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(rows, { objectMode: false }), stream);
}

function* batched(gen) {
  let buf = '';
  for (const l of gen) {
    buf += l;
    if (buf.length > 1 << 20) { yield buf; buf = ''; }
  }
  if (buf) yield buf;
}

/** Seeds everything; returns the ids the scenarios need. */
export async function seed(client, rows, reviewers) {
  const now = Date.now();
  const proceedings = Array.from({ length: 20 }, (_, i) => ({ id: randomUUID(), docket: `BQ-2026-${String(i + 1).padStart(3, '0')}` }));
  await copyRows(client, 'proceedings', ['id', 'docket', 'title', 'summary', 'notice_text', 'opens_at', 'closes_at', 'time_zone', 'late_policy', 'response_schema', 'limits'],
    batched(proceedings.map((p) => line([p.id, p.docket, `Proposed exclusion ${p.docket}`, 'A benchmark proceeding.', 'Notice.', new Date(now - 800 * 86400e3).toISOString(),
      new Date(now + 30 * 86400e3).toISOString(), 'America/New_York', 'accept_flagged', null, '{"maxFileBytes":10485760,"maxFiles":20,"maxTotalBytes":104857600}']))));
  const orgs = Array.from({ length: 2000 }, (_, i) => ({ id: randomUUID(), user: randomUUID(), name: `${pick(ORG_A)} ${pick(ORG_B)} ${i + 1} ${pick(ORG_C)}` }));
  await copyRows(client, 'organizations', ['id', 'legal_name', 'country'], batched(orgs.map((o) => line([o.id, o.name, 'US']))));
  await copyRows(client, 'users', ['id', 'email', 'name', 'role', 'organization_id', 'password_hash', 'email_verified_at'],
    batched(orgs.map((o, i) => line([o.user, `vendor${i + 1}@bench.example`, `Vendor ${i + 1}`, 'vendor', o.id, 'x', new Date(now).toISOString()]))));

  const STATES = [['submitted', 0.4], ['in_review', 0.7], ['decided', 0.95], ['withdrawn', 1]];
  const state = () => { const r = rand(); return STATES.find(([, upTo]) => r < upTo)[0]; };
  const rareAt = new Set(Array.from({ length: RARE_ROWS }, (_, i) => Math.floor((i + 0.5) * rows / RARE_ROWS)));
  const seqs = proceedings.map(() => 0);
  const assignments = [];
  const requests = [];
  function* submissions() {
    for (let i = 0; i < rows; i++) {
      const pIndex = i % proceedings.length;
      const p = proceedings[pIndex];
      const o = orgs[Math.floor(rand() * orgs.length)];
      const id = randomUUID();
      // Three rows share each timestamp (to the microsecond): keyset pages must break ties by id.
      const at = new Date(now - 86400e3 - Math.floor(i / 3) * 60e3).toISOString();
      const status = state();
      const planted = [rand() < 1 / 3 ? WORDS.common : '', rareAt.has(i) ? WORDS.rare : ''].filter(Boolean).join(' ');
      const argument = `1. ${words(20)} ${planted}\n2. ${words(20)}\n3. ${words(20)}`;
      if (i % 10 === 0 && status !== 'withdrawn') assignments.push(line([randomUUID(), id, pick(reviewers), reviewers[0], new Date(now + (rand() * 20 - 5) * 86400e3).toISOString()]));
      if (i % 100 === 0) requests.push(line([randomUUID(), id, 'Please send the test reports.', new Date(now + (rand() * 20 - 10) * 86400e3).toISOString(), reviewers[0]]));
      seqs[pIndex] += 1;
      yield line([id, p.id, o.id, o.user, 'response', null, status, `Response of ${o.name}: ${words(6)}`, words(25), argument, '{}',
        `${p.docket}-${String(seqs[pIndex]).padStart(6, '0')}`, at, o.user, rand() < 0.05, '{}', '{}', 'x', '{}', at, at, 1,
        pick(['low', 'normal', 'normal', 'normal', 'high', 'urgent'])]);
    }
  }
  await copyRows(client, 'submissions', ['id', 'proceeding_id', 'organization_id', 'created_by', 'kind', 'parent_id', 'status', 'title', 'summary', 'argument', 'fields',
    'tracking_number', 'submitted_at', 'submitted_by', 'late', 'certification', 'standing', 'content_digest', 'receipt', 'created_at', 'updated_at', 'version', 'priority'], batched(submissions()));
  await copyRows(client, 'assignments', ['id', 'submission_id', 'reviewer_id', 'assigned_by', 'due_at'], batched(assignments));
  await copyRows(client, 'information_requests', ['id', 'submission_id', 'question', 'due_at', 'created_by'], batched(requests));
  return { proceedings, orgs };
}
