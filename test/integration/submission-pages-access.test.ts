// Access rules, the no-JavaScript evidence form and receipt verification, as pages.
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { createViaPage, fileViaPages, vendorSession } from '../helpers/pages';
import { buildProceeding, buildUser } from '../helpers/factories';
import { csrfFrom, signInBrowser } from '../helpers/session';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });


const SMALL_PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

describe('access', () => {
  it('when a vendor opens another organization\'s receipt or submission, then 404 and the denial is audited', async () => {
    const owner = await vendorSession(t);
    const intruder = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(owner, p.docket);
    await fileViaPages(owner, id, 'Owner');

    expect((await intruder.agent.get(`/submissions/${id}/receipt`)).status).toBe(404);
    expect((await intruder.agent.get(`/submissions/${id}`)).status).toBe(404);
    const denials = await t.deps.db.selectFrom('audit_events').select('subject_id')
      .where('action', '=', 'access.denied').where('subject_id', '=', id).where('actor_id', '=', intruder.user.id).execute();
    expect(denials).toHaveLength(2);
    const list = await intruder.agent.get('/submissions');
    expect(list.text).not.toContain(id);
  });

  it('when nobody is signed in, then the dashboard redirects to sign-in', async () => {
    const anonymous = await request(t.app).get('/submissions');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers['location']).toBe('/sign-in?next=%2Fsubmissions');
  });

  it('when legal staff look, then every organization\'s filed submissions are listed and read-only; drafts are neither listed nor opened (404, audited)', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const filed = await createViaPage(s, p.docket, { title: 'Filed, visible to staff' });
    expect((await fileViaPages(s, filed)).status).toBe(303);
    const draft = await createViaPage(s, p.docket, { title: 'Draft, private to the vendor' });
    const legal = await buildUser(t.deps, { role: 'legal' });
    const staff = await signInBrowser(t.app, legal);
    const list = await staff.agent.get('/submissions');
    expect(list.text).toContain('Filed, visible to staff');
    expect(list.text).not.toContain('Draft, private to the vendor');
    expect(list.text).not.toContain(draft);
    const view = await staff.agent.get(`/submissions/${filed}`);
    expect(view.status).toBe(200);
    expect(view.text).not.toContain('Save draft');
    expect(view.text).not.toContain('name="reason"');
    expect((await staff.agent.get(`/submissions/${filed}/review`)).status).toBe(303);
    expect((await staff.agent.get(`/submissions/${draft}`)).status).toBe(404);
    const denials = await t.deps.db.selectFrom('audit_events').select('seq')
      .where('action', '=', 'access.denied').where('subject_id', '=', draft).where('actor_id', '=', legal.id).execute();
    expect(denials).toHaveLength(1);
  });
});

describe('evidence without JavaScript', () => {
  it('when a PDF is posted by the plain form, then it is listed with its hash; removing it takes it off', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(s, p.docket);
    const res = await s.agent.post(`/submissions/${id}/documents?_csrf=${encodeURIComponent(s.csrf)}`)
      .field('label', '').field('description', 'The contract').attach('file', SMALL_PDF, { filename: '<script>exhibit.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(303);
    expect(res.headers['location']).toBe(`/submissions/${id}?uploaded=1`);
    const doc = await t.deps.db.selectFrom('documents').select(['id', 'label', 'sha256']).where('submission_id', '=', id).executeTakeFirstOrThrow();
    const editor = await s.agent.get(res.headers['location']!);
    expect(editor.text).toContain('Document uploaded.');
    expect(editor.text).toContain(`<code class="vrp-hash">${doc.sha256}</code>`);
    expect(editor.text).toContain('&lt;script&gt;exhibit.pdf');

    const removed = await s.agent.post(`/submissions/${id}/documents/${doc.id}/delete`).type('form').send({ _csrf: s.csrf });
    expect(removed.status).toBe(303);
    expect(await t.deps.db.selectFrom('documents').select('id').where('submission_id', '=', id).execute()).toEqual([]);
  });

  it('when the file is not what its name says, then the editor shows the 415 with its code', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(s, p.docket);
    const res = await s.agent.post(`/submissions/${id}/documents?_csrf=${encodeURIComponent(s.csrf)}`)
      .field('label', 'Exhibit X').attach('file', Buffer.from('MZ\x90\x00 not a pdf', 'latin1'), { filename: 'exhibit.pdf' });
    expect(res.status).toBe(415);
    expect(res.text).toContain('There is a problem');
    expect(res.text).toContain('value="Exhibit X"');
  });
});

describe('receipt verification page', () => {
  it('when a receipt is pasted, then valid, altered and malformed receipts each get a clear answer', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps);
    const id = await createViaPage(s, p.docket);
    await fileViaPages(s, id);
    const receipt = (await s.agent.get(`/api/v1/submissions/${id}/receipt`)).body as { payload: Record<string, unknown> };

    const visitor = request.agent(t.app);
    const page = await visitor.get('/receipts/verify');
    expect(page.status).toBe(200);
    const csrf = csrfFrom(page.text);
    const verify = (text: string) => visitor.post('/receipts/verify').type('form').send({ _csrf: csrf, receipt: text });

    const valid = await verify(JSON.stringify(receipt, null, 2));
    expect(valid.status).toBe(200);
    expect(valid.text).toContain('Valid: signed by this portal');
    expect(valid.text).toContain(`${p.docket}-000001`);

    const altered = await verify(JSON.stringify({ ...receipt, payload: { ...receipt.payload, submittedAt: '2017-11-03T12:00:00.000Z' } }));
    expect(altered.text).toContain('Not valid: signature does not match the contents');
    expect(altered.text).toContain('usa-alert--error');

    const malformed = await verify('{"payload": ');
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('malformed_json');
    expect((await verify('[1, 2]')).text).toContain('not_a_receipt');
  });
});
