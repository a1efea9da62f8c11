import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { sweepUploads } from '../../server/documents/sweep';
import { ContentStore } from '../../server/documents/content-store';
import { AppError } from '../../server/http/errors';
import { tempUploadsDir, uploadTo } from '../fixtures/upload-client';
import { pdf, sha256 } from '../fixtures/uploads';

/** SECURITY.md, Integrity: "no row points to a missing file; orphan files are swept". */
let t: TestApp;
let uploads: string;
beforeAll(async () => {
  uploads = tempUploadsDir();
  t = await startTestApp({ env: { UPLOADS_DIR: uploads } });
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const ageFile = (file: string, ms: number) => {
  const when = new Date(Date.now() - ms);
  utimesSync(file, when, when);
};
/** A content file of random bytes at a well-formed key (as a crash between rename and commit leaves it). */
function contentFile(): string {
  const hex = randomBytes(32).toString('hex');
  const file = path.join(uploads, 'sha256', hex.slice(0, 2), hex);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'orphan');
  return file;
}
function tempFile(): string {
  mkdirSync(path.join(uploads, 'tmp'), { recursive: true });
  const file = path.join(uploads, 'tmp', `${randomBytes(8).toString('hex')}.part`);
  writeFileSync(file, 'partial');
  return file;
}

describe('sweepUploads', () => {
  it('when orphans and stale temp files are older than the threshold, then only they go; referenced and young files stay', async () => {
    const vendor = await buildUser(t.deps);
    const token = await tokenFor(t.app, vendor);
    const p = await buildProceeding(t.deps);
    const draft = (await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set('Authorization', `Bearer ${token}`)
      .send({ title: 'R', argument: 'A' })).body.id;
    const doc = await uploadTo(t.app, token, draft, 'kept.pdf', pdf('/Kept 1'));
    const referenced = path.join(uploads, 'sha256', doc.body.sha256.slice(0, 2), doc.body.sha256);
    const noticeFile = contentFile();
    const noticeHex = path.basename(noticeFile);
    await t.deps.db.insertInto('notice_documents').values({
      proceeding_id: p.id, title: 'Notice', original_name: 'n.pdf', media_type: 'application/pdf', size: 6, sha256: noticeHex,
      storage_key: `sha256/${noticeHex.slice(0, 2)}/${noticeHex}`, created_by: vendor.id,
    }).execute();
    const [oldOrphan, youngOrphan, staleTemp, freshTemp] = [contentFile(), contentFile(), tempFile(), tempFile()];
    const stray = path.join(uploads, 'sha256', 'zz');
    mkdirSync(stray, { recursive: true });
    for (const f of [referenced, noticeFile, oldOrphan, staleTemp]) ageFile(f, 2 * HOUR);

    const report = await sweepUploads(t.deps.db, uploads, { olderThanMs: HOUR });

    expect(report).toEqual({ tempRemoved: 1, contentRemoved: 1, contentKept: 3, ignored: 1 });
    expect([oldOrphan, staleTemp].map(existsSync)).toEqual([false, false]);
    expect([referenced, noticeFile, youngOrphan, freshTemp, stray].map(existsSync)).toEqual([true, true, true, true, true]);
    const dl = await request(t.app).get(`/api/v1/documents/${doc.body.id}/content`).set('Authorization', `Bearer ${token}`);
    expect(dl.status).toBe(200);
  });

  it('when the uploads folder does not exist yet, then the sweep reports nothing to do', async () => {
    const report = await sweepUploads(t.deps.db, path.join(uploads, 'missing'), { olderThanMs: 0 });
    expect(report).toEqual({ tempRemoved: 0, contentRemoved: 0, contentKept: 0, ignored: 0 });
  });
});

describe('identical content racing a delete', () => {
  it('when a twin upload finds its content removed before its row commits, then its kept temp file restores it; without one, 503 upload_retry', async () => {
    const store = new ContentStore(uploads);
    const data = Buffer.from('same bytes, two uploads');
    const hex = sha256(data);
    const write = async () => {
      const temp = await store.newTempPath();
      writeFileSync(temp, data);
      return temp;
    };
    const first = await store.place(await write(), hex);
    const twin = await store.place(await write(), hex);
    expect([first.created, twin.created, Boolean(twin.keptTemp)]).toEqual([true, false, true]);
    // A concurrent delete of the first row found no reference and removed the file.
    rmSync(store.pathOf(first.key));
    await t.deps.db.transaction().execute((trx) => store.ensureInPlace(trx, twin));
    expect(existsSync(store.pathOf(twin.key))).toBe(true);
    expect(sha256(readFileSync(store.pathOf(twin.key)))).toBe(hex);

    rmSync(store.pathOf(first.key));
    const err = await t.deps.db.transaction().execute((trx) => store.ensureInPlace(trx, first)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('upload_retry');
  });
});
