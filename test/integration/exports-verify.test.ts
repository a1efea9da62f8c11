import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, openSync, readSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { fileResponse, staffWithToken, type Filed } from '../helpers/filings';
import { issueThrough, startReview } from '../helpers/dispositions';
import { tempUploadsDir, uploadTo } from '../fixtures/upload-client';
import { docx, pdf } from '../fixtures/uploads';
import { ZipWriter } from '../../server/exports/zip-writer';
import { ZipReader } from '../../server/exports/zip-reader';
import { MANIFEST_NAME, manifestText } from '../../server/exports/manifest';
import { writeAuditFiles, AUDIT_LOG_PATH, CHAIN_PATH, HEAD_PATH, type AuditFilesResult } from '../../server/exports/audit-files';
import { verifyProduction, type VerifyReport } from '../../server/exports/verify';
import { canonicalJson } from '../../server/audit/canonical-json';
import { chainHash } from '../../server/audit/audit.chain';
import { auditHead } from '../../server/audit/audit.service';

/**
 * The audit files of a production from a real database, and `verifyProduction` / `portal export
 * verify` on a small archive built from them: intact, then tampered one way at a time.
 */
const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'docs', 'verify_audit.py');
const dir = mkdtempSync(path.join(tmpdir(), 'vrp-export-verify-'));
const NOTE_BODY = 'Internal: the program office doubts Exhibit A; do not tell the vendor (note 7731).';
const SECRET_NAME = 'pricing-trade-secret.docx';

let t: TestApp;
let uploads: string;
let proceeding: { id: string; docket: string };
let first: Filed;
let second: Filed;
let other: Filed;
let draftId: string;
let headBefore: { seq: number; hash: string };
let publicAudit: AuditFilesResult;
let confidentialAudit: AuditFilesResult;
/** The intact production's files, in archive order (MANIFEST.sha256 not among them). */
let files: Map<string, Buffer>;
let good: string;

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Writes `entries` as a production, with a manifest of their real hashes unless `manifest` is given. */
async function zipOf(name: string, entries: Map<string, Buffer>, manifest?: string): Promise<string> {
  const file = path.join(dir, name);
  const out = createWriteStream(file);
  const z = new ZipWriter(out);
  for (const [p, data] of entries) await z.add(p, data);
  await z.add(MANIFEST_NAME, manifest ?? manifestText(z.entries.map((e) => ({ path: e.path, sha256: e.sha256 }))));
  await z.finish();
  await new Promise((r) => out.close(r));
  return file;
}

async function readAll(file: string): Promise<Map<string, Buffer>> {
  const zip = await ZipReader.open(file);
  const m = new Map<string, Buffer>();
  for (const e of zip.entries) m.set(e.name, await zip.read(e, 1 << 30));
  return m;
}

const jsonl = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const messages = (r: VerifyReport) => r.problems.map((p) => `${p.file ?? ''} [${p.bates ?? ''}] ${p.message}`);
const variant = (edit: (m: Map<string, Buffer>) => void) => { const m = new Map(files); edit(m); return m; };

