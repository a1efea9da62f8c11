import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildOrganization, buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { fileResponse, staffWithToken, type Filed } from '../helpers/filings';
import { signInBrowser } from '../helpers/session';
import { pdfText } from '../helpers/review-pdf-text';

/**
 * The response-to-arguments document of a proceeding (issue 9): every filed, not withdrawn,
 * response's numbered arguments with their latest findings, grouped by organization, for staff;
 * organizations the asker is recused from are left out and only counted.
 */
let t: TestApp;
let docket: string;
let reviewer: { id: string; token: string };
let zeta: Filed;
let alpha: Filed;
let alphaSecond: Filed;
let withdrawn: Filed;
beforeAll(async () => {
  t = await startTestApp();
  const p = await buildProceeding(t.deps);
  docket = p.docket;
  const vendorOf = async (legalName: string) => {
    const user = await buildUser(t.deps, { organizationId: await buildOrganization(t.deps, { legalName }) });
    return { user, token: await tokenFor(t.app, user) };
  };
  const [z, a, w] = [await vendorOf('Zeta Security GmbH'), await vendorOf('Alpha Antivirus Inc.'), await vendorOf('Withdrawn Widgets Ltd')];
  const proceeding = { id: p.id, docket: p.docket };
  zeta = await fileResponse(t, { proceeding, vendor: z, title: 'Zeta response', argument: '1. Zeta first point.\n2. Zeta second point.' });
  alpha = await fileResponse(t, { proceeding, vendor: a, title: 'Alpha response', argument: 'One unnumbered objection.' });
  alphaSecond = await fileResponse(t, { proceeding, vendor: a, title: 'Alpha again', argument: '1. Alpha again.' });
  withdrawn = await fileResponse(t, { proceeding, vendor: w, title: 'Withdrawn response' });
  await request(t.app).post(`/api/v1/submissions/${withdrawn.id}/withdraw`).set('Authorization', `Bearer ${w.token}`).send({ reason: 'Settled.' }).expect(200);
  const s = await staffWithToken(t, 'reviewer');
  reviewer = { id: s.user.id, token: s.token };
  await request(t.app).post(`/api/v1/submissions/${zeta.id}/findings`).set('Authorization', `Bearer ${reviewer.token}`)
    .send({ arguments: [{ number: 1, summary: 'No evidence.', ruling: 'not_persuasive', reasoning: 'The record shows otherwise.' }, { number: 2, summary: 'No notice.', ruling: 'persuasive', reasoning: 'Notice came late.' }] }).expect(201);
});
afterAll(async () => { await t.close(); });

const get = (token: string, query = '') => request(t.app).get(`/api/v1/proceedings/${docket}/response-to-arguments${query}`).set('Authorization', `Bearer ${token}`)
  .buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
const json = async (token: string) => {
  const res = await get(token);
  return { status: res.status, body: JSON.parse((res.body as Buffer).toString('utf8')) };
};

describe('the document', () => {
  it('when a reviewer asks, then filed responses are grouped by organization in legal-name order, with latest findings or the vendor\'s numbering, and withdrawn ones left out', async () => {
    const { status, body } = await json(reviewer.token);

    expect(status).toBe(200);
    expect(body).toMatchObject({ docket, omittedRecused: 0 });
    expect(body.organizations.map((o: { legalName: string }) => o.legalName)).toEqual(['Alpha Antivirus Inc.', 'Zeta Security GmbH']);
    const [a, z] = body.organizations;
    expect(a.responses.map((r: { id: string }) => r.id)).toEqual([alpha.id, alphaSecond.id]);
    expect(a.responses[0]).toMatchObject({ trackingNumber: alpha.trackingNumber, findingsVersion: null, arguments: [{ number: 1, summary: 'One unnumbered objection.', ruling: null, reasoning: null }] });
    expect(z.responses[0]).toMatchObject({ id: zeta.id, findingsVersion: 1, arguments: [
      { number: 1, summary: 'No evidence.', ruling: 'not_persuasive', reasoning: 'The record shows otherwise.' },
      { number: 2, summary: 'No notice.', ruling: 'persuasive', reasoning: 'Notice came late.' },
    ] });
    expect(JSON.stringify(body)).not.toContain(withdrawn.id);
  });

  it('when it is asked as a PDF, then a well-formed PDF names each organization and ruling, and not the withdrawn one', async () => {
    const res = await get(reviewer.token, '?format=pdf');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
    const text = pdfText(pdf);
    expect(text).toContain('Alpha Antivirus Inc.');
    expect(text).toContain('Zeta Security GmbH');
    expect(text).toContain('Not persuasive');
    expect(text.indexOf('Alpha Antivirus Inc.')).toBeLessThan(text.indexOf('Zeta Security GmbH'));
    expect(text).not.toContain('Withdrawn Widgets');
  });

  it('when a supervisor recused from one organization asks, then its responses are left out and only counted, in JSON and PDF', async () => {
    const recused = await staffWithToken(t, 'supervisor');
    await t.deps.db.insertInto('conflicts').values({ user_id: recused.user.id, organization_id: alpha.organizationId, kind: 'competitor', statement: 'Former employer.' }).execute();

    const { body } = await json(recused.token);
    const text = pdfText((await get(recused.token, '?format=pdf')).body as Buffer);

    expect(body.organizations.map((o: { legalName: string }) => o.legalName)).toEqual(['Zeta Security GmbH']);
    expect(body.omittedRecused).toBe(2);
    expect(JSON.stringify(body)).not.toContain('Alpha');
    expect(text).toContain('2 responses omitted: you are recused.');
    expect(text).not.toContain('Alpha');
  });

  it('when a vendor or an administrator asks, then 403 audited; an unknown docket is 404; an unknown format 400', async () => {
    const admin = await staffWithToken(t, 'admin');
    expect((await get(zeta.vendorToken)).status).toBe(403);
    expect((await get(admin.token)).status).toBe(403);
    const denied = await t.deps.db.selectFrom('audit_events').select('subject_id').where('action', '=', 'access.denied').where('actor_id', 'in', [zeta.vendor.id, admin.user.id]).execute();
    expect(denied.map((d) => d.subject_id)).toEqual(['GET /api/v1/proceedings/:docket/response-to-arguments', 'GET /api/v1/proceedings/:docket/response-to-arguments']);
    const unknown = await request(t.app).get('/api/v1/proceedings/NO-SUCH-DOCKET/response-to-arguments').set('Authorization', `Bearer ${reviewer.token}`);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    const format = await request(t.app).get(`/api/v1/proceedings/${docket}/response-to-arguments?format=docx`).set('Authorization', `Bearer ${reviewer.token}`);
    expect([format.status, format.body.error.code]).toEqual([400, 'invalid_format']);
  });

  it('when legal opens the page, then it shows the organizations and rulings with a PDF link; a vendor gets 403', async () => {
    const { agent } = await signInBrowser(t.app, await buildUser(t.deps, { role: 'legal' }));
    const page = await agent.get(`/proceedings/${docket}/response-to-arguments`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Alpha Antivirus Inc.');
    expect(page.text).toContain('Not persuasive');
    expect(page.text).toContain(`/api/v1/proceedings/${docket}/response-to-arguments?format=pdf`);
    const vendorPage = await (await signInBrowser(t.app, zeta.vendor)).agent.get(`/proceedings/${docket}/response-to-arguments`);
    expect(vendorPage.status).toBe(403);
  });
});
