import pg from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { fileResponse, staffWithToken, type Filed } from '../helpers/filings';

/**
 * The staff dashboard (GET /api/v1/dashboard and /dashboard) against rows seeded in this file's
 * own database. Assignments are written as rows: the assignment API is built on another branch of
 * issue 9. Overdue information requests are rows too (the API only accepts a due date ahead).
 */
let t: TestApp;
let r1: { user: TestUser; token: string };
let r2: { user: TestUser; token: string };
let supervisor: { user: TestUser; token: string };
let a1: Filed;
let a2: Filed;
let b1: Filed;
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const noonDaysAgo = (n: number) => { const d = new Date(); return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - n, 12)); };

/**
 * Moves a filing's time back. A filed submission's content is frozen by trigger, so this runs as
 * the owner with triggers off for the one statement: the only way to have filings on past days.
 */
async function backdate(id: string, at: Date) {
  const client = new pg.Client({ connectionString: t.ownerUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL session_replication_role = 'replica'");
    await client.query('UPDATE submissions SET submitted_at = $1 WHERE id = $2', [at, id]);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  t = await startTestApp();
  [r1, r2, supervisor] = await Promise.all([staffWithToken(t, 'reviewer'), staffWithToken(t, 'reviewer'), staffWithToken(t, 'supervisor')]);
  a1 = await fileResponse(t, { title: 'A1' });
  a2 = await fileResponse(t, { title: 'A2', vendor: { user: a1.vendor, token: a1.vendorToken }, proceeding: { id: a1.proceedingId, docket: a1.docket } });
  b1 = await fileResponse(t, { title: 'B1', proceeding: { id: a1.proceedingId, docket: a1.docket } });
  // A draft of B's: never counted anywhere.
  await request(t.app).post(`/api/v1/proceedings/${a1.docket}/submissions`).set('Authorization', `Bearer ${b1.vendorToken}`).send({ title: 'B draft' });
  const db = t.deps.db;
  await db.updateTable('submissions').set({ status: 'in_review' }).where('id', '=', a2.id).execute();
  await backdate(a1.id, noonDaysAgo(40));
  await backdate(b1.id, noonDaysAgo(3));
  const by = supervisor.user.id;
  await db.insertInto('assignments').values([
    { submission_id: a1.id, reviewer_id: r1.user.id, assigned_by: by, due_at: new Date(Date.now() - DAY) },
    { submission_id: b1.id, reviewer_id: r1.user.id, assigned_by: by, due_at: new Date(Date.now() + DAY) },
    { submission_id: a2.id, reviewer_id: r2.user.id, assigned_by: by, due_at: new Date(Date.now() + DAY) },
    { submission_id: a1.id, reviewer_id: r2.user.id, assigned_by: by, due_at: new Date(Date.now() - DAY), ended_at: new Date(), ended_by: by },
  ]).execute();
  await db.insertInto('information_requests').values([
    { submission_id: b1.id, question: 'Past due, unanswered', due_at: new Date(Date.now() - DAY), created_by: r1.user.id, answered_by: null, answered_at: null },
    { submission_id: a2.id, question: 'Past due, answered', due_at: new Date(Date.now() - DAY), created_by: r1.user.id, answered_by: a1.id, answered_at: new Date() }, // answered_by names the answering filing
  ]).execute();
});
afterAll(async () => { await t.close(); });

const dashboard = (token: string) => request(t.app).get('/api/v1/dashboard').set('Authorization', `Bearer ${token}`);
/** A conflict written by hand (not through the API): the app learns of it by PostgreSQL's notification, awaited here. */
const recuse = async (userId: string, organizationId: string) => {
  await t.deps.db.insertInto('conflicts').values({ user_id: userId, organization_id: organizationId, kind: 'financial_interest', statement: 'I hold shares.' }).execute();
  await t.changesSeen();
};
const load = (body: { workload: { reviewerId: string; openAssignments: number; overdueAssignments: number }[] }, id: string) =>
  body.workload.find((w) => w.reviewerId === id);
const filingsOn = (body: { filingsPerDay: { date: string; count: number }[] }, date: string) => body.filingsPerDay.find((d) => d.date === date)?.count;

describe('figures', () => {
  it('when staff ask for the dashboard, then counts, overdue work, workload and filings per day match the seeded rows', async () => {
    const res = await dashboard(supervisor.token);

    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ submitted: 2, in_review: 1, decided: 0, withdrawn: 0, total: 3 });
    expect(res.body.overdue.assignments.total).toBe(1);
    expect(res.body.overdue.assignments.items).toEqual([expect.objectContaining({ submissionId: a1.id, reviewer: r1.user.name })]);
    expect(res.body.overdue.informationRequests).toEqual({ total: 1, items: [expect.objectContaining({ submissionId: b1.id })] });
    expect(load(res.body, r1.user.id)).toMatchObject({ openAssignments: 2, overdueAssignments: 1 });
    expect(load(res.body, r2.user.id)).toMatchObject({ openAssignments: 1, overdueAssignments: 0 });
    expect(load(res.body, supervisor.user.id)).toMatchObject({ openAssignments: 0, overdueAssignments: 0 });
    expect(res.body.filingsPerDay).toHaveLength(30);
    expect(res.body.filingsPerDay[29].date).toBe(day(Date.now()));
    expect(filingsOn(res.body, day(Date.now()))).toBe(1);
    expect(filingsOn(res.body, day(noonDaysAgo(3).getTime()))).toBe(1);
    expect(res.body.filingsPerDay.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(2);
  });

  it('when a reviewer declares a conflict with an organization, then every figure leaves that organization out', async () => {
    const asker = await staffWithToken(t, 'reviewer');
    const before = (await dashboard(asker.token)).body;
    await recuse(asker.user.id, b1.organizationId);

    const after = (await dashboard(asker.token)).body;

    expect(before.counts.total).toBe(3);
    expect(after.counts).toEqual({ submitted: 1, in_review: 1, decided: 0, withdrawn: 0, total: 2 });
    expect(after.overdue.informationRequests).toEqual({ total: 0, items: [] });
    expect(after.overdue.assignments.total).toBe(1);
    expect(load(before, r1.user.id)!.openAssignments).toBe(2);
    expect(load(after, r1.user.id)).toMatchObject({ openAssignments: 1, overdueAssignments: 1 });
    expect(filingsOn(after, day(noonDaysAgo(3).getTime()))).toBe(0);
    expect(filingsOn(after, day(Date.now()))).toBe(1);
  });
});

