import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { createViaPage, fileViaPages, hiddenValue, vendorSession } from '../helpers/pages';

/**
 * Information requests (PRODUCT.md): staff ask about a filed response; while a request is open the
 * vendor may answer it with a reply and file supplements, even after the response window closed.
 */
let t: TestApp;
let vendor: TestUser;
let token: string;
let reviewerToken: string;
let supervisorToken: string;
let adminToken: string;
let otherToken: string;
beforeAll(async () => {
  t = await startTestApp();
  vendor = await buildUser(t.deps);
  token = await tokenFor(t.app, vendor);
  reviewerToken = await tokenFor(t.app, await buildUser(t.deps, { role: 'reviewer' }));
  supervisorToken = await tokenFor(t.app, await buildUser(t.deps, { role: 'supervisor' }));
  adminToken = await tokenFor(t.app, await buildUser(t.deps, { role: 'admin' }));
  otherToken = await tokenFor(t.app, await buildUser(t.deps));
});
afterAll(async () => { await t.close(); });

const DAY = 86_400_000;
const certification = { certification: { accepted: true, signature: 'Jane Q. Filer' } };
const as = (r: request.Test, bearer: string) => r.set('Authorization', `Bearer ${bearer}`);

async function draft(docket: string, body: object = {}) {
  return as(request(t.app).post(`/api/v1/proceedings/${docket}/submissions`), token)
    .send({ title: 'Response of Acme', argument: '1. The directive rests on no evidence about our products.', ...body });
}
const submit = (id: string) => as(request(t.app).post(`/api/v1/submissions/${id}/submit`), token).send(certification);
const ask = (id: string, body: object, bearer = reviewerToken) =>
  as(request(t.app).post(`/api/v1/submissions/${id}/information-requests`), bearer).send(body);

/** A response filed while the window was open, whose window has since closed. */
async function filedThenClosed() {
  const p = await buildProceeding(t.deps);
  const response = (await draft(p.docket)).body.id as string;
  expect((await submit(response)).status).toBe(200);
  await t.deps.db.updateTable('proceedings').set({ closes_at: new Date(Date.now() - 1000) }).where('id', '=', p.id).execute();
  return { p, response };
}

