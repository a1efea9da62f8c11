import { sql } from 'kysely';
import request from 'supertest';
import type { TestApp } from './app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor } from './factories';
import { fileResponse, type Filed } from './filings';

/** Queue tests: a staff GET with a bearer token, returning status and body. */
export async function staffGet(t: TestApp, token: string, path: string) {
  const res = await request(t.app).get(path).set('Authorization', `Bearer ${token}`);
  return { status: res.status, body: res.body };
}

/**
 * A response filed with documents attached while it was a draft (documents freeze at filing):
 * a confidential one (with its public version) and/or one carrying an inspection flag.
 */
export async function fileWithDocuments(t: TestApp, proceeding: { id: string; docket: string }, docs: { confidential?: boolean; flagged?: boolean }): Promise<{ id: string }> {
  const user = await buildUser(t.deps);
  const token = await tokenFor(t.app, user);
  const auth = { Authorization: `Bearer ${token}` };
  const draft = await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set(auth)
    .send({ title: 'Response with exhibits', argument: '1. See the exhibits.' });
  const id = draft.body.id as string;
  if (docs.confidential) {
    const secret = await buildDocumentRow(t.deps, id, user.id, { confidential: true, label: 'Pricing (confidential)' });
    await buildDocumentRow(t.deps, id, user.id, { publicVersionOf: secret, label: 'Pricing (public)' });
  }
  if (docs.flagged) {
    const doc = await buildDocumentRow(t.deps, id, user.id, { label: 'Macro sheet' });
    await sql`UPDATE documents SET flags = '["active_content"]'::jsonb WHERE id = ${doc}`.execute(t.deps.db);
  }
  const filed = await request(t.app).post(`/api/v1/submissions/${id}/submit`).set(auth).send({ certification: { accepted: true, signature: 'Jane Q. Filer' } });
  if (filed.status !== 200) throw new Error(`filing refused: ${filed.status} ${JSON.stringify(filed.body)}`);
  return { id };
}

/** An open assignment row (the triage API is another area's; the queue only reads the table). */
export async function assign(t: TestApp, submissionId: string, reviewerId: string, dueAt: Date): Promise<void> {
  await t.deps.db.insertInto('assignments').values({ submission_id: submissionId, reviewer_id: reviewerId, assigned_by: reviewerId, due_at: dueAt }).execute();
}

/** A declared, active conflict of `userId` with `organizationId` (row as the conflicts area writes it). */
export async function declareConflict(t: TestApp, userId: string, organizationId: string): Promise<void> {
  await t.deps.db.insertInto('conflicts').values({ user_id: userId, organization_id: organizationId, kind: 'competitor', statement: 'We compete for the same contracts.' }).execute();
  await t.changesSeen(); // a change by hand: seen by the app's credential cache once its notification arrives
}

/** Several responses in one fresh proceeding. */
export async function fileSeveral(t: TestApp, n: number, opts: { title?: (i: number) => string } = {}): Promise<{ proceeding: { id: string; docket: string }; filed: Filed[] }> {
  const proceeding = await buildProceeding(t.deps);
  const filed: Filed[] = [];
  for (let i = 0; i < n; i++) filed.push(await fileResponse(t, { proceeding, title: opts.title?.(i) }));
  return { proceeding, filed };
}
