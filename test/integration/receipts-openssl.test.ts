import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import type { Receipt } from '../../server/receipts/receipt';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

/** Runs a docs/receipts.md step in a shell, in `dir`. */
const sh = (dir: string, script: string) => spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });

/** The standard-tools block of docs/receipts.md as written, less the curl line (the test saves the key). */
function documentedSteps(): string {
  const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'receipts.md'), 'utf8');
  const block = /## Check a receipt with standard tools[^\n]*\n+```sh\n([\s\S]*?)```/.exec(doc)![1]!;
  return block.split('\n').filter((line) => !line.startsWith('curl ')).join('\n');
}

describe('docs/receipts.md, followed with openssl and jq', () => {
  it('when a real receipt is checked with the documented commands, then it verifies; when edited, it fails', async () => {
    const vendor = await buildUser(t.deps, { organizationId: undefined });
    await t.deps.db.updateTable('organizations').set({ legal_name: 'Zoë & Søn «Ωmega» Ltd' }).where('id', '=', vendor.organizationId!).execute();
    const token = await tokenFor(t.app, vendor);
    const p = await buildProceeding(t.deps);
    const draft = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set('Authorization', `Bearer ${token}`)
      .send({ title: 'Response', argument: 'Argument 1.' });
    const filed = await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set('Authorization', `Bearer ${token}`)
      .send({ certification: { accepted: true, signature: 'Zoë Filer' } });
    expect(filed.status).toBe(200);

    const dir = mkdtempSync(path.join(tmpdir(), 'vrp-receipt-'));
    writeFileSync(path.join(dir, 'receipt.json'), JSON.stringify(filed.body.receipt, null, 2));
    const pem = await request(t.app).get('/api/v1/receipts/public-key');
    writeFileSync(path.join(dir, 'portal-receipts.pem'), pem.text);

    const steps = `jq -cjS '.payload' receipt.json > payload.json
      jq -r '.signature.value' receipt.json | base64 -d > signature.bin
      openssl pkeyutl -verify -pubin -inkey portal-receipts.pem -rawin -in payload.json -sigfile signature.bin`;
    const ok = sh(dir, steps);
    expect(ok.stdout).toContain('Signature Verified Successfully');
    const keyId = execFileSync('bash', ['-c', 'openssl pkey -pubin -in portal-receipts.pem -outform DER | sha256sum | cut -c1-16'], { cwd: dir, encoding: 'utf8' }).trim();
    expect(keyId).toBe(filed.body.receipt.signature.keyId);

    const edited = { ...filed.body.receipt, payload: { ...filed.body.receipt.payload, late: true } };
    writeFileSync(path.join(dir, 'receipt.json'), JSON.stringify(edited));
    const bad = sh(dir, steps);
    expect(bad.stdout + bad.stderr).toContain('Signature Verification Failure');
  });

  it('when the whole documented block runs, then a real receipt passes every check and re-spelled or repeated members are caught', async () => {
    const vendor = await buildUser(t.deps);
    const token = await tokenFor(t.app, vendor);
    const p = await buildProceeding(t.deps);
    const draft = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set('Authorization', `Bearer ${token}`).send({ title: 'Response', argument: 'Argument.' });
    const filed = await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set('Authorization', `Bearer ${token}`)
      .send({ certification: { accepted: true, signature: 'Filer' } });
    const receipt = filed.body.receipt as Receipt;
    const dir = mkdtempSync(path.join(tmpdir(), 'vrp-receipt-doc-'));
    writeFileSync(path.join(dir, 'portal-receipts.pem'), (await request(t.app).get('/api/v1/receipts/public-key')).text);
    const runWith = (text: string) => { writeFileSync(path.join(dir, 'receipt.json'), text); return sh(dir, documentedSteps()); };

    const ok = runWith(JSON.stringify(receipt, null, 2));
    expect(ok.stdout).toContain('Each member named once');
    expect(ok.stdout).toContain('Signature encoding canonical');
    expect(ok.stdout).toContain('Signature Verified Successfully');
    expect(ok.stdout.trim().split('\n').at(-1)).toBe(receipt.signature.keyId);

    // jq reads the last of two "late" members, so openssl alone would pass this one: the Python line catches it.
    const repeated = runWith(JSON.stringify(receipt).replace('"late":false', '"late":true,"late":false'));
    expect(repeated.stdout).not.toContain('Each member named once');
    expect(repeated.stderr).toContain('repeated member name');
    for (const value of [`${receipt.signature.value}!!`, receipt.signature.value.replace(/=+$/, ''), ` ${receipt.signature.value}`]) {
      const respelled = runWith(JSON.stringify({ ...receipt, signature: { ...receipt.signature, value } }));
      expect(respelled.stdout).not.toContain('Signature encoding canonical');
    }
  });
});
