import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { fileResponse, staffWithToken } from '../helpers/filings';
import { signInBrowser } from '../helpers/session';
import { buildUser } from '../helpers/factories';
import { WORDS, bearer, getDisposition, putDisposition, startReview, step } from '../helpers/dispositions';

/**
 * Nothing reaches the vendor without an explicit release (issue 9): the preview shows exactly what
 * the vendor will see, and only the Issue / Send step makes it visible or sends the e-mail.
 */
let t: TestApp;
let reviewer: Awaited<ReturnType<typeof staffWithToken>>;
let supA: string;
let supB: string;
// A page session of its own: a TOTP code is accepted once, so one user cannot sign in twice in the same 30 s.
let staff: Awaited<ReturnType<typeof signInBrowser>>;
beforeAll(async () => {
  t = await startTestApp();
  reviewer = await staffWithToken(t, 'reviewer');
  staff = await signInBrowser(t.app, await buildUser(t.deps, { role: 'reviewer' }));
  supA = (await staffWithToken(t, 'supervisor')).token;
  supB = (await staffWithToken(t, 'supervisor')).token;
});
afterAll(async () => { await t.close(); });

const DAY = 86_400_000;
const vendorView = (id: string, token: string) => bearer(request(t.app).get(`/api/v1/submissions/${id}`), token);
const mailTo = (email: string, like: string) => t.deps.db.selectFrom('outbox').select(['to_address', 'subject', 'text_body'])
  .where('to_address', '=', email).where('subject', 'like', like).execute();

describe('disposition release', () => {
  it('when the preview is read and the disposition then issued, then the outbox mail is exactly the previewed e-mail and the vendor page shows the previewed words', async () => {
    const f = await fileResponse(t);
    await startReview(t, f.id);
    await putDisposition(t, reviewer.token, f.id);
    await step(t, supA, f.id, 'approve');
    const preview = await getDisposition(t, supA, f.id, '/preview');
    expect(preview.status).toBe(200);
    expect(preview.body.email).toMatchObject({ to: f.vendor.email, subject: `Disposition of your response ${f.trackingNumber}` });
    expect(preview.body.page).toMatchObject({ outcomeLabel: 'Not sustained', rationale: WORDS.rationale });
    expect(preview.body.page.html).toContain('Not sustained');
    expect(await mailTo(f.vendor.email, '%isposition%')).toEqual([]);

    expect((await step(t, supA, f.id, 'issue')).status).toBe(200);

    const [sent] = await mailTo(f.vendor.email, '%isposition%');
    expect(sent).toEqual({ to_address: preview.body.email.to, subject: preview.body.email.subject, text_body: preview.body.email.text });
    const vendor = await signInBrowser(t.app, f.vendor);
    const page = await vendor.agent.get(`/submissions/${f.id}`);
    expect(page.status).toBe(200);
    const section = /<section class="usa-summary-box margin-bottom-3" aria-labelledby="disposition-heading">[\s\S]*?<\/section>/;
    expect(section.exec(page.text)?.[0]).toBe(section.exec(preview.body.page.html)?.[0]);
    expect(page.text).toContain(`<strong>Issued:</strong> ${preview.body.page.issued}`);
  });

  it('when a disposition is drafted or approved, then the vendor sees none of it (API, page, e-mail); once issued the API shows it without draft or approval data', async () => {
    const f = await fileResponse(t);
    await startReview(t, f.id);
    const secret = 'Internal wording not yet released 7c1f.';
    await putDisposition(t, reviewer.token, f.id, { outcome: 'sustained', rationale: secret });
    const vendor = await signInBrowser(t.app, f.vendor);
    const check = async () => {
      const api = await vendorView(f.id, f.vendorToken);
      expect(api.status).toBe(200);
      expect(api.body.disposition).toBeNull();
      expect(JSON.stringify(api.body)).not.toContain(secret);
      expect((await vendor.agent.get(`/submissions/${f.id}`)).text).not.toContain(secret);
    };
    await check();
    await step(t, supA, f.id, 'approve');
    await check();
    expect(await mailTo(f.vendor.email, '%isposition%')).toEqual([]);

    await step(t, supB, f.id, 'issue');
    const api = await vendorView(f.id, f.vendorToken);
    expect(api.body.status).toBe('decided');
    expect(api.body.disposition).toEqual({ id: expect.any(String), outcome: 'sustained', outcomeLabel: 'Sustained', rationale: secret, issuedAt: expect.any(String), supersedesId: null, supersedeReason: null });
    const page = (await vendor.agent.get(`/submissions/${f.id}`)).text;
    expect(page).toContain('Sustained');
    expect(page).toContain(secret);
  });

  it('when there is nothing pending, then the preview is 422 nothing_to_preview', async () => {
    const f = await fileResponse(t);
    const res = await getDisposition(t, supA, f.id, '/preview');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('nothing_to_preview');
  });
});

