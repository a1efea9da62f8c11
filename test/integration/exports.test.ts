import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { staffWithToken } from '../helpers/filings';
import { issueThrough, putDisposition, startReview } from '../helpers/dispositions';
import { tempUploadsDir, uploadTo, postParts } from '../fixtures/upload-client';
import { docx, filePart } from '../fixtures/uploads';
import { binary, pdfPages, removeUnpacked, sha256sumCheck, startExportRunner, truncatedPdf, unpack, waitForExport, type Unpacked } from '../helpers/exports';
import { pageTexts } from '../helpers/export-pdfs';
import type { JobRunner } from '../../server/jobs/runner';
import { insertExport } from '../../server/exports/exports.repository';
import { RECUSED } from '../../server/access/decisions';
import { signInBrowser } from '../helpers/session';
import { verifyProduction } from '../../server/exports/verify';

/**
 * The legal export end to end (issue 10, docs/exports.md): two vendors respond (one with a
 * confidential document and its public version, one with a damaged and an encrypted PDF), review
 * notes, an information request and dispositions happen, then legal staff export the public and
 * the confidential production through the API. Each ZIP is unpacked with `unzip`, checked with
 * `sha256sum -c`, its Bates numbers checked for continuity and stability (across scopes and a
 * second export), its DAT/OPT load files parsed, and the confidential bytes looked for.
 */
let t: TestApp;
let runner: JobRunner;
let uploads: string;
let dataDir: string;
let legal: { token: string; id: string };
let docket: string;
let proceedingId: string;
let orgB: string;
const MARKER = `TRADE-SECRET-PRICING-${Date.now().toString(36).toUpperCase()}`;
const NOTE_BODY = 'Internal: the vendor\'s 2016 renewals look doubtful.';

const as = (r: request.Test, token: string) => r.set('Authorization', `Bearer ${token}`);
const startExport = (token: string, body: object) => as(request(t.app).post('/api/v1/exports'), token).send(body);
const download = (token: string, id: string) => as(request(t.app).get(`/api/v1/exports/${id}/download`), token).buffer(true).parse(binary);

/**
 * Files a response with these documents through the real API (draft, uploads, submit). A
 * `publicVersionOf: '#n'` field names the n-th document uploaded before it (0-based).
 */
