import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { fileResponse } from '../helpers/filings';
import { buildDocumentRow } from '../helpers/factories';
import { pdfPages, removeUnpacked, sha256sumCheck, unpack } from '../helpers/exports';
import { ROOT } from '../helpers/process';
import { tempUploadsDir } from '../fixtures/upload-client';

/**
 * `portal export --docket D --out FILE` as a real process (docs/exports.md "Command line"): it
 * writes a verifiable production in-process, beside FILE under a temporary name renamed when done,
 * prints plain progress lines when stderr is not a terminal, and is audited as a CLI action.
 */
let t: TestApp;
let uploads: string;
let work: string;
let docket: string;
let proceedingId: string;
beforeAll(async () => {
  uploads = tempUploadsDir();
  work = mkdtempSync(path.join(tmpdir(), 'vrp-export-cli-'));
  t = await startTestApp({ env: { UPLOADS_DIR: uploads } });
  const f = await fileResponse(t, { title: 'Response of Gamma Corp' });
  docket = f.docket;
  proceedingId = f.proceedingId;
  // A second response of the same vendor with a two-page PDF, stored as uploads are.
  const auth = { Authorization: `Bearer ${f.vendorToken}` };
  const draft = await request(t.app).post(`/api/v1/proceedings/${docket}/submissions`).set(auth).send({ title: 'Second response', argument: 'More.' }).expect(201);
  await buildDocumentRow(t.deps, draft.body.id, f.vendor.id, { data: await pdfPages(2, { text: 'CLI exhibit' }), label: 'Exhibit Z' });
  await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set(auth).send({ certification: { accepted: true, signature: 'G' } }).expect(200);
});
afterAll(async () => {
  removeUnpacked();
  await t?.close();
  rmSync(uploads, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const portal = (args: string[]) => spawnSync(process.execPath, ['-r', './test/helpers/ts-register.js', 'server/cli/main.ts', ...args], {
  cwd: ROOT, encoding: 'utf8', timeout: 120_000,
  env: { ...process.env, DATABASE_URL: t.ownerUrl, UPLOADS_DIR: uploads, DATA_DIR: work, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
});

describe('portal export', () => {
  it('when run with a docket and a file, then it writes a production sha256sum -c accepts, shows progress as plain lines off a terminal, and audits it', async () => {
    const out = path.join(work, 'record.zip');
    const run = portal(['export', '--docket', docket, '--out', out, '--certifier', 'Casey Certifier']);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.stringMatching(/Exporting: 100% \(\d+\/\d+ items\)/) });
    expect(run.stderr).toMatch(/^Exporting: 0% /m);
    expect(run.stderr).not.toContain('\u001b['); // no cursor movement off a terminal
    expect(run.stdout).toMatch(new RegExp(`Exported ${docket} \\(public\\) to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const manifestHash = /MANIFEST.sha256 SHA-256: ([0-9a-f]{64})/.exec(run.stdout)?.[1];
    expect(readdirSync(work).filter((f) => f.endsWith('.part'))).toEqual([]);
    const unpacked = unpack(readFileSync(out));
    expect(sha256sumCheck(unpacked.dir).status).toBe(0);
    const verified = portal(['export', 'verify', out]);
    expect({ status: verified.status, out: verified.stdout + verified.stderr }).toEqual({ status: 0, out: expect.any(String) });
    const index = JSON.parse(unpacked.text('index.json'));
    expect(index).toMatchObject({ docket, scope: 'public' });
    expect(index.items.find((i: { documentName: string }) => i.documentName === 'evidence.pdf')).toMatchObject({ status: 'produced', pages: 2 });
    const events = await t.deps.db.selectFrom('audit_events').select(['action', 'actor_role', 'data']).where('subject_id', '=', proceedingId)
      .where('action', 'like', 'export.%').orderBy('seq').execute();
    expect(events.map((e) => e.action)).toEqual(['export.started', 'export.completed']);
    expect(events[1]).toMatchObject({ actor_role: 'system', data: { via: 'cli', scope: 'public', manifestSha256: manifestHash, certifier: 'Casey Certifier', exportId: index.exportId } });
    // A CLI export leaves no exports row: the audit trail is its record.
    expect(await t.deps.db.selectFrom('exports').select('id').execute()).toEqual([]);
  });

  it('when stderr is a terminal, then a cli-progress bar runs to 100%', () => {
    const out = path.join(work, 'tty.zip');
    const command = [process.execPath, '-r', './test/helpers/ts-register.js', 'server/cli/main.ts', 'export', '--docket', docket, '--out', out]
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    // util-linux `script` gives the command a pseudo-terminal and copies what it shows to our stdout.
    const run = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: ROOT, encoding: 'utf8', timeout: 120_000,
      env: { ...process.env, DATABASE_URL: t.ownerUrl, UPLOADS_DIR: uploads, DATA_DIR: work, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Exporting \[[\u2588\u2591]+\] 100% \| \d+\/\d+ items/);
    expect(run.stdout).not.toMatch(/^Exporting: \d+%/m);
    expect(existsSync(out)).toBe(true);
  });

  it('when the confidential scope is asked for, then the index says so', () => {
    const out = path.join(work, 'confidential.zip');
    const run = portal(['export', '--docket', docket, '--out', out, '--include-confidential']);
    expect(run.status).toBe(0);
    expect(JSON.parse(unpack(readFileSync(out)).text('index.json')).scope).toBe('confidential');
  });

  it('when the docket is unknown, then exit 1 naming it and no file; without --out, exit 2 with the usage', () => {
    const out = path.join(work, 'none.zip');
    const unknown = portal(['export', '--docket', 'NO-SUCH-1', '--out', out]);
    expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringContaining('NO-SUCH-1')]);
    expect(existsSync(out)).toBe(false);
    const usage = portal(['export', '--docket', docket]);
    expect([usage.status, usage.stderr]).toEqual([2, expect.stringContaining('Usage: portal export')]);
  });
});