describe('asking', () => {
  it('when a reviewer asks about a filed response, then 201, the request is audited and e-mailed to the filer in the same transaction', async () => {
    const { response } = await filedThenClosed();
    const dueAt = new Date(Date.now() + 7 * DAY).toISOString();

    const res = await ask(response, { question: 'Which contracts cover the products listed in Exhibit A?', dueAt });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ submissionId: response, question: 'Which contracts cover the products listed in Exhibit A?', dueAt, status: 'open', answeredBy: null });
    const audit = await t.deps.db.selectFrom('audit_events').select(['data']).where('action', '=', 'information_request.created').where('subject_id', '=', response).execute();
    expect(audit).toEqual([{ data: expect.objectContaining({ requestId: res.body.id, dueAt }) }]);
    const mail = await t.deps.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', vendor.email)
      .where('subject', 'like', 'Information request%').execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text_body).toContain('Which contracts cover the products listed in Exhibit A?');
    expect(mail[0]!.text_body).toContain(`/submissions/${response}`);
  });

  it('when a vendor, an administrator or a signed-out caller asks, then 403 / 401 and no request exists', async () => {
    const { response } = await filedThenClosed();
    const body = { question: 'Anything?', dueAt: new Date(Date.now() + DAY).toISOString() };

    expect((await ask(response, body, token)).status).toBe(403);
    expect((await ask(response, body, adminToken)).status).toBe(403);
    expect((await request(t.app).post(`/api/v1/submissions/${response}/information-requests`).send(body)).status).toBe(401);
    const rows = await t.deps.db.selectFrom('information_requests').select('id').where('submission_id', '=', response).execute();
    expect(rows).toEqual([]);
  });

  it('when the target is a draft, a withdrawn response, the due date has passed, or a field is unknown, then a clear 4xx and nothing is written', async () => {
    const p = await buildProceeding(t.deps);
    const draftId = (await draft(p.docket)).body.id as string;
    const { response } = await filedThenClosed();
    const { response: withdrawn } = await filedThenClosed();
    await as(request(t.app).post(`/api/v1/submissions/${withdrawn}/withdraw`), token).send({ reason: 'Settled.' }).expect(200);

    // A draft is the vendor's own until filed: staff are refused as if it did not exist, and it is audited.
    const onDraft = await ask(draftId, { question: 'Q?', dueAt: new Date(Date.now() + DAY).toISOString() }, supervisorToken);
    expect([onDraft.status, onDraft.body.error.code]).toEqual([404, 'not_found']);
    const denied = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'access.denied').where('subject_id', '=', draftId).execute();
    expect(denied).toHaveLength(1);
    const onWithdrawn = await ask(withdrawn, { question: 'Q?', dueAt: new Date(Date.now() + DAY).toISOString() }, supervisorToken);
    expect([onWithdrawn.status, onWithdrawn.body.error.code]).toEqual([422, 'not_a_filed_response']);
    const past = await ask(response, { question: 'Q?', dueAt: new Date(Date.now() - DAY).toISOString() });
    expect(past.status).toBe(422);
    expect(past.body.error.code).toBe('invalid_due_date');
    const extra = await ask(response, { question: 'Q?', dueAt: new Date(Date.now() + DAY).toISOString(), status: 'answered' });
    expect(extra.status).toBe(400);
    const noOffset = await ask(response, { question: 'Q?', dueAt: '2099-01-01T00:00:00' });
    expect(noOffset.status).toBe(400);
    const rows = await t.deps.db.selectFrom('information_requests').select('id').where('submission_id', 'in', [draftId, response, withdrawn]).execute();
    expect(rows).toEqual([]);
  });

  it('when another organization lists the requests on a response, then 404 and the denial is audited', async () => {
    const { response } = await filedThenClosed();
    await ask(response, { question: 'Q?', dueAt: new Date(Date.now() + DAY).toISOString() });

    const res = await as(request(t.app).get(`/api/v1/submissions/${response}/information-requests`), otherToken);

    expect(res.status).toBe(404);
    const denied = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'access.denied').where('subject_id', '=', response).execute();
    expect(denied.length).toBeGreaterThan(0);
    const own = await as(request(t.app).get(`/api/v1/submissions/${response}/information-requests`), token);
    expect(own.body.items).toHaveLength(1);
  });
});

