import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor } from '../helpers/factories';
import { fileResponse, staffWithToken, type Filed } from '../helpers/filings';
import { csrfFrom, signInBrowser } from '../helpers/session';
import { registeredRoutes } from '../helpers/routes';
import { pdfText } from '../helpers/review-pdf-text';

/**
 * Internal notes (issue 9, Reviewing): staff only, append-only, audited without their text, and
 * never in anything a vendor can read.
 */
let t: TestApp;
let reviewer: { id: string; token: string };
let supervisor: { id: string; token: string };
let legal: { id: string; token: string };
let admin: { id: string; token: string };
beforeAll(async () => {
  t = await startTestApp();
  const make = async (role: 'reviewer' | 'supervisor' | 'legal' | 'admin') => {
    const s = await staffWithToken(t, role);
    return { id: s.user.id, token: s.token };
  };
  [reviewer, supervisor, legal, admin] = [await make('reviewer'), await make('supervisor'), await make('legal'), await make('admin')];
});
afterAll(async () => { await t.close(); });

const as = (r: request.Test, token: string) => r.set('Authorization', `Bearer ${token}`);
const post = (id: string, body: unknown, token = reviewer.token) => as(request(t.app).post(`/api/v1/submissions/${id}/notes`), token).send(body as object);
const list = (id: string, token = reviewer.token) => as(request(t.app).get(`/api/v1/submissions/${id}/notes`), token);
const notesOn = (id: string) => t.deps.db.selectFrom('notes').select(['body']).where('submission_id', '=', id).execute();
const denials = (actorId: string) => t.deps.db.selectFrom('audit_events').select(['subject_id', 'data'])
  .where('action', '=', 'access.denied').where('actor_id', '=', actorId).orderBy('seq').execute();