async function respond(vendorToken: string, title: string, files: { name: string; data: Buffer; fields?: Record<string, string> }[]) {
  const draft = await as(request(t.app).post(`/api/v1/proceedings/${docket}/submissions`), vendorToken)
    .send({ title, summary: `${title}: summary.`, argument: `1. ${title} argues the directive is wrong.\n2. And unfair.` }).expect(201);
  const ids: string[] = [];
  for (const f of files) {
    const target = /^#(\d+)$/.exec(f.fields?.['publicVersionOf'] ?? '');
    const fields = { ...f.fields, ...(target ? { publicVersionOf: ids[Number(target[1])]! } : {}) };
    const up = await uploadTo(t.app, vendorToken, draft.body.id, f.name, f.data, fields);
    if (up.status !== 201) throw new Error(`upload of ${f.name} refused: ${up.status} ${JSON.stringify(up.body)}`);
    ids.push(up.body.id as string);
  }
  const filed = await as(request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`), vendorToken)
    .send({ certification: { accepted: true, signature: 'Pat Filer' } });
  if (filed.status !== 200) throw new Error(`filing refused: ${filed.status} ${JSON.stringify(filed.body)}`);
  return { id: draft.body.id as string, tracking: filed.body.trackingNumber as string, documents: ids };
}

interface Item {
  begBates: string; endBates: string; pages: number; trackingNumber: string | null; status: string; documentName: string;
  confidentiality: string; producedPath: string | null; nativePath: string | null; sha256Original: string; sha256Produced: string | null;
  reason: string | null; kind: string; disposition: string | null; late: boolean;
}
interface Production { unpacked: Unpacked; index: { scope: string; batesPrefix: string; auditHeadHash: string; exportId: string; items: Item[] }; zip: Buffer; body: Record<string, unknown> }

/** Starts an export as `legal`, waits for it, downloads and unpacks it. */
async function exportAndUnpack(includeConfidential: boolean): Promise<Production> {
  const started = await startExport(legal.token, { docket, includeConfidential });
  expect(started.status).toBe(202);
  const body = await waitForExport(t, legal.token, started.body.id as string);
  expect(body).toMatchObject({ status: 'done', progress: 100, includeConfidential, docket });
  const res = await download(legal.token, started.body.id as string);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename=/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  const zip = res.body as Buffer;
  expect(Number(res.headers['content-length'])).toBe(zip.length);
  expect(body['bytes']).toBe(zip.length);
  const unpacked = unpack(zip);
  return { unpacked, zip, body, index: JSON.parse(unpacked.text('index.json')) };
}

const bates = (label: string, prefix: string) => Number(label.slice(prefix.length));

let a: Awaited<ReturnType<typeof respond>>;
let b: Awaited<ReturnType<typeof respond>>;
let pub: Production;
let conf: Production;

beforeAll(async () => {
  uploads = tempUploadsDir();
  dataDir = mkdtempSync(path.join(tmpdir(), 'vrp-exports-data-'));
  t = await startTestApp({ env: { UPLOADS_DIR: uploads, DATA_DIR: dataDir } });
  runner = await startExportRunner(t);
  const p = await buildProceeding(t.deps);
  docket = p.docket;
  proceedingId = p.id;
  const admin = await staffWithToken(t, 'admin');
  const notice = await postParts(t.app, `/api/v1/proceedings/${docket}/notice-documents`, admin.token,
    [{ name: 'title', value: 'The directive' }, filePart('directive.pdf', await pdfPages(2, { text: 'Directive' }))]);
  expect(notice.status).toBe(201);

  const vendorA = await buildUser(t.deps);
  const vendorB = await buildUser(t.deps);
  orgB = vendorB.organizationId!;
  const [tokenA, tokenB] = [await tokenFor(t.app, vendorA), await tokenFor(t.app, vendorB)];
  a = await respond(tokenA, 'Response of Alpha Software', [
    { name: 'exhibit-a.pdf', data: await pdfPages(3, { text: 'Alpha exhibit A' }), fields: { label: 'Exhibit A' } },
    { name: 'pricing.docx', data: docx(`Our prices: ${MARKER}.`), fields: { label: 'Exhibit B (confidential)', confidential: 'true' } },
    { name: 'pricing-redacted.pdf', data: await pdfPages(1, { text: 'Prices redacted' }), fields: { label: 'Exhibit B (public)', confidential: 'false', publicVersionOf: '#1' } },
  ]);
  b = await respond(tokenB, 'Response of Beta Systems', [
    { name: 'scan.pdf', data: await pdfPages(2, { text: 'Beta scan' }), fields: { label: 'Exhibit 1' } },
    { name: 'broken.pdf', data: await truncatedPdf(), fields: { label: 'Exhibit 2 (damaged)' } },
    { name: 'locked.pdf', data: await pdfPages(2, { text: 'Locked', encrypt: true }), fields: { label: 'Exhibit 3 (encrypted)' } },
    { name: 'plan.pdf', data: await pdfPages(2, { text: 'Beta plan' }), fields: { label: 'Exhibit 4 (confidential)', confidential: 'true' } },
    { name: 'plan-public.pdf', data: await pdfPages(1, { text: 'Beta plan, redacted' }), fields: { label: 'Exhibit 4 (public)', confidential: 'false', publicVersionOf: '#3' } },
  ]);

  // Review: a note and an information request on A, an issued disposition on A, a draft only on B.
  const [reviewer, supervisor, approver] = [await staffWithToken(t, 'reviewer'), await staffWithToken(t, 'supervisor'), await staffWithToken(t, 'supervisor')];
  await startReview(t, a.id);
  await startReview(t, b.id);
  await as(request(t.app).post(`/api/v1/submissions/${a.id}/notes`), reviewer.token).send({ body: NOTE_BODY }).expect(201);
  await as(request(t.app).post(`/api/v1/submissions/${a.id}/information-requests`), reviewer.token)
    .send({ question: 'Which contracts does Exhibit A cover?', dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }).expect(201);
  await issueThrough(t, a.id, supervisor.token, approver.token);
  expect((await putDisposition(t, reviewer.token, b.id)).status).toBe(201);

  const l = await staffWithToken(t, 'legal');
  legal = { token: l.token, id: l.user.id };
  pub = await exportAndUnpack(false);
  conf = await exportAndUnpack(true);
}, 240_000);

afterAll(async () => {
  removeUnpacked();
  await runner?.stop();
  await t?.close();
  rmSync(uploads, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the public and the confidential production', () => {
  it('when each is unpacked, then sha256sum -c verifies every file against MANIFEST.sha256, which is the last entry and covers all others', () => {
    for (const p of [pub, conf]) {
      const check = sha256sumCheck(p.unpacked.dir);
      expect({ status: check.status, output: check.output }).toEqual({ status: 0, output: expect.not.stringMatching(/FAILED/) });
      expect(p.unpacked.entries.at(-1)).toBe('MANIFEST.sha256');
      const listed = p.unpacked.text('MANIFEST.sha256').trim().split('\n').map((l) => l.replace(/^[0-9a-f]{64} [ *]/, '')).sort();
      expect(listed).toEqual(p.unpacked.entries.filter((e) => e !== 'MANIFEST.sha256').sort());
      expect(p.body['manifestSha256']).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('when verifyProduction (portal export verify) reads each ZIP, then manifest, Bates continuity and audit chain all check out', async () => {
    for (const p of [pub, conf]) {
      const report = await verifyProduction(path.join(path.dirname(p.unpacked.dir), 'production.zip'));
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, checked: { items: p.index.items.length } });
      expect(report.checked.auditEvents).toBeGreaterThan(0);
    }
  });

  it('when the audit files are in either production, then events that would reveal a note or a draft disposition are withheld whole and listed', () => {
    for (const p of [pub, conf]) {
      const log = p.unpacked.text('audit/audit-log.jsonl');
      expect(log).not.toMatch(/"action":"note\.added"/);
      expect(log).not.toMatch(/"action":"disposition\.drafted"/);
      expect(log).toMatch(/"action":"disposition\.issued"/);
      expect(p.unpacked.text('withheld-log.csv')).toMatch(/note\.added/);
    }
  });

  it('when the archive is listed, then it holds the layout of EXPORT.md with ASCII-safe paths only', () => {
    for (const p of [pub, conf]) {
      const names = p.unpacked.entries;
      for (const f of ['README.txt', 'index.csv', 'index.json', 'notice/notice.txt', 'loadfiles/record.dat', 'loadfiles/record.opt',
        'dispositions.csv', 'withheld-log.csv', 'audit/audit-log.jsonl', 'audit/chain.jsonl', 'audit/head.json', 'certified-index.pdf',
        `submissions/${a.tracking}/submission.json`, `submissions/${a.tracking}/argument.txt`, `submissions/${b.tracking}/submission.json`]) {
        expect(names).toContain(f);
      }
      for (const n of names) expect(n).toMatch(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/);
      expect(p.unpacked.text(`submissions/${a.tracking}/argument.txt`)).toContain('Response of Alpha Software argues');
      const json = JSON.parse(p.unpacked.text(`submissions/${a.tracking}/submission.json`));
      expect(json).toMatchObject({ trackingNumber: a.tracking, kind: 'response', organization: { legalName: expect.any(String) } });
      expect(json.informationRequests).toHaveLength(1);
      expect(json.dispositions).toEqual([expect.objectContaining({ outcome: 'not_sustained', status: 'issued' })]);
      expect(p.unpacked.text('certified-index.pdf').startsWith('%PDF-')).toBe(true);
      expect(p.unpacked.text('README.txt')).toMatch(/sha256sum -c/);
    }
  });

  it('when Bates ranges are read from either index, then sorted they start at 1 and follow on without gap or overlap, the same in both scopes', () => {
    for (const p of [pub, conf]) {
      const prefix = p.index.batesPrefix;
      expect(prefix).toBe(docket.replace(/-/g, ''));
      const ranges = p.index.items.map((i) => [bates(i.begBates, prefix), bates(i.endBates, prefix)] as const).sort((x, y) => x[0] - y[0]);
      expect(ranges[0]![0]).toBe(1);
      for (let i = 1; i < ranges.length; i += 1) expect(ranges[i]![0]).toBe(ranges[i - 1]![1] + 1);
      // notice (2 pages) + A: 3 + slip 1 + 1 + B: 2 + slip 1 + slip 1 + 2 + 1
      expect(ranges.at(-1)![1]).toBe(14);
      expect(p.index.items).toHaveLength(9);
    }
    const key = (i: Item) => `${i.trackingNumber}|${i.documentName}`;
    const numbers = (p: Production) => new Map(p.index.items.map((i) => [key(i), `${i.begBates}-${i.endBates}`]));
    expect(numbers(pub)).toEqual(numbers(conf));
  });

  it('when the same scope is exported again, then every page keeps its number and every produced file its hash', async () => {
    const again = await exportAndUnpack(false);
    expect(again.index.exportId).not.toBe(pub.index.exportId);
    const facts = (p: Production) => p.index.items.map((i) => [i.begBates, i.endBates, i.status, i.sha256Produced, i.producedPath]);
    expect(facts(again)).toEqual(facts(pub));
    rmSync(path.dirname(again.unpacked.dir), { recursive: true, force: true });
  });

  it('when a PDF is produced, then each page carries its Bates number, and the confidentiality legend only in confidential material', async () => {
    const exhibitA = pub.index.items.find((i) => i.documentName === 'exhibit-a.pdf')!;
    expect(exhibitA).toMatchObject({ status: 'produced', pages: 3, confidentiality: 'public', disposition: 'not_sustained' });
    expect(exhibitA.producedPath).toMatch(new RegExp(`^submissions/${a.tracking}/001-exhibit-a\\.pdf$`));
    expect(exhibitA.sha256Produced).not.toBe(exhibitA.sha256Original);
    const prefix = pub.index.batesPrefix;
    const label = (n: number) => `${prefix}${String(n).padStart(6, '0')}`;
    const pagesA = await pageTexts(pub.unpacked.read(exhibitA.producedPath!));
    expect(pagesA).toHaveLength(3);
    pagesA.forEach((text, i) => {
      expect(text).toContain(label(bates(exhibitA.begBates, prefix) + i));
      expect(text).not.toMatch(/CONFIDENTIAL/);
    });
    const plan = conf.index.items.find((i) => i.documentName === 'plan.pdf')!;
    expect(plan).toMatchObject({ status: 'produced', pages: 2, confidentiality: 'confidential' });
    const pagesPlan = await pageTexts(conf.unpacked.read(plan.producedPath!));
    pagesPlan.forEach((text, i) => {
      expect(text).toContain(label(bates(plan.begBates, prefix) + i));
      expect(text).toContain('CONFIDENTIAL');
    });
    expect(pub.index.items.find((i) => i.documentName === 'plan.pdf')).toMatchObject({ status: 'withheld', begBates: plan.begBates, endBates: plan.endBates });
    expect(pub.unpacked.entries.some((e) => e.endsWith('plan.pdf'))).toBe(false);
  });

  it('when a confidential document is in the record, then the public ZIP has neither its bytes nor its file, lists it as withheld, and produces its public version; the confidential ZIP has it', () => {
    expect(pub.zip.includes(Buffer.from(MARKER))).toBe(false);
    expect(conf.zip.includes(Buffer.from(MARKER))).toBe(true);
    const inPublic = pub.index.items.find((i) => i.documentName === 'pricing.docx')!;
    expect(inPublic).toMatchObject({ status: 'withheld', producedPath: null, nativePath: null, sha256Produced: null, confidentiality: 'confidential' });
    expect(inPublic.reason).toMatch(/public version/);
    expect(pub.unpacked.text('withheld-log.csv')).toMatch(/confidential document/);
    const inConfidential = conf.index.items.find((i) => i.documentName === 'pricing.docx')!;
    expect(inConfidential).toMatchObject({ status: 'slip_sheet', confidentiality: 'confidential' });
    expect(conf.unpacked.read(inConfidential.nativePath!).includes(Buffer.from(MARKER))).toBe(true);
    for (const p of [pub, conf]) expect(p.index.items.find((i) => i.documentName === 'pricing-redacted.pdf')).toMatchObject({ status: 'produced' });
  });

  it('when a PDF is truncated or encrypted, then the export still completes: it is produced natively behind a slip sheet that says why, and listed', () => {
    for (const p of [pub, conf]) {
      const broken = p.index.items.find((i) => i.documentName === 'broken.pdf')!;
      const locked = p.index.items.find((i) => i.documentName === 'locked.pdf')!;
      for (const item of [broken, locked]) {
        expect(item).toMatchObject({ status: 'slip_sheet', pages: 1 });
        expect(p.unpacked.read(item.producedPath!).subarray(0, 5).toString()).toBe('%PDF-');
        expect(p.unpacked.read(item.nativePath!).length).toBeGreaterThan(0);
      }
      expect(broken.reason).toMatch(/truncated|parse|unreadable/i);
      expect(locked.reason).toMatch(/encrypt|password/i);
      expect(p.unpacked.text('index.csv')).toContain('broken.pdf');
    }
  });

  it('when the load files are parsed, then the DAT has the header fields and one row per item, and the OPT one line per page', () => {
    for (const p of [pub, conf]) {
      const dat = p.unpacked.text('loadfiles/record.dat').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
      const fields = (line: string) => line.split('\u0014').map((f) => f.replace(/^\u00fe|\u00fe$/g, ''));
      expect(fields(dat[0]!)).toEqual(['BEGBATES', 'ENDBATES', 'TRACKING', 'CUSTODIAN', 'DATEFILED', 'TITLE', 'FILENAME', 'SHA256', 'CONFIDENTIALITY', 'NATIVEPATH', 'TEXTPATH']);
      // Only what is produced is in the load files; a withheld item stays in the index alone.
      const produced = p.index.items.filter((i) => i.status !== 'withheld');
      expect(produced).toHaveLength(p.index.scope === 'public' ? p.index.items.length - 2 : p.index.items.length);
      expect(dat).toHaveLength(1 + produced.length);
      const rows = dat.slice(1).map(fields);
      expect(rows.map((r) => r[0]).sort()).toEqual(produced.map((i) => i.begBates).sort());
      for (const r of rows) expect(r).toHaveLength(11);
      const opt = p.unpacked.text('loadfiles/record.opt').split(/\r?\n/).filter(Boolean).map((l) => l.split(','));
      expect(opt).toHaveLength(produced.reduce((n, i) => n + i.pages, 0));
      // A document's first page starts a document (Y in the fourth column).
      for (const i of produced) expect(opt.find((l) => l[0] === i.begBates)?.[3]).toBe('Y');
    }
  });

  it('when deliberative material exists, then withheld-log.csv lists the internal note and the unissued disposition with date, author and basis, never their words', () => {
    for (const p of [pub, conf]) {
      const log = p.unpacked.text('withheld-log.csv');
      expect(log).toMatch(/internal note/);
      expect(log).toMatch(/draft disposition/);
      expect(log).toMatch(/[Dd]eliberative process privilege/);
      expect(p.zip.includes(Buffer.from(NOTE_BODY))).toBe(false);
      expect(p.unpacked.text('dispositions.csv')).toContain(a.tracking);
      expect(p.unpacked.text('dispositions.csv')).not.toContain(b.tracking);
    }
  });

  it('when the audit files are read, then the head is the one index.json and the API report, and the export itself was audited with its manifest hash', async () => {
    for (const p of [pub, conf]) {
      const head = JSON.parse(p.unpacked.text('audit/head.json'));
      expect(head.hash).toBe(p.index.auditHeadHash);
      expect(p.body['auditHeadHash']).toBe(p.index.auditHeadHash);
    }
    const events = await t.deps.db.selectFrom('audit_events').select(['action', 'actor_id', 'data']).where('subject_id', '=', proceedingId)
      .where('action', 'like', 'export.%').orderBy('seq').execute();
    const ofPub = events.filter((e) => e.data['exportId'] === pub.index.exportId);
    expect(ofPub.map((e) => e.action)).toEqual(['export.requested', 'export.started', 'export.completed', 'export.downloaded']);
    expect(ofPub[0]).toMatchObject({ actor_id: legal.id, data: { scope: 'public', docket } });
    expect(ofPub[2]!.data).toMatchObject({ manifestSha256: pub.body['manifestSha256'], auditHeadHash: pub.index.auditHeadHash, requestedBy: legal.id });
  });
});

describe('who may export', () => {
  it('when a legal user declared a conflict with an organization that filed in the proceeding, then the export is refused 403 recused, naming the reason, and the refusal is audited', async () => {
    const conflicted = await staffWithToken(t, 'legal');
    await as(request(t.app).post('/api/v1/conflicts'), conflicted.token).send({ organizationId: orgB, kind: 'financial_interest', statement: 'I hold shares in Beta.' }).expect(201);
    const refused = await startExport(conflicted.token, { docket, includeConfidential: false });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('recused');
    expect(refused.body.error.message).toMatch(/conflict of interest/);
    expect(refused.body.error.message).toContain(docket);
    const denial = await t.deps.db.selectFrom('audit_events').select(['subject_type', 'subject_id', 'data']).where('action', '=', 'access.denied')
      .where('actor_id', '=', conflicted.user.id).execute();
    expect(denial).toEqual([expect.objectContaining({ subject_type: 'proceeding', subject_id: proceedingId, data: expect.objectContaining({ decision: 'exportProceeding', reason: RECUSED }) })]);
    expect(await t.deps.db.selectFrom('exports').select('id').where('requested_by', '=', conflicted.user.id).execute()).toEqual([]);

    // Others' exports of that proceeding are hidden from them too: missing from the list, 404 by id and download.
    const list = await as(request(t.app).get('/api/v1/exports'), conflicted.token).expect(200);
    expect(list.body.items.map((e: { id: string }) => e.id)).not.toContain(pub.index.exportId);
    expect((await as(request(t.app).get(`/api/v1/exports/${pub.index.exportId}`), conflicted.token)).status).toBe(404);
    expect((await download(conflicted.token, pub.index.exportId)).status).toBe(404);
  });

  it('when a reviewer or a vendor asks, then 403; without a token, 401', async () => {
    const reviewer = await staffWithToken(t, 'reviewer');
    const r = await startExport(reviewer.token, { docket, includeConfidential: false });
    expect([r.status, r.body.error.code]).toEqual([403, 'forbidden']);
    expect((await as(request(t.app).get('/api/v1/exports'), reviewer.token)).status).toBe(403);
    expect((await as(request(t.app).get(`/api/v1/exports/${pub.index.exportId}/download`), reviewer.token)).status).toBe(403);
    expect((await request(t.app).post('/api/v1/exports').send({ docket, includeConfidential: false })).status).toBe(401);
  });
});

describe('the exports API', () => {
  it('when the docket is unknown, then 404; when the body is wrong, then 400 naming the field', async () => {
    const unknown = await startExport(legal.token, { docket: 'NO-SUCH-DOCKET', includeConfidential: false });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    for (const [body, field] of [[{ docket }, 'includeConfidential'], [{ docket, includeConfidential: 'yes' }, 'includeConfidential'],
      [{ docket: 'bad docket', includeConfidential: true }, 'docket'], [{ docket, includeConfidential: true, extra: 1 }, 'extra']] as const) {
      const res = await startExport(legal.token, body);
      expect([res.status, res.body.error.details[0]?.field]).toEqual([400, field]);
    }
  });

  it('when an export is not done yet, then its download is 409 export_not_ready and its status says queued at 0%', async () => {
    const id = await insertExport(t.deps.db, { proceedingId, includeConfidential: false, requestedBy: legal.id });
    const res = await download(legal.token, id);
    expect([res.status, JSON.parse(res.body.toString()).error.code]).toEqual([409, 'export_not_ready']);
    const status = await as(request(t.app).get(`/api/v1/exports/${id}`), legal.token).expect(200);
    expect(status.body).toMatchObject({ id, docket, status: 'queued', progress: 0, includeConfidential: false, downloadUrl: null, requestedBy: { id: legal.id } });
    expect(status.body.error).toBeUndefined();
  });

  it('when exports are listed, then newest first in keyset pages without repeats', async () => {
    const first = await as(request(t.app).get('/api/v1/exports?limit=2'), legal.token).expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const rest = await as(request(t.app).get(`/api/v1/exports?limit=200&cursor=${first.body.nextCursor}`), legal.token).expect(200);
    const ids = [...first.body.items, ...rest.body.items].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([pub.index.exportId, conf.index.exportId]));
    const times = [...first.body.items, ...rest.body.items].map((e: { createdAt: string }) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await as(request(t.app).get('/api/v1/exports?cursor=nonsense'), legal.token)).status).toBe(400);
  });

  it('when a done export\'s file is gone from DATA_DIR, then its download is 410 export_file_missing, not a server error', async () => {
    const id = await insertExport(t.deps.db, { proceedingId, includeConfidential: false, requestedBy: legal.id });
    await t.deps.db.updateTable('exports').set({ status: 'done', progress: 100, manifest_sha256: 'a'.repeat(64), file_key: `${id}.zip`, finished_at: new Date() }).where('id', '=', id).execute();
    const res = await download(legal.token, id);
    expect([res.status, JSON.parse(res.body.toString()).error.code]).toEqual([410, 'export_file_missing']);
  });

  it('when an unknown or malformed id is asked for, then 404', async () => {
    expect((await as(request(t.app).get('/api/v1/exports/00000000-0000-4000-8000-000000000000'), legal.token)).status).toBe(404);
    expect((await as(request(t.app).get('/api/v1/exports/not-a-uuid/download'), legal.token)).status).toBe(404);
  });
});

describe('the exports page', () => {
  it('when legal staff post the start form, then 303 to the list with the new export; a conflicted one gets the form back with the refusal; other roles 403', async () => {
    const person = await buildUser(t.deps, { role: 'legal' });
    const { agent, csrf } = await signInBrowser(t.app, person);
    const page = await agent.get('/exports').expect(200);
    expect(page.text).toContain(`<option value="${docket}"`);
    expect(page.text).toContain('src="/assets/app/exports.js"');
    expect(page.text).toMatch(/<progress [^>]*max="100"/);
    expect(page.text).toContain('aria-live="polite"');
    const started = await agent.post('/exports').type('form').send({ _csrf: csrf, docket, includeConfidential: 'true' });
    expect(started.status).toBe(303);
    const id = /started=([0-9a-f-]{36})/.exec(started.headers['location'] as string)?.[1];
    const row = await t.deps.db.selectFrom('exports').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ requested_by: person.id, include_confidential: true });
    const empty = await agent.post('/exports').type('form').send({ _csrf: csrf, docket: '' });
    expect([empty.status, empty.text]).toEqual([400, expect.stringContaining('Choose the proceeding to export.')]);

    // Declared on the conflicts page (an authenticator code works once, so no second sign-in for a token).
    await agent.post('/account/conflicts').type('form').send({ _csrf: csrf, organizationId: orgB, kind: 'other', statement: 'Related.' }).expect(303);
    const refused = await agent.post('/exports').type('form').send({ _csrf: csrf, docket });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('declared a conflict of interest');
    expect(refused.text).toContain('<code>recused</code>');

    const reviewer = await buildUser(t.deps, { role: 'reviewer' });
    const r = await signInBrowser(t.app, reviewer);
    expect((await r.agent.get('/exports')).status).toBe(403);
    expect((await r.agent.get('/account')).text).not.toContain('href="/exports"');
    expect((await agent.get('/account')).text).toContain('href="/exports"');
  });
});
