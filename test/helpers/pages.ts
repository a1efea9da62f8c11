import request from 'supertest';
import type { TestApp } from './app';
import { buildUser, type TestUser } from './factories';
import { signInBrowser } from './session';

type Agent = ReturnType<typeof request.agent>;
/** A vendor signed in through the pages: cookie-carrying agent plus the session's CSRF token. */
export interface PageSession { user: TestUser; agent: Agent; csrf: string }

/** A new vendor (of its own organization unless one is given), signed in like a browser. */
export async function vendorSession(t: TestApp, organizationId?: string): Promise<PageSession> {
  const user = await buildUser(t.deps, organizationId ? { organizationId } : {});
  const { agent, csrf } = await signInBrowser(t.app, user);
  return { user, agent, csrf };
}

/** A hidden field's value on a page. */
export function hiddenValue(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m?.[1]) throw new Error(`no hidden ${name} on the page`);
  return m[1];
}

export const idFrom = (location: string): string => /\/submissions\/([0-9a-f-]{36})/.exec(location)![1]!;

/** Creates a draft through the new-response page, as the browser form posts it. */
export async function createViaPage(s: PageSession, docket: string, form: Record<string, string> = {}): Promise<string> {
  const res = await s.agent.post(`/proceedings/${docket}/submissions`).type('form')
    .send({ _csrf: s.csrf, title: 'Response of Acme', summary: '', argument: '1. The notice cites no evidence about our products.', ...form });
  expect(res.status).toBe(303);
  return idFrom(res.headers['location']!);
}

/** Opens the review page and files from it (accepting and signing), as a person would. */
export async function fileViaPages(s: PageSession, id: string, signature = 'Jane Q. Filer'): Promise<request.Response> {
  const review = await s.agent.get(`/submissions/${id}/review`);
  return s.agent.post(`/submissions/${id}/submit`).type('form')
    .send({ _csrf: s.csrf, idempotencyKey: hiddenValue(review.text, 'idempotencyKey'), accept: 'yes', signature });
}
