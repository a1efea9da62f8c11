import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { fileResponse, staffWithToken, type Filed } from '../helpers/filings';
import { recordAuditNow } from '../../server/audit/audit.service';

/**
 * The staff review page of one submission (/review/submissions/:id) and the sandboxed document
 * preview. Notes, findings, assignments and dispositions are written as rows here: their own
 * APIs are built on other branches of issue 9 and do not exist on this one yet.
 */
let t: TestApp;
let reviewer: { user: TestUser; token: string };
let supervisor: { user: TestUser; token: string };
let legal: { user: TestUser; token: string };
let admin: { user: TestUser; token: string };
beforeAll(async () => {
  t = await startTestApp();
  [reviewer, supervisor, legal, admin] = await Promise.all([
    staffWithToken(t, 'reviewer'), staffWithToken(t, 'supervisor'), staffWithToken(t, 'legal'), staffWithToken(t, 'admin'),
  ]);
});
afterAll(async () => { await t.close(); });

const DAY = 86_400_000;
const NOTE_TEXT = 'Internal: the vendor counsel is a former colleague of the program office (note 7f3a).';
const as = (path: string, token: string) => request(t.app).get(path).set('Authorization', `Bearer ${token}`);
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');

/** A response filed through the API with structured fields and two documents (a PDF and, unless told, a PNG). */
async function fileWithFieldsAndDocuments(secondType = 'image/png') {
  const proceeding = await buildProceeding(t.deps, { responseSchema: null });
  const vendor = await buildUser(t.deps);
  const token = await tokenFor(t.app, vendor);
  const auth = { Authorization: `Bearer ${token}` };
  const draft = await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set(auth).send({
    title: 'Response of Fieldwork Inc', argument: '1. The notice names no product of ours.',
    fields: { affectedProducts: ['Fieldwork Endpoint 9'], requestedRelief: 'Remove Fieldwork from the directive.' },
  });
  expect(draft.status).toBe(201);
  const pdfId = await buildDocumentRow(t.deps, draft.body.id, vendor.id, { label: 'Exhibit A' });
  const pngId = await buildDocumentRow(t.deps, draft.body.id, vendor.id, { label: 'Exhibit B', data: PNG });
  await t.deps.db.updateTable('documents').set({ media_type: secondType, original_name: 'photo.png' }).where('id', '=', pngId).execute();
  const filed = await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set(auth)
    .send({ certification: { accepted: true, signature: 'Jane Q. Filer' } });
  expect(filed.status).toBe(200);
  return { id: draft.body.id as string, organizationId: vendor.organizationId!, vendor, token, pdfId, pngId, trackingNumber: filed.body.trackingNumber as string };
}

/** Review rows as the other areas' use cases will write them (their APIs are not on this branch). */
async function addReviewRows(f: Filed) {
  const db = t.deps.db;
  await db.insertInto('notes').values({ submission_id: f.id, author_id: reviewer.user.id, body: NOTE_TEXT }).execute();
  await db.insertInto('findings').values([
    { submission_id: f.id, version: 1, created_by: reviewer.user.id, arguments: JSON.stringify([{ number: 1, summary: 'Old summary v1', ruling: 'moot', reasoning: 'First pass.' }]) },
    { submission_id: f.id, version: 2, created_by: reviewer.user.id, arguments: JSON.stringify([{ number: 1, summary: 'No evidence about the products', ruling: 'partially_persuasive', reasoning: 'The notice cites a report.' }]) },
  ]).execute();
  await db.insertInto('assignments').values([
    { submission_id: f.id, reviewer_id: reviewer.user.id, assigned_by: supervisor.user.id, due_at: new Date(Date.now() - DAY) },
    { submission_id: f.id, reviewer_id: legal.user.id, assigned_by: supervisor.user.id, due_at: new Date(Date.now() + DAY), ended_at: new Date(), ended_by: supervisor.user.id },
  ]).execute();
  const now = new Date();
  await db.insertInto('dispositions').values([
    { submission_id: f.id, outcome: 'not_sustained', rationale: 'Issued rationale text.', status: 'issued', drafted_by: reviewer.user.id,
      approved_by: supervisor.user.id, approved_at: now, issued_by: supervisor.user.id, issued_at: now },
    { submission_id: f.id, outcome: 'sustained', rationale: 'Pending rationale text.', status: 'draft', drafted_by: reviewer.user.id },
  ]).execute();
}