describe('the staff disposition page', () => {
  it('when the page form was made from a stale version, then 409 version_conflict in the page with the typed words kept, and nothing changes', async () => {
    const f = await fileResponse(t);
    await startReview(t, f.id);
    await putDisposition(t, reviewer.token, f.id);
    await putDisposition(t, supA, f.id, { ...WORDS, outcome: 'sustained' }, 1);
    const res = await staff.agent.post(`/review/submissions/${f.id}/disposition`).type('form')
      .send({ _csrf: staff.csrf, version: '1', outcome: 'withdrawn', rationale: 'My stale wording.' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('<code>version_conflict</code>');
    expect(res.text).toContain('My stale wording.');
    expect(res.text).toContain('name="version" value="1"');
    const [d] = await t.deps.db.selectFrom('dispositions').select(['outcome', 'version']).where('submission_id', '=', f.id).execute();
    expect(d).toEqual({ outcome: 'sustained', version: 2 });
  });

  it('when the vendor opens the staff disposition page of its own submission, then 404 and the refusal is audited', async () => {
    const f = await fileResponse(t);
    await putDisposition(t, reviewer.token, f.id);
    const vendor = await signInBrowser(t.app, f.vendor);
    const res = await vendor.agent.get(`/review/submissions/${f.id}/disposition`);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(WORDS.rationale);
    const denied = await t.deps.db.selectFrom('audit_events').select('data').where('actor_id', '=', f.vendor.id).where('action', '=', 'access.denied').execute();
    expect(denied).toEqual([expect.objectContaining({ data: expect.objectContaining({ decision: 'disposition.draft' }) })]);
  });
});

describe('information request release', () => {
  it('when staff compose and preview, then nothing is written; Send with the hidden fields sends exactly the previewed request and e-mail', async () => {
    const f = await fileResponse(t);
    const base = `/review/submissions/${f.id}/information-requests`;
    const compose = await staff.agent.get(`${base}/new`);
    expect(compose.status).toBe(200);
    const day = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10);
    const question = 'Which contracts cover the products in Exhibit A?\nList them by number.';
    const preview = await staff.agent.post(`${base}/preview`).type('form').send({ _csrf: staff.csrf, question, dueDate: day });
    expect(preview.status).toBe(200);
    expect(await t.deps.db.selectFrom('information_requests').select('id').where('submission_id', '=', f.id).execute()).toEqual([]);
    expect(await mailTo(f.vendor.email, 'Information request%')).toEqual([]);
    const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(preview.text)?.[1];
    const dueAt = hidden('dueAt')!;
    expect(dueAt).toBe(`${day}T23:59:00.000Z`);
    const previewMail = /<pre class="vrp-pre" data-mail-text>([\s\S]*?)<\/pre>/.exec(preview.text)![1]!;

    const sent = await staff.agent.post(base).type('form').send({ _csrf: staff.csrf, question: hidden('question')!.replace(/&#10;|\n/g, '\n'), dueAt });
    expect(sent.status).toBe(303);
    const [mail] = await mailTo(f.vendor.email, 'Information request%');
    expect(mail!.text_body).toBe(previewMail.replace(/&#39;/g, '\''));
    const vendor = await signInBrowser(t.app, f.vendor);
    const page = await vendor.agent.get(`/submissions/${f.id}`);
    expect(page.text).toContain('Which contracts cover the products in Exhibit A?');
  });

  it('when a vendor opens the compose page of its own submission, then 404; a preview with a past due date is refused in the form (422)', async () => {
    const f = await fileResponse(t);
    const vendor = await signInBrowser(t.app, f.vendor);
    expect((await vendor.agent.get(`/review/submissions/${f.id}/information-requests/new`)).status).toBe(404);
    const res = await staff.agent.post(`/review/submissions/${f.id}/information-requests/preview`).type('form')
      .send({ _csrf: staff.csrf, question: 'Anything?', dueDate: '2020-01-01' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('invalid_due_date');
  });

  it('when a request is past due and unanswered, then its JSON says overdue: true; an open one says false', async () => {
    const f = await fileResponse(t);
    const ask = (dueAt: string) => bearer(request(t.app).post(`/api/v1/submissions/${f.id}/information-requests`), reviewer.token).send({ question: 'Q?', dueAt });
    const late = await ask(new Date(Date.now() + DAY).toISOString());
    expect(late.body.overdue).toBe(false);
    await ask(new Date(Date.now() + 2 * DAY).toISOString());
    // Time passes for the first request: its due date moves into the past.
    await t.deps.db.updateTable('information_requests').set({ due_at: new Date(Date.now() - 1000) }).where('id', '=', late.body.id).execute();
    const list = await bearer(request(t.app).get(`/api/v1/submissions/${f.id}/information-requests`), f.vendorToken);
    expect(list.body.items.map((r: { id: string; overdue: boolean; status: string }) => [r.id === late.body.id, r.overdue, r.status]))
      .toEqual([[true, true, 'expired'], [false, false, 'open']]);
  });
});