describe('adding and reading notes', () => {
  it('when a reviewer and then a supervisor add notes, then each is 201, the list is newest last with author and time, and legal reads it too', async () => {
    const f = await fileResponse(t);
    const first = await post(f.id, { body: 'Check the contracts in Exhibit A.' });
    const second = await post(f.id, { body: 'Agreed; ask for the 2016 renewals.' }, supervisor.token);

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ submissionId: f.id, body: 'Check the contracts in Exhibit A.', author: { id: reviewer.id } });
    expect(second.status).toBe(201);
    for (const token of [reviewer.token, supervisor.token, legal.token]) {
      const res = await list(f.id, token);
      expect(res.status).toBe(200);
      expect(res.body.items.map((n: { body: string }) => n.body)).toEqual(['Check the contracts in Exhibit A.', 'Agreed; ask for the 2016 renewals.']);
      expect(res.body.items[1].author.id).toBe(supervisor.id);
      expect(typeof res.body.items[0].author.name).toBe('string');
      expect(Date.parse(res.body.items[0].createdAt)).toBeLessThanOrEqual(Date.parse(res.body.items[1].createdAt));
    }
  });

  it('when a note is added, then note.added is audited with its SHA-256 and length, never its text', async () => {
    const f = await fileResponse(t);
    const body = `Internal: the vendor's CEO called the program office (${randomUUID()}).`;

    const res = await post(f.id, { body });

    expect(res.status).toBe(201);
    const events = await t.deps.db.selectFrom('audit_events').select(['actor_id', 'data']).where('action', '=', 'note.added').where('subject_id', '=', f.id).execute();
    expect(events).toEqual([{ actor_id: reviewer.id, data: { noteId: res.body.id, sha256: createHash('sha256').update(body).digest('hex'), length: body.length } }]);
    expect(JSON.stringify(events)).not.toContain('program office');
  });

  it('when legal or an administrator adds a note, or a signed-out caller does, then 403 / 401, the refusal is audited and nothing is written', async () => {
    const f = await fileResponse(t);

    expect((await post(f.id, { body: 'Legal note' }, legal.token)).status).toBe(403);
    expect((await post(f.id, { body: 'Admin note' }, admin.token)).status).toBe(403);
    expect((await list(f.id, admin.token)).status).toBe(403);
    expect((await request(t.app).post(`/api/v1/submissions/${f.id}/notes`).send({ body: 'x' })).status).toBe(401);
    expect(await notesOn(f.id)).toEqual([]);
    expect((await denials(legal.id)).map((d) => d.subject_id)).toContain('POST /api/v1/submissions/:id/notes');
    expect((await denials(admin.id)).map((d) => d.subject_id)).toEqual(expect.arrayContaining(['POST /api/v1/submissions/:id/notes', 'GET /api/v1/submissions/:id/notes']));
  });

  it('when the vendor of the submission reads or writes its notes, then 403 on both, audited, and the vendor learns nothing', async () => {
    const f = await fileResponse(t);
    await post(f.id, { body: 'Staff only.' });

    const read = await list(f.id, f.vendorToken);
    const write = await post(f.id, { body: 'Vendor note' }, f.vendorToken);

    expect([read.status, read.body.error.code]).toEqual([403, 'forbidden']);
    expect(write.status).toBe(403);
    expect(JSON.stringify(read.body)).not.toContain('Staff only.');
    expect((await denials(f.vendor.id)).map((d) => d.subject_id)).toEqual(['GET /api/v1/submissions/:id/notes', 'POST /api/v1/submissions/:id/notes']);
    expect(await notesOn(f.id)).toEqual([{ body: 'Staff only.' }]);
  });

  it('when a reviewer recused from the organization reads or adds notes, then 404 as for an unknown id, each refusal audited', async () => {
    const f = await fileResponse(t);
    await post(f.id, { body: 'Before the conflict.' });
    const recused = await staffWithToken(t, 'reviewer');
    await t.deps.db.insertInto('conflicts').values({ user_id: recused.user.id, organization_id: f.organizationId, kind: 'competitor', statement: 'I consulted for a competitor.' }).execute();

    const read = await list(f.id, recused.token);
    const write = await post(f.id, { body: 'Recused note' }, recused.token);

    expect([read.status, read.body.error.code]).toEqual([404, 'not_found']);
    expect([write.status, write.body.error.code]).toEqual([404, 'not_found']);
    const refused = await denials(recused.user.id);
    expect(refused.map((d) => [d.subject_id, (d.data as { decision: string }).decision])).toEqual([[f.id, 'note.read'], [f.id, 'note.add']]);
    expect(await notesOn(f.id)).toEqual([{ body: 'Before the conflict.' }]);
  });

  it('when staff add a note to a vendor\'s draft, then 404 (a draft is the vendor\'s own), audited', async () => {
    const vendor = await buildUser(t.deps);
    const p = await t.deps.db.selectFrom('proceedings').select('docket').executeTakeFirstOrThrow();
    const draft = await as(request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`), await tokenFor(t.app, vendor)).send({ title: 'Draft', argument: '1. A.' });

    const res = await post(draft.body.id, { body: 'On a draft' });

    expect(res.status).toBe(404);
    expect((await denials(reviewer.id)).map((d) => d.subject_id)).toContain(draft.body.id);
    expect(await notesOn(draft.body.id)).toEqual([]);
  });

  it('when the body is missing, empty, blank, too long or has extra fields, then a 400 or 422 with a stable code and nothing is written', async () => {
    const f = await fileResponse(t);
    const cases: [unknown, number, string][] = [
      [{}, 400, 'invalid_request'], [{ body: '' }, 400, 'invalid_request'], [{ body: 'x'.repeat(20_001) }, 400, 'invalid_request'],
      [{ body: 42 }, 400, 'invalid_request'], [{ body: 'ok', pinned: true }, 400, 'unknown_field'], [{ body: ' \n\t ' }, 422, 'blank_note'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(f.id, body);
      expect([res.status, res.body.error.code]).toEqual([status, code]);
    }
    expect((await post(f.id, { body: 'x'.repeat(20_000) })).status).toBe(201);
    expect((await notesOn(f.id)).map((n) => n.body.length)).toEqual([20_000]);
  });
});

describe('the notes page', () => {
  it('when a reviewer adds a note through the page, then it redirects, lists it with the author, and a blank note shows the error in place', async () => {
    const f = await fileResponse(t);
    const user = await buildUser(t.deps, { role: 'reviewer' });
    const { agent, csrf } = await signInBrowser(t.app, user);

    const added = await agent.post(`/review/submissions/${f.id}/notes`).type('form').send({ _csrf: csrf, body: 'Ask about <the> 2016 renewals.' });
    expect(added.status).toBe(303);
    const page = await agent.get(added.headers['location']!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Note added.');
    expect(page.text).toContain('Ask about &lt;the&gt; 2016 renewals.');
    expect(page.text).toContain(user.name);

    const blank = await agent.post(`/review/submissions/${f.id}/notes`).type('form').send({ _csrf: csrfFrom(page.text), body: '   ' });
    expect(blank.status).toBe(422);
    expect(blank.text).toContain('Error code: <code>blank_note</code>');
    expect((await notesOn(f.id)).length).toBe(1);
  });

  it('when legal opens the page, then the notes show without the add form; a vendor gets 403', async () => {
    const f = await fileResponse(t);
    await post(f.id, { body: 'Visible to legal.' });
    const legalUser = await buildUser(t.deps, { role: 'legal' });
    const legalPage = await (await signInBrowser(t.app, legalUser)).agent.get(`/review/submissions/${f.id}/notes`);
    expect(legalPage.status).toBe(200);
    expect(legalPage.text).toContain('Visible to legal.');
    expect(legalPage.text).not.toContain('name="body"');

    const vendorPage = await (await signInBrowser(t.app, f.vendor)).agent.get(`/review/submissions/${f.id}/notes`);
    expect(vendorPage.status).toBe(403);
    expect(vendorPage.text).not.toContain('Visible to legal.');
  });
});

describe('never vendor-visible', () => {
  /** Every GET the router registers, with the vendor's ids in place of each parameter. */
  function vendorUrls(f: Filed, ids: string[]): string[] {
    const urls = new Set<string>();
    for (const r of registeredRoutes(t.app).filter((x) => x.method === 'get')) {
      const path = r.path.replace(/\/+/g, '/').replace(/:docket/g, f.docket);
      const filled = path.includes(':') ? ids.map((id) => path.replace(/:\w+/g, id)) : [path];
      for (const u of filled) {
        urls.add(u);
        if (/receipt|response-to-arguments/.test(u)) urls.add(`${u}?format=pdf`);
      }
    }
    return [...urls];
  }

  it('when a note with a unique marker exists, then no response the vendor can fetch, no e-mail to the vendor and no audit row carries it', async () => {
    const marker = `NOTEMARKER${randomUUID().replace(/-/g, '')}`;
    const f = await fileResponse(t, { title: 'Response with a note on it' });
    const note = await post(f.id, { body: `Internal view ${marker}: weak on evidence.` });
    expect(note.status).toBe(201);
    await as(request(t.app).post(`/api/v1/submissions/${f.id}/information-requests`), reviewer.token)
      .send({ question: 'Which agencies run the product?', dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }).expect(201);
    // The marker is really there for staff: the sweep below could not miss it by looking in the wrong place.
    expect(JSON.stringify((await list(f.id)).body)).toContain(marker);

    const { agent } = await signInBrowser(t.app, f.vendor);
    const seen: { url: string; status: number; text: string }[] = [];
    for (const url of vendorUrls(f, [f.id, f.organizationId, note.body.id as string])) {
      for (const res of [await as(request(t.app).get(url), f.vendorToken), await agent.get(url)]) {
        const body = res.headers['content-type']?.startsWith('application/pdf') ? pdfText(res.body as Buffer) : res.text;
        seen.push({ url, status: res.status, text: `${JSON.stringify(res.headers)}\n${body}` });
      }
    }

    expect(seen.filter((s) => s.text.includes(marker)).map((s) => s.url)).toEqual([]);
    // The sweep read the vendor's real views, not only refusals.
    const ok = (url: string) => seen.filter((s) => s.url === url && s.status === 200);
    expect(ok(`/api/v1/submissions/${f.id}`)[0]!.text).toContain('Response with a note on it');
    expect(ok(`/submissions/${f.id}`).length).toBeGreaterThan(0);
    expect(ok('/submissions')[0]!.text).toContain(f.trackingNumber);
    expect(ok(`/api/v1/submissions/${f.id}/receipt?format=pdf`)[0]!.text).toContain(f.trackingNumber);
    expect(ok(`/submissions/${f.id}/receipt`).length).toBeGreaterThan(0);
    expect(ok(`/api/v1/submissions/${f.id}/information-requests`)[0]!.text).toContain('Which agencies run the product?');
    const mail = await t.deps.db.selectFrom('outbox').select(['subject', 'text_body', 'html_body']).where('to_address', '=', f.vendor.email).execute();
    expect(mail.length).toBeGreaterThan(0);
    expect(JSON.stringify(mail)).not.toContain(marker);
    const audit = await t.deps.db.selectFrom('audit_events').select('data').execute();
    expect(JSON.stringify(audit)).not.toContain(marker);
  });
});