describe('what the page shows', () => {
  it('when a reviewer opens a filed response, then the argument, structured fields, documents with download and preview, and every review record are on it', async () => {
    const f = await fileWithFieldsAndDocuments();
    await addReviewRows({ ...f, docket: '', proceedingId: '', vendorToken: f.token });
    const ask = await request(t.app).post(`/api/v1/submissions/${f.id}/information-requests`).set('Authorization', `Bearer ${reviewer.token}`)
      .send({ question: 'Which contracts cover Fieldwork Endpoint 9?', dueAt: new Date(Date.now() + 7 * DAY).toISOString() });
    expect(ask.status).toBe(201);

    const res = await as(`/review/submissions/${f.id}`, reviewer.token);

    expect(res.status).toBe(200);
    expect(res.text).toContain('The notice names no product of ours.');
    expect(res.text).toContain('Response details');
    expect(res.text).toContain('Fieldwork Endpoint 9');
    expect(res.text).toContain(`href="/api/v1/documents/${f.pdfId}/content"`);
    // The PDF frame carries no sandbox attribute (Chromium's PDF viewer will not start in one); the preview response sandboxes itself.
    expect(res.text).toMatch(new RegExp(`<iframe class="vrp-preview__frame" src="/review/documents/${f.pdfId}/preview"`));
    expect(res.text).not.toMatch(/<iframe[^>]* sandbox/);
    expect(res.text).toMatch(new RegExp(`<img[^>]* src="/review/documents/${f.pngId}/preview"`));
    expect(res.text).toContain('Which contracts cover Fieldwork Endpoint 9?');
    expect(res.text).toContain(NOTE_TEXT);
    expect(res.text).toContain('No evidence about the products');
    expect(res.text).toContain('Partially persuasive');
    expect(res.text).not.toContain('Old summary v1');
    expect(res.text).toMatch(/Overdue/);
    expect(res.text).toContain(reviewer.user.name);
    expect(res.text).toContain('Issued: Not sustained');
    expect(res.text).toContain('In preparation: Sustained');
  });

  it('when a response has a supplement and a reply filed, then they are listed in filing order with links to their own review pages', async () => {
    const f = await fileResponse(t);
    const auth = { Authorization: `Bearer ${f.vendorToken}` };
    const children: string[] = [];
    for (const kind of ['supplement', 'reply_to_request']) {
      if (kind === 'reply_to_request') {
        expect((await request(t.app).post(`/api/v1/submissions/${f.id}/information-requests`).set('Authorization', `Bearer ${reviewer.token}`)
          .send({ question: 'Which agencies use it?', dueAt: new Date(Date.now() + 7 * DAY).toISOString() })).status).toBe(201);
      }
      const d = await request(t.app).post(`/api/v1/proceedings/${f.docket}/submissions`).set(auth).send({ kind, parentId: f.id, title: `A ${kind}`, argument: 'More.' });
      expect(d.status).toBe(201);
      expect((await request(t.app).post(`/api/v1/submissions/${d.body.id}/submit`).set(auth).send({ certification: { accepted: true, signature: 'J' } })).status).toBe(200);
      children.push(d.body.id);
    }

    const res = await as(`/review/submissions/${f.id}`, supervisor.token);

    const first = res.text.indexOf(`/review/submissions/${children[0]}`);
    const second = res.text.indexOf(`/review/submissions/${children[1]}`);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    const child = await as(`/review/submissions/${children[1]}`, supervisor.token);
    expect(child.text).toContain(`href="/review/submissions/${f.id}"`);
  });

  it('when the vendor opens its own filed response, then the structured fields render under "Response details" and no internal note shows', async () => {
    const f = await fileWithFieldsAndDocuments();
    await t.deps.db.insertInto('notes').values({ submission_id: f.id, author_id: reviewer.user.id, body: NOTE_TEXT }).execute();

    const res = await as(`/submissions/${f.id}`, f.token);

    expect(res.status).toBe(200);
    expect(res.text).toContain('Response details');
    expect(res.text).toContain('Fieldwork Endpoint 9');
    expect(res.text).toContain('Remove Fieldwork from the directive.');
    expect(res.text).not.toContain(NOTE_TEXT);
  });

  it('when supervisor, reviewer and legal open the page, then each is offered only the action pages of its role', async () => {
    const f = await fileResponse(t);
    const [sup, rev, leg] = await Promise.all([supervisor, reviewer, legal].map((s) => as(`/review/submissions/${f.id}`, s.token))) as [request.Response, request.Response, request.Response];
    expect(sup.text).toContain(`href="/review/submissions/${f.id}/assign"`);
    expect(sup.text).toContain(`href="/review/submissions/${f.id}/disposition"`);
    expect(rev.text).not.toContain(`/review/submissions/${f.id}/assign`);
    expect(rev.text).toContain(`href="/review/submissions/${f.id}/notes"`);
    expect(rev.text).toContain(`href="/review/submissions/${f.id}/findings"`);
    expect(rev.text).toContain(`href="/review/submissions/${f.id}/information-requests/new"`);
    expect(leg.status).toBe(200);
    expect(leg.text).not.toMatch(new RegExp(`/review/submissions/${f.id}/(assign|notes|findings|disposition|information-requests)`));
  });
});

