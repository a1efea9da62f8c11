import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { fileResponse, staffWithToken } from '../helpers/filings';
import { csrfFrom, signInBrowser } from '../helpers/session';

/** Findings (issue 9, Reviewing): versioned rulings per numbered argument, history kept. */
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
const save = (id: string, body: unknown, token = reviewer.token) => as(request(t.app).post(`/api/v1/submissions/${id}/findings`), token).send(body as object);
const read = (id: string, token = reviewer.token, suffix = '') => as(request(t.app).get(`/api/v1/submissions/${id}/findings${suffix}`), token);
const versionsOf = async (id: string) => (await t.deps.db.selectFrom('findings').select('version').where('submission_id', '=', id).orderBy('version').execute()).map((r) => r.version);
const denials = (actorId: string) => t.deps.db.selectFrom('audit_events').select(['subject_id', 'data'])
  .where('action', '=', 'access.denied').where('actor_id', '=', actorId).orderBy('seq').execute();
const arg = (number: number, ruling = 'not_persuasive', extra: object = {}) => ({ number, summary: `Argument ${number}.`, ruling, reasoning: `Reasoning on ${number}.`, ...extra });

describe('saving and reading findings', () => {
  it('when a reviewer saves and a supervisor revises, then versions 1 and 2 exist, GET returns the latest with the history, and each save is audited', async () => {
    const f = await fileResponse(t);

    const first = await save(f.id, { arguments: [arg(1), arg(2, 'moot')] });
    const second = await save(f.id, { arguments: [arg(1, 'persuasive'), arg(2, 'partially_persuasive'), arg(3)] }, supervisor.token);

    expect([first.status, first.body.version]).toEqual([201, 1]);
    expect([second.status, second.body.version]).toEqual([201, 2]);
    const res = await read(f.id, legal.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ submissionId: f.id, version: 2, savedBy: { id: supervisor.id }, arguments: [arg(1, 'persuasive'), arg(2, 'partially_persuasive'), arg(3)] });
    expect(res.body.history.map((h: { version: number; savedBy: { id: string } }) => [h.version, h.savedBy.id])).toEqual([[1, reviewer.id], [2, supervisor.id]]);
    expect(res.body.history[0].arguments).toEqual([arg(1), arg(2, 'moot')]);
    expect(Number.isNaN(Date.parse(res.body.history[0].savedAt))).toBe(false);
    const audit = await t.deps.db.selectFrom('audit_events').select(['actor_id', 'data']).where('action', '=', 'findings.saved').where('subject_id', '=', f.id).orderBy('seq').execute();
    expect(audit.map((a) => [a.actor_id, (a.data as { version: number }).version])).toEqual([[reviewer.id, 1], [supervisor.id, 2]]);
  });

  it('when nothing is saved yet, then GET answers version 0 with no arguments and an empty history', async () => {
    const f = await fileResponse(t);
    expect((await read(f.id)).body).toEqual({ submissionId: f.id, version: 0, arguments: [], savedBy: null, savedAt: null, history: [] });
  });

  it('when six saves arrive at once, then they get versions 1 to 6, each once, and all succeed', async () => {
    const f = await fileResponse(t);

    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => save(f.id, { arguments: [arg(1, n % 2 ? 'moot' : 'persuasive')] }, n % 2 ? reviewer.token : supervisor.token)));

    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(results.map((r) => r.body.version as number).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await versionsOf(f.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('when the suggestion is asked for, then the argument comes back split on the vendor\'s own numbering', async () => {
    const f = await fileResponse(t, { argument: 'Preamble.\n1. No evidence about our products.\n2) No notice before it issued.\n(4) The deadline is arbitrary.' });

    const res = await read(f.id, reviewer.token, '/suggestion');

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { number: 1, summary: 'No evidence about our products.' }, { number: 2, summary: 'No notice before it issued.' }, { number: 4, summary: 'The deadline is arbitrary.' },
    ]);
  });
});