describe('who may see it', () => {
  it('when a vendor or an administrator asks, then 403 forbidden and the refusal is audited', async () => {
    const admin = await staffWithToken(t, 'admin');
    for (const [id, token] of [[a1.vendor.id, a1.vendorToken], [admin.user.id, admin.token]] as const) {
      const api = await dashboard(token);
      expect(api.status).toBe(403);
      expect(api.body.error.code).toBe('forbidden');
      expect((await request(t.app).get('/dashboard').set('Authorization', `Bearer ${token}`)).status).toBe(403);
      const n = await t.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n'))
        .where('action', '=', 'access.denied').where('actor_id', '=', id).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(2);
    }
  });

  it('when legal asks, then 200; when nobody is signed in, then 401', async () => {
    const legal = await staffWithToken(t, 'legal');
    expect((await dashboard(legal.token)).status).toBe(200);
    expect((await request(t.app).get('/api/v1/dashboard')).status).toBe(401);
  });
});

describe('the page', () => {
  it('when a reviewer opens /dashboard, then the chart is an SVG image named by its title and description, with a titled bar and a table row per day', async () => {
    const res = await request(t.app).get('/dashboard').set('Authorization', `Bearer ${r2.token}`);

    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<svg class="vrp-chart"[^>]* role="img" aria-labelledby="filings-chart-title filings-chart-desc"/);
    expect(res.text).toContain('<title id="filings-chart-title">');
    expect(res.text).toContain('<desc id="filings-chart-desc">2 filings in the last 30 days');
    expect(res.text.match(/<rect class="vrp-chart__bar"[^>]*><title>\d{4}-\d\d-\d\d: \d+ filings?<\/title><\/rect>/g)).toHaveLength(30);
    const table = res.text.slice(res.text.indexOf('id="filings-table"'));
    expect(table.match(/<tr><th scope="row">\d{4}-\d\d-\d\d<\/th>/g)).toHaveLength(30);
    expect(res.text).toContain('data-state="total">3<');
  });

  it('when a recused reviewer opens /dashboard, then the page says figures leave the conflicts out and shows the smaller counts', async () => {
    const asker = await staffWithToken(t, 'reviewer');
    await recuse(asker.user.id, b1.organizationId);

    const res = await request(t.app).get('/dashboard').set('Authorization', `Bearer ${asker.token}`);

    expect(res.text).toContain('left out of every figure');
    expect(res.text).toContain('data-state="total">2<');
    expect(res.text).not.toContain('B1');
  });
});

describe('navigation', () => {
  it('when staff who review are signed in, then the header links to the queue, the dashboard and conflicts; vendors and administrators get none of them', async () => {
    const vendor = await buildUser(t.deps);
    const admin = await staffWithToken(t, 'admin');
    const page = async (token: string) => (await request(t.app).get('/proceedings').set('Authorization', `Bearer ${token}`)).text;
    const nav = (html: string) => ['/review', '/dashboard', '/account/conflicts'].filter((href) => html.includes(`class="usa-nav__link" href="${href}"`));
    expect(nav(await page(r1.token))).toEqual(['/review', '/dashboard', '/account/conflicts']);
    expect(nav(await page(supervisor.token))).toHaveLength(3);
    expect(nav(await page(await tokenFor(t.app, vendor)))).toEqual([]);
    expect(nav(await page(admin.token))).toEqual([]);
  });
});

// Last in the file: it adds a decided and a withdrawn submission, which the counts above do not expect.
describe('workload of closed submissions', () => {
  it('when a reviewer\'s open assignments are on decided or withdrawn submissions, then they are neither workload nor overdue', async () => {
    const reviewer = await staffWithToken(t, 'reviewer');
    const [decided, withdrawn, live] = [await fileResponse(t, { title: 'Closed D' }), await fileResponse(t, { title: 'Closed W' }), await fileResponse(t, { title: 'Live L' })];
    const by = supervisor.user.id;
    await t.deps.db.insertInto('assignments').values([decided, withdrawn, live].map((f) =>
      ({ submission_id: f.id, reviewer_id: reviewer.user.id, assigned_by: by, due_at: new Date(Date.now() - DAY) }))).execute();
    await t.deps.db.updateTable('submissions').set({ status: 'decided' }).where('id', '=', decided.id).execute();
    await request(t.app).post(`/api/v1/submissions/${withdrawn.id}/withdraw`).set('Authorization', `Bearer ${withdrawn.vendorToken}`).send({ reason: 'Settled.' }).expect(200);

    const res = await dashboard(supervisor.token);

    expect(load(res.body, reviewer.user.id)).toMatchObject({ openAssignments: 1, overdueAssignments: 1 });
    const overdueIds = res.body.overdue.assignments.items.map((i: { submissionId: string }) => i.submissionId);
    expect(overdueIds).toContain(live.id);
    expect(overdueIds).not.toContain(decided.id);
    expect(overdueIds).not.toContain(withdrawn.id);
    expect(res.body.overdue.assignments.total).toBe(2); // a1's, seeded above, and Live L's
  });
});