describe('history', () => {
  it('when a submission has filing, download, request and note events, then the history lists them newest first with names and words, never the note text', async () => {
    const f = await fileWithFieldsAndDocuments();
    expect((await as(`/api/v1/documents/${f.pdfId}/content`, reviewer.token)).status).toBe(200);
    // A note's event as area 4 writes it may quote the body; the history must not show it.
    await recordAuditNow(t.deps.db, { actorId: reviewer.user.id, actorRole: 'reviewer', requestId: null, ip: null, userAgent: null },
      { action: 'note.added', subjectType: 'submission', subjectId: f.id, data: { body: NOTE_TEXT } });

    const res = await as(`/review/submissions/${f.id}`, legal.token);

    const history = res.text.slice(res.text.indexOf('id="history-heading"'));
    const actions = [...history.matchAll(/data-action="([a-z_.]+)"/g)].map((m) => m[1]);
    expect(actions.slice(0, 3)).toEqual(['note.added', 'document.downloaded', 'submission.submitted']);
    expect(actions[actions.length - 1]).toBe('submission.draft_created');
    expect(history).toContain('Internal note added');
    expect(history).toContain('Document downloaded');
    expect(history).toContain(reviewer.user.name);
    expect(history).toContain(f.vendor.name);
    expect(history).not.toContain(NOTE_TEXT);
  });
});

