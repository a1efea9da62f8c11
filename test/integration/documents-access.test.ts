import { rmSync } from 'node:fs';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { signInBrowser } from '../helpers/session';
import { contentKeys, postParts, tempFiles, tempUploadsDir, uploadTo } from '../fixtures/upload-client';
import { EXE, filePart, multipart, pdf, sha256 } from '../fixtures/uploads';

/**
 * SECURITY.md, Access and Uploads: vendor B gets 404 (audited) for anything of vendor A's; staff may
 * read what was filed (never a draft), never upload; a filed submission's documents never change; notices are admin-only to add,
 * public to read; cookie sessions need the CSRF token on multipart uploads.
 */
let t: TestApp;
let uploads: string;
let a: TestUser;
let aToken: string;
let b: TestUser;
let bToken: string;
let reviewer: TestUser;
let reviewerToken: string;
let docket: string;
beforeAll(async () => {
  uploads = tempUploadsDir();
  t = await startTestApp({ env: { UPLOADS_DIR: uploads } });
  [a, b, reviewer] = await Promise.all([buildUser(t.deps), buildUser(t.deps), buildUser(t.deps, { role: 'reviewer' })]);
  [aToken, bToken, reviewerToken] = await Promise.all([tokenFor(t.app, a), tokenFor(t.app, b), tokenFor(t.app, reviewer)]);
  docket = (await buildProceeding(t.deps)).docket;
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
});

const bearer = (r: request.Test, token: string) => r.set('Authorization', `Bearer ${token}`);
async function draftOfA(): Promise<string> {
  return (await bearer(request(t.app).post(`/api/v1/proceedings/${docket}/submissions`), aToken).send({ title: 'A', argument: 'Argument.' })).body.id;
}
const denials = (actorId: string, subjectId: string) => t.deps.db.selectFrom('audit_events').select('seq')
  .where('action', '=', 'access.denied').where('actor_id', '=', actorId).where('subject_id', '=', subjectId).execute();
const docCount = async (submissionId: string) => (await t.deps.db.selectFrom('documents').select('id').where('submission_id', '=', submissionId).execute()).length;

describe('vendor B and vendor A\'s documents', () => {
  it('when B uploads to, deletes from, or downloads from A\'s draft, then 404 each time, audited, and A\'s draft is unchanged', async () => {
    const draft = await draftOfA();
    const doc = (await uploadTo(t.app, aToken, draft, 'a.pdf', pdf('/A 1'))).body.id as string;
    const keys = contentKeys(uploads);

    const up = await uploadTo(t.app, bToken, draft, 'b.pdf', pdf('/B 1'));
    const del = await bearer(request(t.app).delete(`/api/v1/submissions/${draft}/documents/${doc}`), bToken);
    const get = await bearer(request(t.app).get(`/api/v1/documents/${doc}/content`), bToken);
    for (const res of [up, del, get]) expect([res.status, res.body.error?.code]).toEqual([404, 'not_found']);
    expect((await denials(b.id, draft)).length).toBe(2);
    expect((await denials(b.id, doc)).length).toBe(1);
    expect(await docCount(draft)).toBe(1);
    expect(contentKeys(uploads)).toEqual(keys);
    expect(tempFiles(uploads)).toEqual([]);
  });

  it('when a reviewer reads a document of A\'s filed submission, then the bytes come back (audited as a download); a reviewer upload is 404, audited', async () => {
    const draft = await draftOfA();
    const data = pdf('/Reviewed 1');
    const doc = (await uploadTo(t.app, aToken, draft, 'a.pdf', data)).body.id as string;
    await bearer(request(t.app).post(`/api/v1/submissions/${draft}/submit`), aToken).send({ certification: { accepted: true, signature: 'A Person' } }).expect(200);
    const get = await bearer(request(t.app).get(`/api/v1/documents/${doc}/content`), reviewerToken).buffer(true);
    expect(get.status).toBe(200);
    expect(sha256(Buffer.from(get.body as Buffer))).toBe(sha256(data));
    const downloads = await t.deps.db.selectFrom('audit_events').select('actor_id').where('action', '=', 'document.downloaded').where('subject_id', '=', doc).execute();
    expect(downloads.map((d) => d.actor_id)).toEqual([reviewer.id]);
    const up = await uploadTo(t.app, reviewerToken, draft, 'r.pdf', pdf('/R 1'));
    expect([up.status, up.body.error.code]).toEqual([404, 'not_found']);
    expect((await denials(reviewer.id, draft)).length).toBe(1);
    expect(await docCount(draft)).toBe(1);
  });

  it('when a reviewer asks for a document of A\'s draft, then 404 and the denial is audited: a draft is the vendor\'s own until filed', async () => {
    const draft = await draftOfA();
    const doc = (await uploadTo(t.app, aToken, draft, 'a.pdf', pdf('/Private 1'))).body.id as string;
    const get = await bearer(request(t.app).get(`/api/v1/documents/${doc}/content`), reviewerToken);
    expect([get.status, get.body.error.code]).toEqual([404, 'not_found']);
    expect((await denials(reviewer.id, doc)).length).toBe(1);
    const downloads = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'document.downloaded').where('subject_id', '=', doc).execute();
    expect(downloads).toEqual([]);
  });

  it('when nobody is signed in, then uploads and downloads are 401', async () => {
    const draft = await draftOfA();
    const { body, contentType } = multipart([filePart('x.pdf', pdf())]);
    expect((await request(t.app).post(`/api/v1/submissions/${draft}/documents`).set('Content-Type', contentType).send(body)).status).toBe(401);
    expect((await request(t.app).get(`/api/v1/documents/${draft}/content`)).status).toBe(401);
  });
});

