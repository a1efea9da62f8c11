// Seeds the export benchmark (bench/export.mjs calls it; not run by hand): one proceeding with
// `docs` real documents totalling at least `bytes`, stored the way the portal stores uploads
// (UPLOADS_DIR/sha256/<aa>/<hex>), on filed responses of several organizations, with the audit
// events their filing wrote (a valid hash chain) plus `events` unrelated events before them.
//
// The mix (deterministic): about 75% PDFs of 1-30 pages (templated bytes: pages with text, plus a
// binary stream the size of a scanned page image), 4% PDFs cut short (damaged: slip-sheeted), 12%
// images (PNG and JPEG), 9% office files; sizes log-normal, clamped to 2 KiB-48 MiB and scaled to
// the total. About 4% are confidential, each with a public (redacted) PDF version beside it.
import { createHash, randomFillSync, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { rng } from './rng.mjs';
import { pipeline } from 'node:stream/promises';

const require = createRequire(import.meta.url);
const { from: copyFrom } = require('pg-copy-streams');


const MIN_BYTES = 2 * 1024;
const MAX_BYTES = 48 * 1024 * 1024;
const POOL_BYTES = 64 * 1024 * 1024;
const DOCS_PER_SUBMISSION = 10;
const SUBMISSIONS_PER_ORG = 4;

/** A well-formed PDF of `pages` pages whose total size is about `size` (a binary stream pads it). */
function pdfBytes(label, pages, size, pool, rand) {
  const parts = [];
  const offsets = [];
  let at = 0;
  const push = (s) => { const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s; parts.push(b); at += b.length; };
  const obj = (n, body) => { offsets[n] = at; push(`${n} 0 obj\n`); for (const b of body) push(b); push('\nendobj\n'); };
  push('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  const font = 3;
  const pad = 4;
  const first = 5; // page i: object first + 2i, its content first + 2i + 1
  const kids = Array.from({ length: pages }, (_, i) => `${first + 2 * i} 0 R`).join(' ');
  obj(1, ['<< /Type /Catalog /Pages 2 0 R >>']);
  obj(2, [`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`]);
  obj(font, ['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']);
  const fixed = 600 + pages * 330;
  const padLength = Math.min(POOL_BYTES, Math.max(0, size - fixed));
  const start = Math.floor(rand() * (POOL_BYTES - padLength));
  obj(pad, [`<< /Length ${padLength} >>\nstream\n`, pool.subarray(start, start + padLength), '\nendstream']);
  for (let i = 0; i < pages; i += 1) {
    const text = `BT /F1 12 Tf 72 720 Td (${label} page ${i + 1} of ${pages}) Tj ET`;
    obj(first + 2 * i, [`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${first + 2 * i + 1} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`]);
    obj(first + 2 * i + 1, [`<< /Length ${text.length} >>\nstream\n${text}\nendstream`]);
  }
  const count = first + 2 * pages;
  const xref = at;
  push(`xref\n0 ${count}\n0000000000 65535 f \n`);
  for (let n = 1; n < count; n += 1) push(`${String(offsets[n]).padStart(10, '0')} 00000 n \n`);
  push(`trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** Some other file: a recognisable header, a unique label, then pool bytes to `size`. */
function nativeBytes(header, label, size, pool, rand) {
  const head = Buffer.concat([header, Buffer.from(` ${label} `, 'latin1')]);
  const n = Math.max(0, size - head.length);
  const start = Math.floor(rand() * (POOL_BYTES - n));
  return Buffer.concat([head, pool.subarray(start, start + n)]);
}

const KINDS = [
  { p: 0.75, kind: 'pdf' }, { p: 0.04, kind: 'broken-pdf' }, { p: 0.07, kind: 'png' }, { p: 0.05, kind: 'jpeg' }, { p: 0.09, kind: 'office' },
];
const pickKind = (r) => { let acc = 0; for (const k of KINDS) { acc += k.p; if (r < acc) return k.kind; } return 'pdf'; };
const TYPES = {
  pdf: ['application/pdf', 'pdf'], 'broken-pdf': ['application/pdf', 'pdf'], png: ['image/png', 'png'], jpeg: ['image/jpeg', 'jpg'],
  office: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
};

/** Sizes (log-normal, clamped) scaled so they sum to at least `total`. */
function sizesFor(docs, total, rand) {
  const w = Array.from({ length: docs }, () => {
    const z = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    return Math.exp(1.1 * z);
  });
  let scale = total / w.reduce((a, b) => a + b, 0);
  let sizes = [];
  for (let round = 0; round < 20; round += 1) {
    sizes = w.map((x) => Math.round(Math.min(MAX_BYTES, Math.max(MIN_BYTES, x * scale))));
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum >= total) break;
    scale *= (total / sum) * 1.001;
  }
  return sizes;
}

const esc = (v) => (v === null || v === undefined ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));
const line = (cols) => `${cols.map(esc).join('\t')}\n`;
async function copyRows(client, table, columns, rows) {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from((function* lines() { let batch = ''; for (const r of rows) { batch += line(r); if (batch.length > 1 << 20) { yield batch; batch = ''; } } if (batch) yield batch; })()), stream);
}

/**
 * Seeds `client`'s database (migrated) and `uploadsDir`. Returns the docket and every stored file
 * in the export's order (for the floor), with the totals.
 */
export async function seedExport(client, uploadsDir, { docs, bytes, events, chainHash, log }) {
  const rand = rng(20261210);
  const pool = Buffer.alloc(POOL_BYTES);
  randomFillSync(pool);
  const docket = 'BENCH-2026-0001';
  const staffId = randomUUID();
  await client.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, 'legal@bench.example', 'Bench Legal', 'legal', 'x')`, [staffId]);
  const { rows: [proceeding] } = await client.query(`INSERT INTO proceedings (docket, title, summary, notice_text, opens_at, closes_at, time_zone, late_policy, response_schema, limits)
    VALUES ($1, 'Benchmark proceeding', 'A proceeding of the export benchmark.', 'Notice.', now() - interval '30 days', now() + interval '30 days', 'America/New_York', 'reject', '{"type":"object"}', $2) RETURNING id`,
  [docket, JSON.stringify({ maxFileBytes: 64 * 1024 * 1024, maxFiles: 50, maxTotalBytes: 1024 * 1024 * 1024 })]);

  const submissions = Math.ceil(docs / DOCS_PER_SUBMISSION);
  const orgs = Math.ceil(submissions / SUBMISSIONS_PER_ORG);
  const orgRows = Array.from({ length: orgs }, (_, i) => [randomUUID(), `Bench Vendor ${i + 1} LLC`, 'US']);
  await copyRows(client, 'organizations', ['id', 'legal_name', 'country'], orgRows);
  const vendorRows = orgRows.map(([orgId], i) => [randomUUID(), `vendor${i + 1}@bench.example`, `Vendor ${i + 1}`, 'vendor', orgId, 'x']);
  await copyRows(client, 'users', ['id', 'email', 'name', 'role', 'organization_id', 'password_hash'], vendorRows);
  const subRows = Array.from({ length: submissions }, (_, i) => {
    const o = Math.floor(i / SUBMISSIONS_PER_ORG);
    return { id: randomUUID(), org: orgRows[o][0], user: vendorRows[o][0], n: i + 1 };
  });
  await copyRows(client, 'submissions', ['id', 'proceeding_id', 'organization_id', 'created_by', 'kind', 'title', 'summary', 'argument'],
    subRows.map((s) => [s.id, proceeding.id, s.org, s.user, 'response', `Response ${s.n} of the benchmark`, 'Summary.', `Argument of response ${s.n}.\n1. A point.\n2. Another.`]));

  // A little over the total, and each document's shortfall (PDF overhead estimates) carried to the next: at least `bytes` in all.
  const sizes = sizesFor(docs, Math.ceil(bytes * 1.001), rand);
  let wanted = 0;
  const files = [];
  const docRows = [];
  let total = 0;
  const started = Date.now();
  for (let i = 0; i < docs; i += 1) {
    const sub = subRows[Math.floor(i / DOCS_PER_SUBMISSION)];
    const kind = pickKind(rand());
    const label = `${docket} document ${i + 1} ${randomUUID()}`;
    const pages = 1 + Math.floor(rand() ** 2 * 30);
    wanted += sizes[i];
    const size = Math.min(MAX_BYTES, Math.max(MIN_BYTES, wanted - total));
    let data;
    if (kind === 'pdf') data = pdfBytes(label, pages, size, pool, rand);
    else if (kind === 'broken-pdf') { const whole = pdfBytes(label, pages, Math.ceil(size / 0.6), pool, rand); data = whole.subarray(0, Math.floor(whole.length * 0.6)); }
    else if (kind === 'png') data = nativeBytes(Buffer.from('89504e470d0a1a0a', 'hex'), label, size, pool, rand);
    else if (kind === 'jpeg') data = nativeBytes(Buffer.from('ffd8ffe000104a464946', 'hex'), label, size, pool, rand);
    else data = nativeBytes(Buffer.from('504b0304', 'hex'), label, size, pool, rand);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const key = `sha256/${sha256.slice(0, 2)}/${sha256}`;
    const file = path.join(uploadsDir, key);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    const [mediaType, ext] = TYPES[kind];
    const id = randomUUID();
    // Every 25th document is confidential; the next one in the same submission is its public version.
    const confidential = i % 25 === 3 && i % DOCS_PER_SUBMISSION !== DOCS_PER_SUBMISSION - 1;
    const publicVersionOf = i % 25 === 4 && docRows.at(-1)?.confidential ? docRows.at(-1).id : null;
    docRows.push({ id, sub: sub.id, n: i + 1, name: `exhibit-${i + 1}.${ext}`, mediaType, size: data.length, sha256, key, confidential, publicVersionOf, user: sub.user });
    files.push(file);
    total += data.length;
    if ((i + 1) % 1000 === 0) log(`  ${i + 1}/${docs} documents written (${(total / 2 ** 20).toFixed(0)} MiB, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  await copyRows(client, 'documents', ['id', 'submission_id', 'label', 'original_name', 'media_type', 'size', 'sha256', 'storage_key', 'confidential', 'public_version_of', 'created_by'],
    docRows.map((d) => [d.id, d.sub, `Exhibit ${d.n}`, d.name, d.mediaType, d.size, d.sha256, d.key, d.confidential, d.publicVersionOf, d.user]));
  const filedAt = new Date();
  await client.query(`UPDATE submissions SET status = 'submitted', tracking_number = $2 || '-' || lpad(n::text, 6, '0'), submitted_at = $3, submitted_by = created_by,
      certification = '{"accepted":true,"signature":"Bench Filer"}', standing = '{"basis":"named_party","statement":""}', content_digest = md5(id::text), receipt = '{"receiptVersion":1,"bench":true}'
    FROM (SELECT id AS sid, row_number() OVER (ORDER BY title COLLATE "C", id) AS n FROM submissions WHERE proceeding_id = $1) numbered
    WHERE submissions.id = numbered.sid`, [proceeding.id, docket, filedAt]);
  await client.query('INSERT INTO tracking_counters (proceeding_id, last_value) VALUES ($1, $2)', [proceeding.id, submissions]);
  const { rows: tracking } = await client.query('SELECT id, tracking_number FROM submissions WHERE proceeding_id = $1', [proceeding.id]);
  const trackingOf = new Map(tracking.map((r) => [r.id, r.tracking_number]));

  // The audit trail: unrelated events first, then each document's upload and each submission's filing, chained.
  let prev = '0'.repeat(64);
  let seq = 0;
  const base = Date.now() - 86_400_000;
  const row = (action, subjectType, subjectId, actorId, data) => {
    seq += 1;
    const event = { seq, occurredAt: new Date(base + seq).toISOString(), actorId, actorRole: actorId ? 'vendor' : 'system', action, subjectType, subjectId, requestId: null, ip: '203.0.113.7', userAgent: 'bench', data };
    const hash = chainHash(prev, event);
    const cols = [seq, event.occurredAt, event.actorId, event.actorRole, action, subjectType, subjectId, null, event.ip, event.userAgent, JSON.stringify(data), prev, hash];
    prev = hash;
    return cols;
  };
  // Generated as COPY pulls them: a million events never sit in memory here either.
  function* auditRows() {
    for (let i = 0; i < events; i += 1) yield row('auth.signed_in', 'user', staffId, staffId, { via: 'session', n: i });
    for (const d of docRows) yield row('document.uploaded', 'document', d.id, d.user, { submissionId: d.sub, originalName: d.name, size: d.size, sha256: d.sha256, confidential: d.confidential });
    for (const s of subRows) yield row('submission.submitted', 'submission', s.id, s.user, { trackingNumber: trackingOf.get(s.id), late: false, before: { status: 'draft' }, after: { status: 'submitted' } });
  }
  await copyRows(client, 'audit_events', ['seq', 'occurred_at', 'actor_id', 'actor_role', 'action', 'subject_type', 'subject_id', 'request_id', 'ip', 'user_agent', 'data', 'prev_hash', 'hash'], auditRows());
  await client.query('VACUUM ANALYZE');
  return { docket, proceedingId: proceeding.id, files, bytes: total, docs, submissions, auditEvents: seq, confidential: docRows.filter((d) => d.confidential).length };
}
