import request from 'supertest';
import type { TestApp } from './app';
import { buildProceeding, buildUser, tokenFor, type TestUser } from './factories';

/** A response filed through the real API by a vendor of its own organization. */
export interface Filed {
  id: string;
  trackingNumber: string;
  docket: string;
  proceedingId: string;
  organizationId: string;
  vendor: TestUser;
  vendorToken: string;
}

/**
 * Files a response the way a vendor does (draft, then submit with the certification), so review
 * tests start from what the product really stores. Pass `proceeding` to file several in one docket,
 * `vendor` (with its token) to file another for the same organization.
 */
export async function fileResponse(t: TestApp, opts: {
  proceeding?: { id: string; docket: string };
  vendor?: { user: TestUser; token: string };
  title?: string; summary?: string; argument?: string;
} = {}): Promise<Filed> {
  const proceeding = opts.proceeding ?? await buildProceeding(t.deps);
  const user = opts.vendor?.user ?? await buildUser(t.deps);
  const token = opts.vendor?.token ?? await tokenFor(t.app, user);
  const auth = { Authorization: `Bearer ${token}` };
  const draft = await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set(auth).send({
    title: opts.title ?? 'Response of Example Software', summary: opts.summary ?? 'Why the directive should not apply to us.',
    argument: opts.argument ?? '1. The directive rests on no evidence about our products.\n2. We were given no chance to answer before it issued.',
  });
  if (draft.status !== 201) throw new Error(`draft refused: ${draft.status} ${JSON.stringify(draft.body)}`);
  const filed = await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set(auth)
    .send({ certification: { accepted: true, signature: 'Jane Q. Filer' } });
  if (filed.status !== 200) throw new Error(`filing refused: ${filed.status} ${JSON.stringify(filed.body)}`);
  return {
    id: draft.body.id as string, trackingNumber: filed.body.trackingNumber as string, docket: proceeding.docket, proceedingId: proceeding.id,
    organizationId: user.organizationId!, vendor: user, vendorToken: token,
  };
}

/** A staff member of `role` with a bearer token (TOTP enrolled, as staff must be). */
export async function staffWithToken(t: TestApp, role: 'reviewer' | 'supervisor' | 'legal' | 'admin'): Promise<{ user: TestUser; token: string }> {
  const user = await buildUser(t.deps, { role });
  return { user, token: await tokenFor(t.app, user) };
}
