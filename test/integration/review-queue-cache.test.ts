import request from 'supertest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding } from '../helpers/factories';
import { fileResponse, staffWithToken } from '../helpers/filings';
import { staffGet } from '../helpers/queue';

// The queue keeps answers per state of the record (the audit head the request starts from) for two
// seconds: these hold that a change made through the portal is seen by the very next request, that
// answers never cross between people whose view differs, and that the TTL bounds what no event marks.
let t: TestApp;
let reviewer: { user: { id: string }; token: string };
let supervisor: { user: { id: string }; token: string };
beforeAll(async () => {
  t = await startTestApp();
  reviewer = await staffWithToken(t, 'reviewer');
  supervisor = await staffWithToken(t, 'supervisor');
});
afterAll(async () => { await t.close(); });

const queue = (qs: string, token = reviewer.token) => staffGet(t, token, `/api/v1/submissions?${qs}`);
const countsOf = (qs: string, token = reviewer.token) => staffGet(t, token, `/api/v1/submissions/counts?${qs}`);

describe('queue answers kept per state of the record', () => {
  it('when a supervisor assigns through the API, then the same queue URL asked again at once shows the assignment and the new counts', async () => {
    const proceeding = await buildProceeding(t.deps);
    const filed = await fileResponse(t, { proceeding });
    const url = `docket=${proceeding.docket}`;
    expect((await queue(url)).body.items[0].assignees).toEqual([]);
    expect((await countsOf(url)).body.counts.submitted).toBe(1);
    await request(t.app).post(`/api/v1/submissions/${filed.id}/assignments`).set('Authorization', `Bearer ${supervisor.token}`)
      .send({ reviewerId: reviewer.user.id, dueAt: new Date(Date.now() + 86_400_000).toISOString() }).expect(201);
    const after = (await queue(url)).body.items[0];
    expect(after.assignees).toEqual([expect.objectContaining({ id: reviewer.user.id })]);
    expect(after.status).toBe('in_review');
    expect((await countsOf(url)).body.counts).toEqual(expect.objectContaining({ submitted: 0, in_review: 1 }));
    expect((await queue(`${url}&assignee=me`)).body.items.map((i: { id: string }) => i.id)).toEqual([filed.id]);
    expect((await queue(`${url}&assignee=me`, supervisor.token)).body.items).toEqual([]);
  });

  it('when one reviewer declares a conflict, then the same URL answers each person by their own recusals, in any order', async () => {
    const proceeding = await buildProceeding(t.deps);
    const filed = await fileResponse(t, { proceeding });
    const other = await staffWithToken(t, 'reviewer');
    const url = `docket=${proceeding.docket}`;
    expect((await queue(url, other.token)).body.items).toHaveLength(1);
    await request(t.app).post('/api/v1/conflicts').set('Authorization', `Bearer ${other.token}`)
      .send({ organizationId: filed.organizationId, kind: 'competitor', statement: 'We bid against them.' }).expect(201);
    for (let i = 0; i < 2; i++) {
      expect((await queue(url, other.token)).body.items).toEqual([]);
      expect((await queue(url)).body.items.map((x: { id: string }) => x.id)).toEqual([filed.id]);
      expect((await countsOf(url, other.token)).body.counts.submitted).toBe(0);
      expect((await countsOf(url)).body.counts.submitted).toBe(1);
    }
  });

  it('when a row is changed by hand in SQL (no audit event), then the queue shows it within the two-second bound', async () => {
    const proceeding = await buildProceeding(t.deps);
    await fileResponse(t, { proceeding, title: 'Before the hand edit' });
    const url = `docket=${proceeding.docket}`;
    expect((await queue(url)).body.items[0].priority).toBe('normal');
    await sql`UPDATE submissions SET priority = 'urgent' WHERE proceeding_id = ${proceeding.id}`.execute(t.deps.db);
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await queue(url)).body.items[0].priority).toBe('urgent');
  });
});
