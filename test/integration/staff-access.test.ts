import { rmSync } from 'node:fs';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { routesOf } from '../helpers/routes';
import { signInBrowser } from '../helpers/session';
import { tempUploadsDir } from '../fixtures/upload-client';
import { NOT_ONE_SUBMISSION, OBJECT_ROUTES, type Caller, type RouteCase, type Target } from '../fixtures/object-routes';
import type { Role } from '../../server/db/database';

/**
 * SECURITY.md, Access, for staff: a draft is the vendor's own until it is filed, so every route
 * that reads or acts on one submission refuses a staff member of every role on a vendor's draft,
 * and the refusal is in the audit trail, naming the actor and the subject. On a filed submission
 * staff read as before; only the submitting organization acts. Every refusal is audited.
 */
const ROLES: Role[] = ['reviewer', 'supervisor', 'legal', 'admin'];
let t: TestApp;
let uploads: string;
let vendor: TestUser;
let vendorToken: string;
let docket: string;
const staff = new Map<Role, { caller: Caller; ids: string[] }>();

beforeAll(async () => {
  uploads = tempUploadsDir();
  t = await startTestApp({ env: { UPLOADS_DIR: uploads } });
  vendor = await buildUser(t.deps);
  vendorToken = await tokenFor(t.app, vendor);
  docket = (await buildProceeding(t.deps)).docket;
  for (const role of ROLES) {
    // One account per face: an authenticator code works once, so the token and the browser sign in apart.
    const [apiUser, pageUser] = await Promise.all([buildUser(t.deps, { role }), buildUser(t.deps, { role })]);
    const token = await tokenFor(t.app, apiUser);
    const { agent, csrf } = await signInBrowser(t.app, pageUser);
    staff.set(role, {
      ids: [apiUser.id, pageUser.id],
      caller: { api: (m, url) => request(t.app)[m](url).set('Authorization', `Bearer ${token}`), page: (m, url) => agent[m](url), csrf },
    });
  }
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
});

/** A new draft of the vendor's with one document, filed when asked. */
async function vendorSubmission(state: 'draft' | 'filed'): Promise<Target> {
  const res = await request(t.app).post(`/api/v1/proceedings/${docket}/submissions`).set('Authorization', `Bearer ${vendorToken}`)
    .send({ title: 'The vendor\'s response', argument: '1. An argument.' });
  expect(res.status).toBe(201);
  const document = await buildDocumentRow(t.deps, res.body.id, vendor.id);
  if (state === 'filed') {
    await request(t.app).post(`/api/v1/submissions/${res.body.id}/submit`).set('Authorization', `Bearer ${vendorToken}`)
      .send({ certification: { accepted: true, signature: 'Vendor Person' } }).expect(200);
  }
  return { submission: res.body.id as string, document, docket };
}

const snapshot = async (x: Target) => ({
  submission: await t.deps.db.selectFrom('submissions').select(['title', 'status', 'version', 'tracking_number']).where('id', '=', x.submission).executeTakeFirstOrThrow(),
  documents: (await t.deps.db.selectFrom('documents').select('id').where('submission_id', '=', x.submission).execute()).map((d) => d.id),
  supplements: (await t.deps.db.selectFrom('submissions').select('id').where('parent_id', '=', x.submission).execute()).length,
});
const denialsSince = (seq: number, actorIds: string[]) => t.deps.db.selectFrom('audit_events').select(['subject_id', 'data'])
  .where('action', '=', 'access.denied').where('actor_id', 'in', actorIds).where('seq', '>', String(seq)).execute();
const headSeq = async () => Number((await t.deps.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst())?.seq ?? 0);

/** Runs one case and checks the answer, the audit trail, and that the submission is unchanged unless a read or question was allowed. */
async function run(role: Role, c: RouteCase, state: 'draft' | 'filed') {
  const x = await vendorSubmission(state);
  const { caller, ids } = staff.get(role)!;
  const [before, seq] = [await snapshot(x), await headSeq()];
  const res = await c.send(caller, x);
  const expected = state === 'draft' ? (c.onDraft ?? (() => 404))(role) : c.onFiled(role);
  expect(res.status).toBe(expected);
  const denials = await denialsSince(seq, ids);
  if (expected === 403 || expected === 404) {
    // The same answer as for an id that does not exist (404), or the role's plain 403, on both faces.
    const code = expected === 404 ? 'not_found' : 'forbidden';
    if (res.type === 'application/json') expect(res.body.error.code).toBe(code);
    else expect(res.text).toContain(`Error code: <code>${code}</code>`);
    expect(denials.map((d) => d.subject_id)).toEqual([(c.subject ?? ((s: Target) => s.submission))(x, role)]);
  } else {
    expect(denials).toEqual([]);
  }
  expect(await snapshot(x)).toEqual(before);
}

const title = (c: RouteCase) => `${c.route}${c.variant ? ` (${c.variant})` : ''}`;

describe('the route table', () => {
  it('when the app\'s routes are listed, then every submission, document and receipt route has a case or a stated reason, and no case is stale', () => {
    const served = routesOf(t.app).filter((r) => /submission|document|receipt/.test(r));
    const covered = new Set([...OBJECT_ROUTES.map((c) => c.route), ...Object.keys(NOT_ONE_SUBMISSION)]);
    expect(served.filter((r) => !covered.has(r))).toEqual([]);
    expect([...covered].filter((r) => !served.includes(r))).toEqual([]);
  });
});

describe.each(ROLES)('a %s on a vendor\'s draft', (role) => {
  it.each(OBJECT_ROUTES.map((c) => [title(c), c] as const))('when they call %s, then it is refused, audited under the subject, and the draft is unchanged', async (_name, c) => {
    await run(role, c, 'draft');
  });
});

describe.each(ROLES)('a %s on a filed submission', (role) => {
  it.each(OBJECT_ROUTES.map((c) => [title(c), c] as const))('when they call %s, then staff read it, only the organization acts, and every refusal is audited', async (_name, c) => {
    await run(role, c, 'filed');
  });
});

describe('lists', () => {
  it.each(ROLES)('when a %s lists submissions (API and page, even asking for drafts), then filed ones appear and drafts never do', async (role) => {
    const [draft, filed] = [await vendorSubmission('draft'), await vendorSubmission('filed')];
    const { caller } = staff.get(role)!;
    const all = await caller.api('get', '/api/v1/submissions?limit=100');
    const ids = all.body.items.map((s: { id: string }) => s.id);
    expect(ids).toContain(filed.submission);
    expect(ids).not.toContain(draft.submission);
    expect((await caller.api('get', '/api/v1/submissions?status=draft')).body.items).toEqual([]);
    const page = await caller.page('get', '/submissions?limit=100');
    expect(page.text).toContain(filed.submission);
    expect(page.text).not.toContain(draft.submission);
    const own = await request(t.app).get('/api/v1/submissions?status=draft&limit=100').set('Authorization', `Bearer ${vendorToken}`);
    expect(own.body.items.map((s: { id: string }) => s.id)).toContain(draft.submission);
  });
});