describe('validation', () => {
  it('when the arguments are out of order, repeated, out of range, blank, too long, of an unknown ruling or carry extra fields, then a stable code and no version', async () => {
    const f = await fileResponse(t);
    const cases: [unknown, number, string][] = [
      [{ arguments: [arg(2), arg(1)] }, 422, 'arguments_not_ascending'],
      [{ arguments: [arg(1), arg(1)] }, 422, 'arguments_not_ascending'],
      [{ arguments: [arg(0)] }, 400, 'invalid_request'],
      [{ arguments: [arg(201)] }, 400, 'invalid_request'],
      [{ arguments: [arg(1.5)] }, 400, 'invalid_request'],
      [{ arguments: [arg(1, 'convincing')] }, 400, 'invalid_request'],
      [{ arguments: [arg(1, 'moot', { reasoning: '   ' })] }, 422, 'blank_reasoning'],
      [{ arguments: [arg(1, 'moot', { summary: '\n' })] }, 422, 'blank_summary'],
      [{ arguments: [arg(1, 'moot', { summary: 'x'.repeat(2001) })] }, 400, 'invalid_request'],
      [{ arguments: [arg(1, 'moot', { reasoning: 'x'.repeat(20_001) })] }, 400, 'invalid_request'],
      [{ arguments: [arg(1, 'moot', { weight: 3 })] }, 400, 'unknown_field'],
      [{ arguments: [] }, 400, 'invalid_request'],
      [{ arguments: Array.from({ length: 201 }, (_, i) => arg(i + 1)) }, 400, 'invalid_request'],
      [{}, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const res = await save(f.id, body);
      expect([JSON.stringify(body).slice(0, 80), res.status, res.body.error?.code]).toEqual([JSON.stringify(body).slice(0, 80), status, code]);
    }
    expect(await versionsOf(f.id)).toEqual([]);
    expect((await save(f.id, { arguments: Array.from({ length: 200 }, (_, i) => arg(i + 1)) })).status).toBe(201);
  });

  it('when the response is withdrawn, or the submission is a supplement, then 422 not_reviewable and nothing is saved', async () => {
    const f = await fileResponse(t);
    await as(request(t.app).post(`/api/v1/submissions/${f.id}/withdraw`), f.vendorToken).send({ reason: 'Settled.' }).expect(200);
    const p = await buildProceeding(t.deps);
    const g = await fileResponse(t, { proceeding: { id: p.id, docket: p.docket } });
    const sup = await as(request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`), g.vendorToken).send({ kind: 'supplement', parentId: g.id, title: 'More', argument: '1. A further point.' });
    await as(request(t.app).post(`/api/v1/submissions/${sup.body.id}/submit`), g.vendorToken).send({ certification: { accepted: true, signature: 'Jane Q. Filer' } }).expect((r) => expect([r.status, r.body.error]).toEqual([200, undefined]));

    for (const id of [f.id, sup.body.id as string]) {
      const res = await save(id, { arguments: [arg(1)] });
      expect([res.status, res.body.error.code]).toEqual([422, 'not_reviewable']);
      expect(await versionsOf(id)).toEqual([]);
    }
  });
});

describe('who may', () => {
  it('when the vendor, legal or an administrator saves, or the vendor or an administrator reads, then 403, audited, nothing written', async () => {
    const f = await fileResponse(t);
    await save(f.id, { arguments: [arg(1)] });

    expect((await save(f.id, { arguments: [arg(1)] }, f.vendorToken)).status).toBe(403);
    expect((await save(f.id, { arguments: [arg(1)] }, legal.token)).status).toBe(403);
    expect((await save(f.id, { arguments: [arg(1)] }, admin.token)).status).toBe(403);
    expect((await read(f.id, f.vendorToken)).status).toBe(403);
    expect((await read(f.id, f.vendorToken, '/suggestion')).status).toBe(403);
    expect((await read(f.id, admin.token)).status).toBe(403);
    expect((await read(f.id, legal.token)).status).toBe(200);
    expect((await denials(f.vendor.id)).map((d) => d.subject_id)).toEqual([
      'POST /api/v1/submissions/:id/findings', 'GET /api/v1/submissions/:id/findings', 'GET /api/v1/submissions/:id/findings/suggestion',
    ]);
    expect(await versionsOf(f.id)).toEqual([1]);
  });

  it('when a supervisor recused from the organization reads, asks for the suggestion or saves, then 404 each time, audited under the submission', async () => {
    const f = await fileResponse(t);
    const recused = await staffWithToken(t, 'supervisor');
    await t.deps.db.insertInto('conflicts').values({ user_id: recused.user.id, organization_id: f.organizationId, kind: 'financial_interest', statement: 'I hold shares.' }).execute();

    const answers = [await read(f.id, recused.token), await read(f.id, recused.token, '/suggestion'), await save(f.id, { arguments: [arg(1)] }, recused.token)];

    expect(answers.map((r) => [r.status, r.body.error.code])).toEqual([[404, 'not_found'], [404, 'not_found'], [404, 'not_found']]);
    expect((await denials(recused.user.id)).map((d) => [d.subject_id, (d.data as { decision: string }).decision]))
      .toEqual([[f.id, 'findings.read'], [f.id, 'findings.read'], [f.id, 'findings.save']]);
    expect(await versionsOf(f.id)).toEqual([]);
  });

  it('when staff save findings on a vendor\'s draft, then 404 and audited', async () => {
    const vendor = await buildUser(t.deps);
    const p = await buildProceeding(t.deps);
    const draft = await as(request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`), await tokenFor(t.app, vendor)).send({ title: 'Draft', argument: '1. A.' });
    const res = await save(draft.body.id, { arguments: [arg(1)] });
    expect(res.status).toBe(404);
    expect((await denials(reviewer.id)).map((d) => d.subject_id)).toContain(draft.body.id);
  });
});

