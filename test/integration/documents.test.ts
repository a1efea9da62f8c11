import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { keyFor } from '../../server/documents/content-store';
import { ORG_QUOTA_BYTES } from '../../server/documents/upload-budget';
import { contentKeys, tempFiles, tempUploadsDir, uploadTo } from '../fixtures/upload-client';
import { pdf, sha256 } from '../fixtures/uploads';

/** SECURITY.md, Uploads: storage, limits and quota, over HTTP against real PostgreSQL and real files. */
let t: TestApp;
let uploads: string;
let vendor: TestUser;
let token: string;
beforeAll(async () => {
  uploads = tempUploadsDir();
  t = await startTestApp({ env: { UPLOADS_DIR: uploads } });
  vendor = await buildUser(t.deps);
  token = await tokenFor(t.app, vendor);
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
});

async function draftIn(limits?: { maxFileBytes: number; maxFiles: number; maxTotalBytes: number }, bearer = token): Promise<string> {
  const p = await buildProceeding(t.deps);
  if (limits) await t.deps.db.updateTable('proceedings').set({ limits: JSON.stringify(limits) }).where('id', '=', p.id).execute();
  const res = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set('Authorization', `Bearer ${bearer}`)
    .send({ title: 'Response', argument: 'Argument.' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}
const rowsOf = (submissionId: string) => t.deps.db.selectFrom('documents').selectAll().where('submission_id', '=', submissionId).execute();

describe('storing evidence', () => {
  it('when a PDF is uploaded, then 201 with its real SHA-256, the bytes at their content address, and an audit event', async () => {
    const id = await draftIn();
    const data = pdf('', 5000);
    const res = await uploadTo(t.app, token, id, 'Exhibit – Contract.pdf', data, { description: 'The signed contract.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sha256: sha256(data), size: data.length, mediaType: 'application/pdf', flags: [], label: 'Exhibit 1',
      originalName: 'Exhibit – Contract.pdf', description: 'The signed contract.', confidential: false, publicVersionOf: null,
    });
    expect(res.body.storageKey).toBeUndefined();
    const hex = sha256(data);
    expect(readFileSync(path.join(uploads, 'sha256', hex.slice(0, 2), hex)).equals(data)).toBe(true);
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({ storage_key: `sha256/${hex.slice(0, 2)}/${hex}`, sha256: hex, size: String(data.length) });
    const audit = await t.deps.db.selectFrom('audit_events').select(['actor_id', 'data']).where('action', '=', 'document.uploaded')
      .where('subject_id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(vendor.id);
    expect(audit.data).toMatchObject({ submissionId: id, sha256: hex });
    expect(tempFiles(uploads)).toEqual([]);
  });

  it('when a multi-megabyte file streams in, then every byte reaches the disk: the stored file hashes to the reported SHA-256', async () => {
    const id = await draftIn();
    const data = Buffer.concat([pdf(), randomBytes(9 * 1024 * 1024)]);
    const res = await uploadTo(t.app, token, id, 'large.pdf', data);
    expect(res.status).toBe(201);
    const stored = readFileSync(path.join(uploads, 'sha256', res.body.sha256.slice(0, 2), res.body.sha256));
    expect([stored.length, sha256(stored)]).toEqual([data.length, sha256(data)]);
    expect(res.body.sha256).toBe(sha256(data));
  });

  it('when no label is given, then documents are numbered Exhibit 1, 2, 3 (a given label is kept)', async () => {
    const id = await draftIn();
    const labels = [];
    for (const [i, label] of [[1, undefined], [2, 'Declaration of J. Doe'], [3, undefined]] as const) {
      const res = await uploadTo(t.app, token, id, `e${i}.pdf`, pdf(`/N ${i}`), label ? { label } : {});
      labels.push(res.body.label);
    }
    expect(labels).toEqual(['Exhibit 1', 'Declaration of J. Doe', 'Exhibit 3']);
  });

  it('when the same bytes are uploaded twice, then one content file serves both rows, and it goes with the last row', async () => {
    const id = await draftIn();
    const data = pdf('/Twin true');
    const a = await uploadTo(t.app, token, id, 'a.pdf', data);
    const b = await uploadTo(t.app, token, id, 'b.pdf', data);
    expect(b.body.sha256).toBe(a.body.sha256);
    const key = `sha256/${a.body.sha256.slice(0, 2)}/${a.body.sha256}`;
    expect(contentKeys(uploads).filter((k) => k === key)).toHaveLength(1);
    const del = (docId: string) => request(t.app).delete(`/api/v1/submissions/${id}/documents/${docId}`).set('Authorization', `Bearer ${token}`);
    expect((await del(a.body.id)).status).toBe(204);
    expect(contentKeys(uploads)).toContain(key);
    expect((await del(b.body.id)).status).toBe(204);
    expect(contentKeys(uploads)).not.toContain(key);
    expect(await rowsOf(id)).toEqual([]);
    const audit = await t.deps.db.selectFrom('audit_events').select('subject_id').where('action', '=', 'document.deleted').where('subject_id', 'in', [a.body.id, b.body.id]).execute();
    expect(audit).toHaveLength(2);
  });

  it('when a document is downloaded, then the exact bytes stream back with safe headers, and the download is audited', async () => {
    const id = await draftIn();
    const data = pdf('/Download true', 20_000);
    const up = await uploadTo(t.app, token, id, 'Résumé "final".pdf', data);
    const res = await request(t.app).get(`/api/v1/documents/${up.body.id}/content`).set('Authorization', `Bearer ${token}`)
      .buffer(true).parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); });
    expect(res.status).toBe(200);
    expect((res.body as Buffer).equals(data)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'application/pdf', 'content-length': String(data.length), 'x-content-type-options': 'nosniff',
      'content-disposition': 'attachment; filename="Resume _final_.pdf"; filename*=UTF-8\'\'R%C3%A9sum%C3%A9%20%22final%22.pdf',
    });
    expect(res.headers['content-security-policy']).toMatch(/^sandbox(;|$)/);
    const audit = await t.deps.db.selectFrom('audit_events').select('actor_id').where('action', '=', 'document.downloaded').where('subject_id', '=', up.body.id).execute();
    expect(audit.map((a) => a.actor_id)).toEqual([vendor.id]);
  });
});

