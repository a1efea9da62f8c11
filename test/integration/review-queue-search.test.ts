import pg from 'pg';
import request from 'supertest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildOrganization, buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { fileResponse, staffWithToken } from '../helpers/filings';
import { signInBrowser } from '../helpers/session';
import { staffGet } from '../helpers/queue';
import { estimateMatches } from '../../server/submissions/queue.repository';
import { WALK_SHARE } from '../../server/submissions/queue.list';

let t: TestApp;
let reviewer: { user: { id: string }; token: string };
beforeAll(async () => {
  t = await startTestApp();
  reviewer = await staffWithToken(t, 'reviewer');
});
afterAll(async () => { await t.close(); });

const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id).sort();
const queue = (qs: string) => staffGet(t, reviewer.token, `/api/v1/submissions?${qs}`);
const counts = (qs: string) => staffGet(t, reviewer.token, `/api/v1/submissions/counts?${qs}`);

/** A vendor of a new organization with this legal name, with a token. */
async function vendorOf(legalName: string) {
  const user = await buildUser(t.deps, { organizationId: await buildOrganization(t.deps, { legalName }) });
  return { user, token: await tokenFor(t.app, user) };
}

describe('full-text search', () => {
  it('when the words are in the organization name, the title or the argument, or the tracking number is given, then each is found, stemmed, and others are not', async () => {
    const proceeding = await buildProceeding(t.deps);
    const byOrg = await fileResponse(t, { proceeding, vendor: await vendorOf('Quasarwind Telemetry LLC'), title: 'Plain title' });
    const byTitle = await fileResponse(t, { proceeding, title: 'Objection about quasarwinds' });
    const byArgument = await fileResponse(t, { proceeding, argument: '1. Our quasarwind modules were never tested by the agency.' });
    const bySummary = await fileResponse(t, { proceeding, summary: 'Firmware of the quasarwind line.' });
    const other = await fileResponse(t, { proceeding, title: 'Nothing relevant' });
    const d = `docket=${proceeding.docket}`;
    expect(ids((await queue(`${d}&q=quasarwind`)).body)).toEqual([byOrg.id, byTitle.id, byArgument.id, bySummary.id].sort());
    expect(ids((await queue(`${d}&q=${encodeURIComponent('"quasarwind telemetry"')}`)).body)).toEqual([byOrg.id]);
    expect(ids((await queue(`${d}&q=${encodeURIComponent('quasarwind -telemetry -modules')}`)).body)).toEqual([byTitle.id, bySummary.id].sort());
    expect((await queue(`${d}&q=zzzunmatched`)).body.items).toEqual([]);
    expect(ids((await queue(`q=${other.trackingNumber}`)).body)).toEqual([other.id]);
    expect(ids((await queue(d)).body)).toContain(other.id);
  });

  it('when an organization is renamed, then its filed submissions are found by the new name and no longer by the old', async () => {
    const proceeding = await buildProceeding(t.deps);
    const filed = await fileResponse(t, { proceeding, vendor: await vendorOf('Oldbrook Devices Inc.') });
    await sql`UPDATE organizations SET legal_name = 'Newbrook Devices Inc.' WHERE id = ${filed.organizationId}`.execute(t.deps.db);
    const d = `docket=${proceeding.docket}`;
    expect(ids((await queue(`${d}&q=newbrook`)).body)).toEqual([filed.id]);
    expect((await queue(`${d}&q=oldbrook`)).body.items).toEqual([]);
  });

  it('when more rows match than fit a page, then search pages by keyset newest first without skips or repeats', async () => {
    const proceeding = await buildProceeding(t.deps);
    const filed = [];
    for (let i = 0; i < 5; i++) filed.push(await fileResponse(t, { proceeding, title: `Gyroscope response ${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await queue(`docket=${proceeding.docket}&q=gyroscope&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(filed.map((f) => f.id).reverse());
  });

  it('when the statistics call a word common, then the newest-first walk pages through its matches without skips or repeats', async () => {
    const proceeding = await buildProceeding(t.deps);
    const filed = [];
    for (let i = 0; i < 5; i++) filed.push(await fileResponse(t, { proceeding, title: `Pyrometer response ${i}` }));
    const owner = new pg.Client({ connectionString: t.ownerUrl }); // only the owner may ANALYZE
    await owner.connect();
    await owner.query('ANALYZE submissions');
    await owner.end();
    const who = { userId: reviewer.user.id, hiddenOrganizations: [] };
    const matching = await estimateMatches(t.deps.db, { flags: {}, text: 'pyrometer' }, who);
    expect(matching).toBeGreaterThanOrEqual(WALK_SHARE * await estimateMatches(t.deps.db, { flags: {} }, who));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await queue(`docket=${proceeding.docket}&q=pyrometer&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(filed.map((f) => f.id).reverse());
    expect((await queue(`docket=${proceeding.docket}&q=pyrometer%20-response`)).body.items).toEqual([]);
  });

  it('when the queue page searches, then matches are wrapped in <mark> and vendor markup arrives escaped', async () => {
    const proceeding = await buildProceeding(t.deps);
    await fileResponse(t, { proceeding, title: 'Bolometer <script>alert(1)</script> claim' });
    const staff = await buildUser(t.deps, { role: 'reviewer' });
    const { agent } = await signInBrowser(t.app, staff);
    const page = await agent.get(`/review?docket=${proceeding.docket}&q=bolometer`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<mark>Bolometer</mark> &lt;script&gt;alert(1)&lt;/script&gt; claim');
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).not.toMatch(/[\uE000\uE001]/);
  });
});

describe('counts', () => {
  it('when filters and search are given, then counts per state honour them and drafts never count', async () => {
    const proceeding = await buildProceeding(t.deps);
    const a = await fileResponse(t, { proceeding, title: 'Magnetron filing' });
    await fileResponse(t, { proceeding, title: 'Magnetron second filing' });
    await fileResponse(t, { proceeding, title: 'Other filing' });
    await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set('Authorization', `Bearer ${a.vendorToken}`).send({ title: 'Magnetron draft' });
    await sql`UPDATE submissions SET status = 'in_review' WHERE id = ${a.id}`.execute(t.deps.db);
    const d = `docket=${proceeding.docket}`;
    expect((await counts(d)).body).toEqual({ counts: { submitted: 2, in_review: 1, decided: 0, withdrawn: 0 }, estimated: false });
    expect((await counts(`${d}&q=magnetron`)).body.counts).toEqual({ submitted: 1, in_review: 1, decided: 0, withdrawn: 0 });
    expect((await counts(`${d}&status=in_review`)).body.counts).toEqual({ submitted: 0, in_review: 1, decided: 0, withdrawn: 0 });
    expect((await counts(`${d}&assignee=unassigned&q=magnetron`)).body.counts.submitted).toBe(1);
  });

  it('when counts get paging or unknown parameters, then 400 with a stable code', async () => {
    expect((await counts('sort=-submittedAt')).body.error.code).toBe('unknown_parameter');
    expect((await counts('status=nope')).body.error.code).toBe('invalid_status');
    expect((await counts('q=a&q=b')).body.error.code).toBe('invalid_parameter');
  });
});
