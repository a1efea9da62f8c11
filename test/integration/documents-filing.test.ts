import { existsSync, rmSync } from 'node:fs';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { tempUploadsDir, uploadTo } from '../fixtures/upload-client';
import { docx, pdf, sha256 } from '../fixtures/uploads';

/** Real uploads through to a filed submission: confidential documents and their public versions, and the receipt's hashes. */
let t: TestApp;
let uploads: string;
let token: string;
let docket: string;
beforeAll(async () => {
  uploads = tempUploadsDir();
  t = await startTestApp({ env: { UPLOADS_DIR: uploads } });
  token = await tokenFor(t.app, await buildUser(t.deps));
  docket = (await buildProceeding(t.deps)).docket;
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
});

const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
const draft = async () => (await auth(request(t.app).post(`/api/v1/proceedings/${docket}/submissions`)).send({ title: 'Response', argument: 'Argument.' })).body.id as string;
const submit = (id: string) => auth(request(t.app).post(`/api/v1/submissions/${id}/submit`)).send({ certification: { accepted: true, signature: 'X' } });

describe('confidential documents and public versions', () => {
  it('when a confidential exhibit and its public version are uploaded, then the draft files and the receipt lists every real SHA-256', async () => {
    const id = await draft();
    const secret = docx('Trade secret pricing.');
    const redacted = pdf('/Redacted true');
    const plain = pdf('/Plain true', 3000);
    const c = await uploadTo(t.app, token, id, 'pricing.docx', secret, { label: 'Exhibit C (confidential)', confidential: 'true' });
    expect([c.status, c.body.confidential]).toEqual([201, true]);

    const early = await submit(id);
    expect([early.status, early.body.error.code]).toEqual([422, 'public_version_missing']);

    const p = await uploadTo(t.app, token, id, 'pricing-redacted.pdf', redacted, { label: 'Exhibit C (public)', confidential: 'false', publicVersionOf: c.body.id });
    expect([p.status, p.body.publicVersionOf]).toEqual([201, c.body.id]);
    expect((await uploadTo(t.app, token, id, 'plain.pdf', plain)).status).toBe(201);

    const filed = await submit(id);
    expect(filed.status).toBe(200);
    const listed = (filed.body.receipt.payload.documents as Array<{ label: string; sha256: string; size: number; confidential: boolean }>)
      .map((d) => [d.label, d.sha256, d.size, d.confidential]).sort();
    expect(listed).toEqual([
      ['Exhibit 3', sha256(plain), plain.length, false],
      ['Exhibit C (confidential)', sha256(secret), secret.length, true],
      ['Exhibit C (public)', sha256(redacted), redacted.length, false],
    ].sort());
    const verified = await request(t.app).post('/api/v1/receipts/verify').send({ receipt: filed.body.receipt });
    expect(verified.body).toEqual({ valid: true });
  });

  it.each([
    ['a public version that is itself confidential', 422, 'invalid_public_version', { confidential: 'true' }],
    ['a public version of a non-confidential document', 422, 'invalid_public_version', { target: 'plain' }],
    ['a second public version', 409, 'public_version_exists', { second: true }],
  ])('when the form asks for %s, then %i %s and the file is not kept', async (_what, status, code, opts) => {
    const id = await draft();
    const conf = await uploadTo(t.app, token, id, 'c.pdf', pdf(`/Conf "${code}${status}"`), { confidential: 'true' });
    const plain = await uploadTo(t.app, token, id, 'p.pdf', pdf(`/Plain "${code}${status}"`));
    if ('second' in opts) await uploadTo(t.app, token, id, 'v1.pdf', pdf(`/V1 "${code}"`), { publicVersionOf: conf.body.id });
    const target = 'target' in opts ? plain.body.id : conf.body.id;
    const data = pdf(`/Refused "${code}${status}"`);
    const res = await uploadTo(t.app, token, id, 'v.pdf', data, { publicVersionOf: target, ...('confidential' in opts ? { confidential: opts.confidential } : {}) });
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    const hex = sha256(data);
    const rows = await t.deps.db.selectFrom('documents').select('id').where('sha256', '=', hex).execute();
    expect(rows).toEqual([]);
    expect(existsSync(`${uploads}/sha256/${hex.slice(0, 2)}/${hex}`)).toBe(false);
  });

  it('when a confidential document still has its public version, then deleting it is 409; deleting the public version first works', async () => {
    const id = await draft();
    const conf = await uploadTo(t.app, token, id, 'c.pdf', pdf('/DelConf 1'), { confidential: 'true' });
    const pub = await uploadTo(t.app, token, id, 'p.pdf', pdf('/DelPub 1'), { publicVersionOf: conf.body.id });
    const del = (docId: string) => auth(request(t.app).delete(`/api/v1/submissions/${id}/documents/${docId}`));
    const refused = await del(conf.body.id);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'public_version_attached']);
    expect((await del(pub.body.id)).status).toBe(204);
    expect((await del(conf.body.id)).status).toBe(204);
    expect((await del(conf.body.id)).status).toBe(404);
  });
});