beforeAll(async () => {
  uploads = tempUploadsDir();
  t = await startTestApp({ env: { UPLOADS_DIR: uploads } });
  proceeding = await buildProceeding(t.deps);
  const [drafter, approver, reviewer] = [await staffWithToken(t, 'supervisor'), await staffWithToken(t, 'supervisor'), await staffWithToken(t, 'reviewer')];

  // The first response: a confidential exhibit, its public version and a plain PDF, uploaded and filed through the API.
  const vendor = await buildUser(t.deps);
  const token = await tokenFor(t.app, vendor);
  const auth = { Authorization: `Bearer ${token}` };
  const draft = await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set(auth).send({ title: 'Response of Acme', argument: 'We object.' });
  const secret = await uploadTo(t.app, token, draft.body.id, SECRET_NAME, docx('Unit price 41.17'), { label: 'Exhibit C (confidential)', confidential: 'true' });
  await uploadTo(t.app, token, draft.body.id, 'pricing-redacted.pdf', pdf('/Redacted true'), { label: 'Exhibit C (public)', publicVersionOf: secret.body.id });
  await uploadTo(t.app, token, draft.body.id, 'contracts.pdf', pdf('/Plain true', 3000), { label: 'Exhibit A' });
  const filed = await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set(auth).send({ certification: { accepted: true, signature: 'A. Filer' } });
  expect(filed.status).toBe(200);
  first = { id: draft.body.id, trackingNumber: filed.body.trackingNumber, docket: proceeding.docket, proceedingId: proceeding.id, organizationId: vendor.organizationId!, vendor, vendorToken: token };

  second = await fileResponse(t, { proceeding });
  other = await fileResponse(t); // another proceeding: none of its events belong here
  draftId = (await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set(auth).send({ title: 'Never filed', argument: 'Unfiled draft text 5521.' })).body.id;

  // Review: a note (withheld), a disposition drafted, approved (withheld) and issued (produced).
  const note = await request(t.app).post(`/api/v1/submissions/${first.id}/notes`).set('Authorization', `Bearer ${reviewer.token}`).send({ body: NOTE_BODY });
  expect(note.status).toBe(201);
  const findings = await request(t.app).post(`/api/v1/submissions/${second.id}/findings`).set('Authorization', `Bearer ${reviewer.token}`)
    .send({ arguments: [{ number: 1, summary: 'Argument 1.', ruling: 'not_persuasive', reasoning: 'Reasoning 8812.' }] });
  expect(findings.status).toBe(201);
  await startReview(t, first.id);
  await issueThrough(t, first.id, drafter.token, approver.token);

  headBefore = await auditHead(t.deps.db);
  const out = createWriteStream(path.join(dir, 'audit-only.zip'));
  const z = new ZipWriter(out);
  publicAudit = await writeAuditFiles(t.deps.db, proceeding.id, z);
  await z.finish();
  const confOut = createWriteStream(path.join(dir, 'audit-confidential.zip'));
  const cz = new ZipWriter(confOut);
  confidentialAudit = await writeAuditFiles(t.deps.db, proceeding.id, cz, { scope: 'confidential' });
  await cz.finish();
  const audit = await readAll(path.join(dir, 'audit-only.zip'));

  // A small production around the real audit files (the item files are stand-ins: verify does not parse PDFs).
  const [t1, t2] = [first.trackingNumber, second.trackingNumber];
  const produced = {
    a: Buffer.from('%PDF stamped contracts, 3 pages'), slip: Buffer.from('%PDF slip sheet'), native: Buffer.from('PK native docx'), b: Buffer.from('%PDF stamped, 2 pages'),
  };
  const prefix = 'T000001';
  const item = (beg: number, end: number, extra: Record<string, unknown>) => ({
    begBates: `${prefix}${String(beg).padStart(6, '0')}`, endBates: `${prefix}${String(end).padStart(6, '0')}`, pages: end - beg + 1,
    trackingNumber: t1, organization: 'Acme', filedAt: new Date().toISOString(), kind: 'response', title: 'x', documentName: 'x', mediaType: 'application/pdf',
    bytes: 1, sha256Original: sha('original'), sha256Produced: null, confidentiality: 'public', late: false, disposition: null,
    status: 'produced', producedPath: null, nativePath: null, textPath: null, reason: null, ...extra,
  });
  const index = {
    format: 'vrp-production/1', docket: proceeding.docket, title: 'Test', batesPrefix: prefix, scope: 'public', exportId: 'e-1',
    generatedAt: new Date().toISOString(), auditHeadHash: publicAudit.headHash,
    items: [
      item(1, 3, { producedPath: `submissions/${t1}/001-contracts.pdf`, sha256Produced: sha(produced.a) }),
      item(4, 4, { status: 'slip_sheet', producedPath: `submissions/${t1}/002-pricing.pdf`, sha256Produced: sha(produced.slip), nativePath: `submissions/${t1}/002-pricing.docx`, sha256Original: sha(produced.native) }),
      item(5, 6, { status: 'withheld', confidentiality: 'confidential', reason: 'confidential' }),
      item(7, 8, { trackingNumber: t2, producedPath: `submissions/${t2}/001-response.pdf`, sha256Produced: sha(produced.b) }),
    ],
  };
  files = new Map<string, Buffer>([
    ['README.txt', Buffer.from('What is inside.\n')],
    ['index.json', Buffer.from(JSON.stringify(index, null, 2))],
    [`submissions/${t1}/submission.json`, Buffer.from('{}')],
    [`submissions/${t1}/001-contracts.pdf`, produced.a],
    [`submissions/${t1}/002-pricing.pdf`, produced.slip],
    [`submissions/${t1}/002-pricing.docx`, produced.native],
    [`submissions/${t2}/001-response.pdf`, produced.b],
    [AUDIT_LOG_PATH, audit.get(AUDIT_LOG_PATH)!],
    [CHAIN_PATH, audit.get(CHAIN_PATH)!],
    [HEAD_PATH, audit.get(HEAD_PATH)!],
  ]);
  good = await zipOf('good.zip', files);
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('writeAuditFiles', () => {
  it('when a proceeding is exported, then audit-log.jsonl holds its filed submissions\', documents\' and issued disposition\'s events, and nothing of another proceeding or an unfiled draft', () => {
    const events = jsonl(files.get(AUDIT_LOG_PATH)!);
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['submission.submitted', 'document.uploaded', 'disposition.issued', 'submission.draft_created']));
    const subjects = new Set(events.map((e) => e.subjectId));
    expect(subjects.has(first.id) && subjects.has(second.id)).toBe(true);
    expect(subjects.has(other.id)).toBe(false);
    expect(subjects.has(draftId)).toBe(false);
    expect(events.filter((e) => e.action === 'submission.submitted').map((e) => (e.data as { trackingNumber: string }).trackingNumber).sort())
      .toEqual([first.trackingNumber, second.trackingNumber].sort());
    const seqs = events.map((e) => e.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(publicAudit.events).toBe(events.length);
  });

  it('when a note, findings and a draft disposition exist, then their events are withheld (chain only), no note text is anywhere, and each withheld event still has its chain entry', () => {
    const all = [...files.values()].map((b) => b.toString('utf8')).join('\n');
    expect(all).not.toContain(NOTE_BODY);
    expect(all).not.toContain(sha(NOTE_BODY));
    const actions = jsonl(files.get(AUDIT_LOG_PATH)!).map((e) => e.action);
    for (const a of ['note.added', 'disposition.drafted', 'disposition.approved', 'findings.saved']) expect(actions).not.toContain(a);
    expect(publicAudit.withheld.map((w) => w.action)).toEqual(expect.arrayContaining(['note.added', 'disposition.drafted', 'disposition.approved', 'findings.saved']));
    expect(all).not.toContain('not_persuasive');
    expect(publicAudit.withheld.find((w) => w.action === 'note.added')!.basis).toMatch(/Deliberative/);
    const chain = new Map(jsonl(files.get(CHAIN_PATH)!).map((l) => [l.seq as number, l.hash as string]));
    for (const w of publicAudit.withheld) expect(chain.get(w.seq)).toBe(w.hash);
  });

  it('when the scope is public, then the confidential document\'s events are withheld; in the confidential scope they are produced', () => {
    expect(files.get(AUDIT_LOG_PATH)!.toString('utf8')).not.toContain(SECRET_NAME);
    expect(publicAudit.withheld.some((w) => w.action === 'document.uploaded' && /Confidential business information/.test(w.basis))).toBe(true);
    expect(confidentialAudit.withheld.map((w) => w.action)).not.toContain('document.uploaded');
    expect(confidentialAudit.events).toBeGreaterThan(publicAudit.events);
  });

  it('when the files are written, then chain.jsonl links every event from seq 1 to head.json, which is the head read at the start', () => {
    const chain = jsonl(files.get(CHAIN_PATH)!);
    expect(chain.map((l) => l.seq)).toEqual(Array.from({ length: headBefore.seq }, (_, i) => i + 1));
    expect(files.get(CHAIN_PATH)!.toString('utf8')).toBe(chain.map((l) => `${canonicalJson(l)}\n`).join(''));
    const head = JSON.parse(files.get(HEAD_PATH)!.toString('utf8')) as { seq: number; hash: string; at: string };
    expect([head.seq, head.hash]).toEqual([headBefore.seq, headBefore.hash]);
    expect([publicAudit.headSeq, publicAudit.headHash]).toEqual([headBefore.seq, headBefore.hash]);
    expect(chain.at(-1)!.hash).toBe(head.hash);
  });
});

describe('verifyProduction', () => {
  it('when the production is intact, then it verifies, and so do unzip -t, sha256sum -c and docs/verify_audit.py production', async () => {
    const report = await verifyProduction(good);
    expect(messages(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checked).toEqual({ files: files.size, items: 4, auditEvents: publicAudit.events });
    expect(spawnSync('unzip', ['-tq', good]).status).toBe(0);
    const out = path.join(dir, 'extracted');
    expect(spawnSync('unzip', ['-q', good, '-d', out]).status).toBe(0);
    expect(spawnSync('sha256sum', ['--quiet', '-c', MANIFEST_NAME], { cwd: out }).status).toBe(0);
    for (const target of [good, out]) {
      const py = spawnSync('python3', [SCRIPT, 'production', target], { encoding: 'utf8' });
      expect(py.stdout).toBe(`OK ${publicAudit.events} events linked to head ${headBefore.seq} ${headBefore.hash}\n`);
      expect(py.status).toBe(0);
    }
  });

  it('when the extracted production is re-zipped with Info-ZIP zip (deflated), then it still verifies', async () => {
    const out = path.join(dir, 'extracted');
    const rezipped = path.join(dir, 'rezipped.zip');
    expect(spawnSync('zip', ['-qr', '-9', rezipped, '.'], { cwd: out }).status).toBe(0);
    const report = await verifyProduction(rezipped);
    expect(messages(report)).toEqual([]);
    expect(report.checked.files).toBe(files.size);
  });

  it('when a byte of a stored file is changed in place, then that file is named as damaged', async () => {
    const file = path.join(dir, 'flipped.zip');
    copyFileSync(good, file);
    const zip = await ZipReader.open(file);
    const entry = zip.entries.find((e) => e.name.endsWith('001-contracts.pdf'))!;
    const at = entry.localOffset + 30 + Buffer.byteLength(entry.name) + 9 + 3;
    const fd = openSync(file, 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    writeSync(fd, Buffer.from([b[0]! ^ 0xff]), 0, 1, at);
    closeSync(fd);
    const report = await verifyProduction(file);
    expect(report.ok).toBe(false);
    expect(messages(report)).toEqual([expect.stringMatching(new RegExp(`^${entry.name} .*CRC-32 does not match`))]);
  });

  it('when a file is changed and the archive rebuilt around the old manifest, then it is named as changed', async () => {
    const p = `submissions/${second.trackingNumber}/001-response.pdf`;
    const manifest = manifestText([...files].map(([name, data]) => ({ path: name, sha256: sha(data) })));
    const report = await verifyProduction(await zipOf('changed.zip', variant((m) => m.set(p, Buffer.from('%PDF stamped, 2 pages!'))), manifest));
    expect(report.problems.filter((x) => x.file === p).map((x) => x.message)).toEqual([
      expect.stringMatching(/^changed: its SHA-256 is [0-9a-f]{64}, MANIFEST.sha256 says/),
      expect.stringMatching(/the file's SHA-256 is .* the index's sha256Produced is/),
    ]);
    expect(report.problems.every((x) => x.file === p)).toBe(true);
  });

  it('when a file is dropped, or one is added, then each is named', async () => {
    const manifest = manifestText([...files].map(([p, data]) => ({ path: p, sha256: sha(data) })));
    const dropped = await verifyProduction(await zipOf('dropped.zip', variant((m) => m.delete('README.txt')), manifest));
    expect(messages(dropped)).toEqual(['README.txt [] missing: listed in MANIFEST.sha256 but not in the archive']);
    const added = await verifyProduction(await zipOf('added.zip', variant((m) => m.set('submissions/planted.pdf', Buffer.from('x'))), manifest));
    expect(messages(added)).toEqual(['submissions/planted.pdf [] extra file: in the archive but not in MANIFEST.sha256']);
  });

  it('when index.json loses a Bates range, or two ranges overlap, then the first missing or doubled number is named', async () => {
    const index = JSON.parse(files.get('index.json')!.toString('utf8')) as { items: { begBates: string; endBates: string; pages: number }[] };
    const gap = { ...index, items: index.items.filter((_, i) => i !== 1) };
    const gapReport = await verifyProduction(await zipOf('gap.zip', variant((m) => m.set('index.json', Buffer.from(JSON.stringify(gap))))));
    expect(gapReport.problems).toEqual([expect.objectContaining({ file: 'index.json', bates: 'T000001000004', message: expect.stringContaining('Bates gap: T000001000004 missing') })]);
    const overlap = { ...index, items: index.items.map((it, i) => (i === 3 ? { ...it, begBates: 'T000001000006', pages: 3 } : it)) };
    const overlapReport = await verifyProduction(await zipOf('overlap.zip', variant((m) => m.set('index.json', Buffer.from(JSON.stringify(overlap))))));
    expect(overlapReport.problems).toEqual([expect.objectContaining({ bates: 'T000001000006', message: expect.stringContaining('Bates overlap: T000001000006 is in both') })]);
  });

  it('when an audit event is edited, then its seq is named; when its hash is recomputed too, then it no longer matches chain.jsonl', async () => {
    const lines = files.get(AUDIT_LOG_PATH)!.toString('utf8').split('\n');
    const victim = JSON.parse(lines[1]!) as Record<string, unknown>;
    const edited: Record<string, unknown> = { ...victim, actorRole: 'admin' };
    const withLine = (row: object) => Buffer.from(lines.map((l, i) => (i === 1 ? canonicalJson(row) : l)).join('\n'));
    const r1 = await verifyProduction(await zipOf('edited.zip', variant((m) => m.set(AUDIT_LOG_PATH, withLine(edited)))));
    expect(messages(r1)).toEqual([`${AUDIT_LOG_PATH} [] line 2: audit event seq ${String(victim.seq)} does not hash to its recorded hash: the event was altered`]);
    const { prevHash, hash: _old, ...fields } = edited;
    const rehashed = { ...edited, hash: chainHash(prevHash as string, fields as never) };
    const r2 = await verifyProduction(await zipOf('rehashed.zip', variant((m) => m.set(AUDIT_LOG_PATH, withLine(rehashed)))));
    expect(messages(r2)).toEqual([`${AUDIT_LOG_PATH} [] line 2: audit event seq ${String(victim.seq)} does not match ${CHAIN_PATH} (hash or prevHash differs)`]);
    const py = spawnSync('python3', [SCRIPT, 'production', path.join(dir, 'edited.zip')], { encoding: 'utf8' });
    expect([py.status, py.stdout]).toEqual([1, `BROKEN: ${AUDIT_LOG_PATH} line 2 (seq ${String(victim.seq)}): the event does not hash to its recorded hash\n`]);
    const py2 = spawnSync('python3', [SCRIPT, 'production', path.join(dir, 'rehashed.zip')], { encoding: 'utf8' });
    expect([py2.status, py2.stdout]).toEqual([1, `BROKEN: ${AUDIT_LOG_PATH} line 2 (seq ${String(victim.seq)}): does not match audit/chain.jsonl\n`]);
  });

  it('when the chain is cut at the end, or a link is removed, or the head disagrees with the index, then each is named', async () => {
    const chain = files.get(CHAIN_PATH)!.toString('utf8').split('\n').filter(Boolean);
    const cutEnd = await verifyProduction(await zipOf('cut-end.zip', variant((m) => m.set(CHAIN_PATH, Buffer.from(`${chain.slice(0, -3).join('\n')}\n`)))));
    const py = spawnSync('python3', [SCRIPT, 'production', path.join(dir, 'cut-end.zip')], { encoding: 'utf8' });
    expect([py.status, py.stdout]).toEqual([1, expect.stringMatching(/^BROKEN: .*beyond the end of audit\/chain.jsonl/)]);
    expect(messages(cutEnd)).toContainEqual(expect.stringMatching(new RegExp(`^${CHAIN_PATH} \\[\\] the chain ends at seq ${headBefore.seq - 3} .* but ${HEAD_PATH} says seq ${headBefore.seq}`)));
    const cutMiddle = await verifyProduction(await zipOf('cut-middle.zip', variant((m) => m.set(CHAIN_PATH, Buffer.from(chain.filter((_, i) => i !== 4).join('\n'))))));
    expect(messages(cutMiddle)[0]).toBe(`${CHAIN_PATH} [] line 5: the chain is cut: expected seq 5, found 6`);
    const forged = JSON.parse(files.get('index.json')!.toString('utf8')) as Record<string, unknown>;
    const wrongHead = await verifyProduction(await zipOf('head.zip', variant((m) => m.set('index.json', Buffer.from(JSON.stringify({ ...forged, auditHeadHash: 'f'.repeat(64) }))))));
    expect(messages(wrongHead)).toEqual([`index.json [] auditHeadHash "${'f'.repeat(64)}" is not the head in ${HEAD_PATH} (${headBefore.hash})`]);
  });
});

describe('portal export verify', () => {
  const portal = (args: string[]) => spawnSync(process.execPath, ['-r', './test/helpers/ts-register.js', 'server/cli/main.ts', 'export', 'verify', ...args],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 60_000 });

  it('when the production is intact, then exit 0; tampered, exit 1 with one problem a line; unreadable or no file, exit 2', async () => {
    const ok = portal([good]);
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toMatch(/^Production verified: 10 files match MANIFEST.sha256, 4 index items with continuous Bates numbers, \d+ audit events linked to the chain head.\n$/);

    const manifest = manifestText([...files].map(([p, data]) => ({ path: p, sha256: sha(data) })));
    const bad = await zipOf('cli-bad.zip', variant((m) => { m.delete('README.txt'); m.set('extra.txt', Buffer.from('x')); }), manifest);
    const broken = portal([bad]);
    expect(broken.status).toBe(1);
    expect(broken.stdout.split('\n').filter(Boolean)).toEqual([
      'extra.txt: extra file: in the archive but not in MANIFEST.sha256',
      'README.txt: missing: listed in MANIFEST.sha256 but not in the archive',
    ]);
    expect(broken.stderr).toContain('NOT verified: 2 problem(s)');

    const notZip = path.join(dir, 'not-a.zip');
    writeFileSync(notZip, 'hello');
    const unreadable = portal([notZip]);
    expect([unreadable.status, unreadable.stderr]).toEqual([2, expect.stringContaining('ZIP') as unknown as string]);
    expect(portal([path.join(dir, 'absent.zip')]).status).toBe(2);
    expect(portal([]).status).toBe(2);
    expect(readFileSync(good).length).toBeGreaterThan(0);
  });
});
