import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

/** Runs a docs/receipts.md step in a shell, in `dir`. */
const sh = (dir: string, script: string) => spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });

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
});