describe('answering after the window closed', () => {
  it('when no request is open, then neither a supplement nor a reply can be started (422)', async () => {
    const { p, response } = await filedThenClosed();

    const supplement = await draft(p.docket, { kind: 'supplement', parentId: response, title: 'More' });
    expect(supplement.status).toBe(422);
    expect(supplement.body.error.code).toBe('window_closed');
    const reply = await draft(p.docket, { kind: 'reply_to_request', parentId: response, title: 'Reply' });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('no_information_request');
  });

  it('when a request is open, then a supplement and a reply are filed on time, and the reply answers the request', async () => {
    const { p, response } = await filedThenClosed();
    const asked = await ask(response, { question: 'Which contracts?', dueAt: new Date(Date.now() + 3 * DAY).toISOString() });

    const supplement = await draft(p.docket, { kind: 'supplement', parentId: response, title: 'Exhibit list' });
    expect(supplement.status).toBe(201);
    const filedSupplement = await submit(supplement.body.id);
    expect(filedSupplement.status).toBe(200);
    expect(filedSupplement.body).toMatchObject({ trackingNumber: `${p.docket}-000002`, late: false });

    const reply = await draft(p.docket, { kind: 'reply_to_request', parentId: response, title: 'Reply: contracts' });
    expect(reply.status).toBe(201);
    const filedReply = await submit(reply.body.id);
    expect(filedReply.status).toBe(200);
    expect(filedReply.body.trackingNumber).toBe(`${p.docket}-000003`);
    expect(filedReply.body.receipt.payload).toMatchObject({ kind: 'reply_to_request', parentTrackingNumber: `${p.docket}-000001` });

    const list = await as(request(t.app).get(`/api/v1/submissions/${response}/information-requests`), token);
    expect(list.body.items).toEqual([expect.objectContaining({ id: asked.body.id, status: 'answered', answeredBy: reply.body.id })]);
    const answered = await t.deps.db.selectFrom('audit_events').select('data').where('action', '=', 'information_request.answered').where('subject_id', '=', response).execute();
    expect(answered).toEqual([{ data: { requestId: asked.body.id, replyId: reply.body.id } }]);
  });

  it('when the only request was answered or fell due before filing, then the draft is refused at filing (422) and stays a draft', async () => {
    const { p, response } = await filedThenClosed();
    await ask(response, { question: 'Q1?', dueAt: new Date(Date.now() + DAY).toISOString() });
    const first = await draft(p.docket, { kind: 'reply_to_request', parentId: response, title: 'Reply 1' });
    const second = await draft(p.docket, { kind: 'reply_to_request', parentId: response, title: 'Reply 2' });
    const supplement = await draft(p.docket, { kind: 'supplement', parentId: response, title: 'Supplement' });
    expect((await submit(first.body.id)).status).toBe(200);

    const late = await submit(second.body.id);
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('no_information_request');
    const refused = await submit(supplement.body.id);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('window_closed');
    const rows = await t.deps.db.selectFrom('submissions').select(['status', 'tracking_number']).where('id', 'in', [second.body.id, supplement.body.id]).execute();
    expect(rows).toEqual([{ status: 'draft', tracking_number: null }, { status: 'draft', tracking_number: null }]);
  });

  it('when a request falls due unanswered, then it shows as expired and no reply can be started', async () => {
    const { p, response } = await filedThenClosed();
    const asked = await ask(response, { question: 'Q?', dueAt: new Date(Date.now() + DAY).toISOString() });
    await t.deps.db.updateTable('information_requests').set({ due_at: new Date(Date.now() - 1000) }).where('id', '=', asked.body.id).execute();

    const list = await as(request(t.app).get(`/api/v1/submissions/${response}/information-requests`), reviewerToken);
    expect(list.body.items[0].status).toBe('expired');
    expect((await draft(p.docket, { kind: 'reply_to_request', parentId: response, title: 'Too late' })).body.error.code).toBe('no_information_request');
  });
});

describe('pages', () => {
  it('when a request is open, then the response page shows the question and due date, and its button leads to a reply filed through the pages', async () => {
    const s = await vendorSession(t);
    const p = await buildProceeding(t.deps, { responseSchema: null });
    const response = await createViaPage(s, p.docket, { 'fields.affectedProducts': 'Product A', 'fields.affectedContracts': '', 'fields.requestedRelief': 'Withdraw the directive.' });
    expect((await fileViaPages(s, response)).status).toBe(303);
    await t.deps.db.updateTable('proceedings').set({ closes_at: new Date(Date.now() - 1000) }).where('id', '=', p.id).execute();
    const before = await s.agent.get(`/submissions/${response}`);
    expect(before.text).not.toContain('File a supplement');
    await ask(response, { question: 'Name the <agencies> using the product.', dueAt: new Date(Date.now() + 2 * DAY).toISOString() });

    const view = await s.agent.get(`/submissions/${response}`);
    expect(view.text).toContain('Information requests from the agency');
    expect(view.text).toContain('Name the &lt;agencies&gt; using the product.');
    expect(view.text).toContain('File a supplement');
    const link = /href="([^"]*replyTo=[^"]*)"/.exec(view.text)![1]!;
    const form = await s.agent.get(link);
    expect(form.status).toBe(200);
    expect(form.text).toContain('New reply to an information request');
    expect(hiddenValue(form.text, 'kind')).toBe('reply_to_request');

    const reply = await createViaPage(s, p.docket, { parentId: response, kind: 'reply_to_request', title: 'Reply: agencies' });
    const filed = await fileViaPages(s, reply);
    expect(filed.status).toBe(303);
    const row = await t.deps.db.selectFrom('submissions').select(['kind', 'status', 'parent_id']).where('id', '=', reply).executeTakeFirstOrThrow();
    expect(row).toEqual({ kind: 'reply_to_request', status: 'submitted', parent_id: response });
    const after = await s.agent.get(`/submissions/${response}`);
    expect(after.text).toContain('Answered');
    expect(after.text).not.toContain('Answer the information request');
  });
});