describe('documents made by the test factory', () => {
  it('when a factory-made document is downloaded, then it is stored as an upload would be: key shape, bytes and SHA-256', async () => {
    const id = await draftIn();
    const data = pdf('/Subject (made by buildDocumentRow) ');
    const doc = await buildDocumentRow(t.deps, id, vendor.id, { data, label: 'Exhibit F' });
    const row = await t.deps.db.selectFrom('documents').select(['storage_key', 'sha256', 'size']).where('id', '=', doc).executeTakeFirstOrThrow();
    expect(row).toEqual({ storage_key: keyFor(sha256(data)), sha256: sha256(data), size: String(data.length) });
    const res = await request(t.app).get(`/api/v1/documents/${doc}/content`).set('Authorization', `Bearer ${token}`).buffer(true);
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body as Buffer).equals(data)).toBe(true);
    expect(res.headers['etag']).toBe(`"sha256-${sha256(data)}"`);
    expect(tempFiles(uploads)).toEqual([]);
  });
});

describe('limits', () => {
  it('when the file is exactly at maxFileBytes, then it is accepted; one byte more is 413 file_too_large and nothing stays', async () => {
    const id = await draftIn({ maxFileBytes: 4096, maxFiles: 10, maxTotalBytes: 1_000_000 });
    const exact = pdf('/Exact true', 4096);
    expect(exact.length).toBe(4096);
    expect((await uploadTo(t.app, token, id, 'exact.pdf', exact)).status).toBe(201);
    const before = contentKeys(uploads);
    const over = await uploadTo(t.app, token, id, 'over.pdf', pdf('/Over true', 4097));
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('file_too_large');
    expect(await rowsOf(id)).toHaveLength(1);
    expect(tempFiles(uploads)).toEqual([]);
    expect(contentKeys(uploads)).toEqual(before);
  });

  it('when the submission already has maxFiles documents, then 413 too_many_files before the body is read', async () => {
    const id = await draftIn({ maxFileBytes: 4096, maxFiles: 2, maxTotalBytes: 1_000_000 });
    for (const n of [1, 2]) expect((await uploadTo(t.app, token, id, `${n}.pdf`, pdf(`/N ${n}`))).status).toBe(201);
    const third = await uploadTo(t.app, token, id, '3.pdf', pdf('/N 3'));
    expect(third.status).toBe(413);
    expect(third.body.error.code).toBe('too_many_files');
  });

  it('when a file would push the submission past maxTotalBytes, then 413 total_too_large; a file that fits exactly is accepted', async () => {
    const id = await draftIn({ maxFileBytes: 4096, maxFiles: 10, maxTotalBytes: 6000 });
    expect((await uploadTo(t.app, token, id, 'a.pdf', pdf('/A 1', 4000))).status).toBe(201);
    const tooMuch = await uploadTo(t.app, token, id, 'b.pdf', pdf('/B 1', 2001));
    expect(tooMuch.status).toBe(413);
    expect(tooMuch.body.error.code).toBe('total_too_large');
    expect((await uploadTo(t.app, token, id, 'c.pdf', pdf('/C 1', 2000))).status).toBe(201);
  });

  it('when the organization\'s drafts and filings already hold nearly its quota, then 413 quota_exceeded', async () => {
    // A vendor of its own: the other tests' documents must not count against this organization.
    const owner = await buildUser(t.deps);
    const bearer = await tokenFor(t.app, owner);
    const other = await draftIn(undefined, bearer);
    // One big document row elsewhere in the organization (the bytes themselves are not needed for accounting).
    await t.deps.db.insertInto('documents').values({
      submission_id: other, label: 'Big', original_name: 'big.pdf', media_type: 'application/pdf', size: ORG_QUOTA_BYTES - 3000,
      sha256: 'f'.repeat(64), storage_key: `sha256/ff/${'f'.repeat(64)}`, confidential: false, public_version_of: null, created_by: owner.id,
    }).execute();
    const id = await draftIn(undefined, bearer);
    const refused = await uploadTo(t.app, bearer, id, 'q.pdf', pdf('/Q 1', 3001));
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe('quota_exceeded');
    expect((await uploadTo(t.app, bearer, id, 'q.pdf', pdf('/Q 2', 3000))).status).toBe(201);
  });
});