describe('filed submissions', () => {
  it('when a document is uploaded to or deleted from a filed submission, then 409 not_a_draft and nothing changes', async () => {
    const draft = await draftOfA();
    const doc = (await uploadTo(t.app, aToken, draft, 'a.pdf', pdf('/Filed 1'))).body.id as string;
    await bearer(request(t.app).post(`/api/v1/submissions/${draft}/submit`), aToken).send({ certification: { accepted: true, signature: 'A Person' } }).expect(200);
    const [keys, auditBefore] = [contentKeys(uploads), await t.deps.db.selectFrom('audit_events').select('seq').execute()];

    const up = await uploadTo(t.app, aToken, draft, 'late.pdf', pdf('/Late 1'));
    const del = await bearer(request(t.app).delete(`/api/v1/submissions/${draft}/documents/${doc}`), aToken);
    for (const res of [up, del]) expect([res.status, res.body.error.code]).toEqual([409, 'not_a_draft']);
    expect(await docCount(draft)).toBe(1);
    expect(contentKeys(uploads)).toEqual(keys);
    expect(tempFiles(uploads)).toEqual([]);
    expect((await t.deps.db.selectFrom('audit_events').select('seq').execute()).length).toBe(auditBefore.length);
  });
});

describe('browser sessions', () => {
  it('when a cookie session uploads without the CSRF token, then 403; with ?_csrf=, then 201', async () => {
    const vendor = await buildUser(t.deps);
    const token = await tokenFor(t.app, vendor);
    const draft = (await bearer(request(t.app).post(`/api/v1/proceedings/${docket}/submissions`), token).send({ title: 'C', argument: 'x' })).body.id;
    const { agent, csrf } = await signInBrowser(t.app, vendor);
    const { body, contentType } = multipart([filePart('form.pdf', pdf('/Form 1'))]);
    const refused = await agent.post(`/api/v1/submissions/${draft}/documents`).set('Content-Type', contentType).send(body);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'csrf_failed']);
    const ok = await agent.post(`/api/v1/submissions/${draft}/documents?_csrf=${encodeURIComponent(csrf)}`).set('Content-Type', contentType).send(body);
    expect(ok.status).toBe(201);
  });
});

describe('notice documents', () => {
  it('when an admin adds a notice document, then 201, audited, and anyone can download it; vendors get 403', async () => {
    const admin = await buildUser(t.deps, { role: 'admin' });
    const adminToken = await tokenFor(t.app, admin);
    const data = pdf('/Notice 1');
    const url = `/api/v1/proceedings/${docket}/notice-documents`;
    const res = await postParts(t.app, url, adminToken, [{ name: 'title', value: 'Directive text' }, filePart('BOD-17-01.pdf', data)]);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: 'Directive text', sha256: sha256(data), size: data.length, mediaType: 'application/pdf' });
    expect((await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'notice_document.uploaded').where('subject_id', '=', res.body.id).execute()).length).toBe(1);

    const pub = await request(t.app).get(res.body.url).buffer(true);
    expect(pub.status).toBe(200);
    expect(sha256(Buffer.from(pub.body as Buffer))).toBe(sha256(data));
    expect(pub.headers['content-disposition']).toMatch(/^attachment; /);
    const list = await request(t.app).get(url);
    expect(list.body.items.map((n: { id: string }) => n.id)).toEqual([res.body.id]);

    expect((await postParts(t.app, url, aToken, [filePart('x.pdf', pdf('/V 1'))])).status).toBe(403);
    const exe = await postParts(t.app, url, adminToken, [filePart('notice.pdf', EXE)]);
    expect([exe.status, exe.body.error.code]).toEqual([415, 'type_mismatch']);
    expect((await postParts(t.app, '/api/v1/proceedings/NO-SUCH-DOCKET/notice-documents', adminToken, [filePart('x.pdf', pdf('/Z 1'))])).status).toBe(404);
    expect(tempFiles(uploads)).toEqual([]);
  });
});