describe('who may open it', () => {
  it('when a reviewer is recused from the organization, then the page and the preview are 404 and both refusals are audited', async () => {
    const f = await fileWithFieldsAndDocuments();
    const recused = await staffWithToken(t, 'reviewer');
    await t.deps.db.insertInto('conflicts').values({ user_id: recused.user.id, organization_id: f.organizationId, kind: 'competitor', statement: 'We compete.' }).execute();

    expect((await as(`/review/submissions/${f.id}`, recused.token)).status).toBe(404);
    expect((await as(`/review/documents/${f.pdfId}/preview`, recused.token)).status).toBe(404);

    const denials = await t.deps.db.selectFrom('audit_events').select(['subject_type', 'subject_id']).where('action', '=', 'access.denied')
      .where('actor_id', '=', recused.user.id).orderBy('seq').execute();
    expect(denials).toEqual([{ subject_type: 'submission', subject_id: f.id }, { subject_type: 'document', subject_id: f.pdfId }]);
  });

  it('when a vendor or an administrator asks for the staff page or a preview, then 403 and the refusal is audited', async () => {
    const f = await fileWithFieldsAndDocuments();
    for (const [who, token] of [[f.vendor.id, f.token], [admin.user.id, admin.token]] as const) {
      expect((await as(`/review/submissions/${f.id}`, token)).status).toBe(403);
      expect((await as(`/review/documents/${f.pdfId}/preview`, token)).status).toBe(403);
      const n = await t.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n'))
        .where('action', '=', 'access.denied').where('actor_id', '=', who).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(2);
    }
  });

  it('when staff ask for a draft or an unknown id, then 404', async () => {
    const vendor = await buildUser(t.deps);
    const p = await buildProceeding(t.deps);
    const d = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set('Authorization', `Bearer ${await tokenFor(t.app, vendor)}`).send({ title: 'Draft only' });
    expect((await as(`/review/submissions/${d.body.id}`, reviewer.token)).status).toBe(404);
    expect((await as('/review/submissions/00000000-0000-4000-8000-000000000000', reviewer.token)).status).toBe(404);
    expect((await as('/review/submissions/not-a-uuid', reviewer.token)).status).toBe(404);
  });
});

describe('document preview', () => {
  it('when a reviewer previews a PDF and a PNG, then the bytes come inline, sandboxed without scripts, nosniff, and the preview is audited', async () => {
    const f = await fileWithFieldsAndDocuments();
    for (const [id, type] of [[f.pdfId, 'application/pdf'], [f.pngId, 'image/png']] as const) {
      const res = await as(`/review/documents/${id}/preview`, reviewer.token).buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers['content-disposition']).toBe('inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const csp = res.headers['content-security-policy']!;
      expect(csp.split(';').map((s: string) => s.trim())).toContain('sandbox');
      expect(csp).not.toContain('allow-scripts');
      expect(csp).toContain("frame-ancestors 'self'");
      // The download link keeps the content route's headers: an attachment, never rendered, never framed.
      const download = await as(`/api/v1/documents/${id}/content`, reviewer.token).buffer(true);
      expect(download.headers['content-disposition']).toMatch(/^attachment;/);
      expect(download.headers['content-security-policy']).toBe("sandbox; default-src 'none'; frame-ancestors 'none'");
    }
    const audited = await t.deps.db.selectFrom('audit_events').select('subject_id').where('action', '=', 'document.previewed')
      .where('actor_id', '=', reviewer.user.id).where('subject_id', 'in', [f.pdfId, f.pngId]).execute();
    expect(audited).toHaveLength(2);
  });

  it('when the document is not a PDF or an image, then 415 preview_not_supported and nothing is sent or audited as a preview', async () => {
    const f = await fileWithFieldsAndDocuments('application/vnd.openxmlformats-officedocument.wordprocessingml.document');

    const res = await as(`/review/documents/${f.pngId}/preview`, reviewer.token);

    expect(res.status).toBe(415);
    // A page route: the error page, with the stable code and a message saying what to do instead.
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<code>preview_not_supported</code>');
    expect(res.text).toMatch(/cannot be previewed in the browser\. Download the document instead\./);
    const page = await as(`/review/submissions/${f.id}`, reviewer.token);
    expect(page.text).toContain(`/review/documents/${f.pdfId}/preview`);
    expect(page.text).not.toContain(`/review/documents/${f.pngId}/preview`);
    expect(page.text).toContain(`href="/api/v1/documents/${f.pngId}/content"`);
    const audited = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'document.previewed').where('subject_id', '=', f.pngId).execute();
    expect(audited).toHaveLength(0);
  });
});