describe('the findings page', () => {
  it('when a reviewer opens it before any findings, then the form is pre-filled from the vendor\'s numbering; saving it makes version 1, and a missing ruling is shown in place', async () => {
    const f = await fileResponse(t);
    const user = await buildUser(t.deps, { role: 'reviewer' });
    const { agent } = await signInBrowser(t.app, user);

    const page = await agent.get(`/review/submissions/${f.id}/findings`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Pre-filled from the vendor&#39;s own numbering');
    expect(page.text).toContain('The directive rests on no evidence about our products.');
    expect(page.text).toContain('We were given no chance to answer before it issued.');
    const form = {
      _csrf: csrfFrom(page.text), rows: '3',
      'number-0': '1', 'summary-0': 'No evidence.', 'ruling-0': 'not_persuasive', 'reasoning-0': 'The record shows otherwise.',
      'number-1': '2', 'summary-1': 'No notice.', 'ruling-1': 'persuasive', 'reasoning-1': 'Notice was late.',
      'number-2': '', 'summary-2': '', 'ruling-2': '', 'reasoning-2': '',
    };

    const missing = await agent.post(`/review/submissions/${f.id}/findings`).type('form').send({ ...form, 'ruling-1': '' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('arguments.1.ruling');
    expect(missing.text).toContain('Notice was late.');
    const saved = await agent.post(`/review/submissions/${f.id}/findings`).type('form').send(form);
    expect([saved.status, saved.headers['location']]).toEqual([303, `/review/submissions/${f.id}/findings?saved=1`]);
    const after = await agent.get(saved.headers['location']!);
    expect(after.text).toContain('Findings saved as version 1.');
    expect(after.text).toContain('Pre-filled from version 1');
    expect((await read(f.id)).body.arguments).toEqual([
      { number: 1, summary: 'No evidence.', ruling: 'not_persuasive', reasoning: 'The record shows otherwise.' },
      { number: 2, summary: 'No notice.', ruling: 'persuasive', reasoning: 'Notice was late.' },
    ]);
  });

  it('when a response has 40 numbered arguments, then the page suggests all 40 and saving them through the page makes a version with 40', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `${i + 1}. The directive's ground ${i + 1} does not hold for our products.`).join('\n');
    const f = await fileResponse(t, { argument: text });
    const user = await buildUser(t.deps, { role: 'reviewer' });
    const { agent } = await signInBrowser(t.app, user);

    const page = await agent.get(`/review/submissions/${f.id}/findings`);

    expect(page.status).toBe(200);
    expect(page.text).toContain('<input type="hidden" name="rows" value="41">');
    expect(page.text).toMatch(/name="number-39"[^>]* value="40"/);
    expect(page.text).toContain('ground 40 does not hold');
    expect(page.text).toMatch(/name="number-40"[^>]* value=""/);
    expect(page.text).toContain('Add another argument');
    const form: Record<string, string> = { _csrf: csrfFrom(page.text), rows: '41' };
    for (let i = 0; i < 40; i += 1) {
      Object.assign(form, { [`number-${i}`]: String(i + 1), [`summary-${i}`]: `The directive's ground ${i + 1} does not hold for our products.`,
        [`ruling-${i}`]: i % 2 ? 'persuasive' : 'not_persuasive', [`reasoning-${i}`]: `Reasoning on ground ${i + 1}.` });
    }
    Object.assign(form, { 'number-40': '', 'summary-40': '', 'ruling-40': '', 'reasoning-40': '' }); // 166 fields in all

    const saved = await agent.post(`/review/submissions/${f.id}/findings`).type('form').send(form);

    expect([saved.status, saved.headers['location']]).toEqual([303, `/review/submissions/${f.id}/findings?saved=1`]);
    const stored = (await read(f.id)).body.arguments as { number: number; ruling: string; reasoning: string }[];
    expect(stored.map((a) => a.number)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(stored[39]).toMatchObject({ number: 40, ruling: 'persuasive', reasoning: 'Reasoning on ground 40.' });
  });

  it('when "Add another argument" is pressed, then the form comes back with what was typed and one more blank row, and nothing is saved', async () => {
    const f = await fileResponse(t);
    const { agent } = await signInBrowser(t.app, await buildUser(t.deps, { role: 'reviewer' }));
    const page = await agent.get(`/review/submissions/${f.id}/findings`);
    const typed = {
      _csrf: csrfFrom(page.text), rows: '3', action: 'add-row',
      'number-0': '1', 'summary-0': 'No evidence.', 'ruling-0': 'not_persuasive', 'reasoning-0': 'Typed before adding a row.',
      'number-1': '2', 'summary-1': 'No notice.', 'ruling-1': '', 'reasoning-1': '',
      'number-2': '3', 'summary-2': 'A third argument the reviewer split out.', 'ruling-2': 'moot', 'reasoning-2': 'Settled elsewhere.',
    };

    const res = await agent.post(`/review/submissions/${f.id}/findings`).type('form').send(typed);

    expect(res.status).toBe(200);
    expect(res.text).toContain('<input type="hidden" name="rows" value="4">');
    expect(res.text).toContain('Typed before adding a row.');
    expect(res.text).toContain('A third argument the reviewer split out.');
    expect(res.text).toMatch(/<option value="moot" selected>/);
    expect(res.text).toMatch(/name="number-3"[^>]* value=""/);
    expect(res.text).toContain('id="argument-row-3"');
    expect(res.text).toContain(`formaction="/review/submissions/${f.id}/findings#argument-row-4"`);
    expect(res.text).toContain('Row 4 added at the end of the form.');
    expect(res.text).not.toContain('vrp-error-summary');
    expect(await versionsOf(f.id)).toEqual([]);
  });

  it('when the form has 200 rows, then it saves them all, offers no further row, and the API refuses a 201st argument as the page does', async () => {
    const f = await fileResponse(t);
    const { agent } = await signInBrowser(t.app, await buildUser(t.deps, { role: 'supervisor' }));
    const csrf = csrfFrom((await agent.get(`/review/submissions/${f.id}/findings`)).text);

    const full = await agent.post(`/review/submissions/${f.id}/findings`).type('form').send({ _csrf: csrf, rows: '200', action: 'add-row' });
    expect(full.status).toBe(200);
    expect(full.text).toContain('<input type="hidden" name="rows" value="200">');
    expect(full.text).not.toContain('name="number-200"');
    expect(full.text).not.toContain('Add another argument</button>');
    expect(full.text).toContain('The form holds at most 200 arguments');

    const form: Record<string, string> = { _csrf: csrf, rows: '200' };
    for (let i = 0; i < 200; i += 1) Object.assign(form, { [`number-${i}`]: String(i + 1), [`summary-${i}`]: `A${i + 1}.`, [`ruling-${i}`]: 'moot', [`reasoning-${i}`]: `R${i + 1}.` });
    const saved = await agent.post(`/review/submissions/${f.id}/findings`).type('form').send(form); // 802 fields
    expect(saved.status).toBe(303);
    expect((await read(f.id)).body.arguments).toHaveLength(200);

    const tooMany = await save(f.id, { arguments: Array.from({ length: 201 }, (_, i) => arg(i + 1)) });
    expect(tooMany.status).toBe(400);
    expect(await versionsOf(f.id)).toEqual([1]);
  });

  it('when the response was withdrawn, then the page offers no form, and a save posted anyway shows not_reviewable in place; legal sees no form either', async () => {
    const f = await fileResponse(t);
    await as(request(t.app).post(`/api/v1/submissions/${f.id}/withdraw`), f.vendorToken).send({ reason: 'Settled.' }).expect(200);
    const { agent, csrf } = await signInBrowser(t.app, await buildUser(t.deps, { role: 'supervisor' }));

    const page = await agent.get(`/review/submissions/${f.id}/findings`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('name="number-0"');
    const posted = await agent.post(`/review/submissions/${f.id}/findings`).type('form')
      .send({ _csrf: csrf, rows: '1', 'number-0': '1', 'summary-0': 'A.', 'ruling-0': 'moot', 'reasoning-0': 'B.' });
    expect(posted.status).toBe(422);
    expect(posted.text).toContain('Error code: <code>not_reviewable</code>');
    const legalPage = await (await signInBrowser(t.app, await buildUser(t.deps, { role: 'legal' }))).agent.get(`/review/submissions/${f.id}/findings`);
    expect(legalPage.status).toBe(200);
    expect(legalPage.text).not.toContain('name="number-0"');
    expect(await versionsOf(f.id)).toEqual([]);
  });
});
