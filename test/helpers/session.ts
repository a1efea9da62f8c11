import request from 'supertest';
import type { Express } from 'express';
import { totpFor, type TestUser } from './factories';

/** The CSRF token a page's form carries. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no _csrf field on the page');
  return m[1];
}

/** The session cookie value from a response's Set-Cookie, if one was set. */
export function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = cookies.find((v) => /^(__Host-)?vrp_session=[^;]+/.test(v));
  return c ? /=([^;]*)/.exec(c)?.[1] : undefined;
}

/**
 * Signs in through the pages like a browser (cookie jar, CSRF token from the form, TOTP step for
 * staff) and returns the agent with the session's CSRF token for later unsafe requests.
 */
export async function signInBrowser(app: Express, user: TestUser): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string; sessionId: string }> {
  const agent = request.agent(app);
  const form = await agent.get('/sign-in');
  const res = await agent.post('/sign-in').type('form').send({ email: user.email, password: user.password, _csrf: csrfFrom(form.text), next: '/account' });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  let sessionId = sessionCookie(res);
  if (user.totpSecret) {
    const page = await agent.get('/sign-in/totp');
    const done = await agent.post('/sign-in/totp').type('form').send({ code: totpFor(user), _csrf: csrfFrom(page.text), next: '/account' });
    if (done.status !== 303) throw new Error(`TOTP step failed: ${done.status}`);
    sessionId = sessionCookie(done);
  }
  const account = await agent.get('/account');
  if (account.status !== 200) throw new Error(`not signed in: ${account.status}`);
  if (!sessionId) throw new Error('no session cookie was set');
  return { agent, csrf: csrfFrom(account.text), sessionId };
}
