import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor, type TestUser } from '../helpers/factories';
import { csrfFrom } from '../helpers/session';
import { registeredRoutes, type RegisteredRoute } from '../helpers/routes';

/*
 * Sweeps every registered route (read from the router, so new routes are swept too) with hostile
 * input, as an anonymous browser (pre-sign-in CSRF token), a vendor and an administrator (bearer).
 * Probes the input screen owns must get 400 with its stable code; every other probe must never 5xx.
 */

interface Caller { name: string; signedIn: boolean; headers: Record<string, string>; refresh(): Promise<void> }
interface Body { type: string; data: string | Buffer }
interface Probe { what: string; code: string; query?: string; pathSuffix?: string; body?: Body }

const json = (data: string | Buffer): Body => ({ type: 'application/json', data });
const form = (data: string | Buffer): Body => ({ type: 'application/x-www-form-urlencoded', data });
const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const nestedObjects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

const SCREENED: Probe[] = [
  { what: 'NUL in a query value', query: 'q=%00', code: 'invalid_characters' },
  { what: 'NUL in the docket query', query: 'docket=T-%00', code: 'invalid_characters' },
  { what: 'NUL in a query name', query: 'so%00rt=1', code: 'invalid_characters' },
  { what: 'invalid UTF-8 in a query value', query: 'x=%C0%AF', code: 'invalid_encoding' },
  { what: 'an encoded lone surrogate in a query value', query: 'q=%ED%A0%80', code: 'invalid_encoding' },
  { what: 'a repeated query parameter', query: 'q=a&q=b', code: 'invalid_parameter' },
  { what: 'NUL in the path', pathSuffix: '%00', code: 'invalid_characters' },
  { what: 'invalid UTF-8 in the path', pathSuffix: '%C0%AF', code: 'invalid_encoding' },
  { what: 'a broken percent escape in the path', pathSuffix: '%zz', code: 'invalid_encoding' },
  { what: 'NUL in a JSON string', body: json('{"title":"a\\u0000b","reason":"r"}'), code: 'invalid_characters' },
  { what: 'a lone surrogate written raw in JSON', body: json('{"title":"x\\ud800y"}'), code: 'invalid_characters' },
  { what: 'a lone low surrogate in a nested JSON key', body: json('{"fields":{"k\\udc00":1}}'), code: 'invalid_characters' },
  { what: 'NUL in a JSON key inside an array', body: json('{"a":[1,{"b\\u0000":1}]}'), code: 'invalid_characters' },
  { what: '__proto__ as a JSON key', body: json('{"fields":{"__proto__":{"polluted":true}}}'), code: 'invalid_field_name' },
  { what: 'JSON arrays nested 5,000 deep', body: json(`{"fields":${nested(5000)}}`), code: 'too_deeply_nested' },
  { what: 'JSON objects nested 5,000 deep', body: json(nestedObjects(5000)), code: 'too_deeply_nested' },
  { what: 'invalid UTF-8 bytes in a JSON body', body: json(Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])), code: 'invalid_encoding' },
  { what: 'NUL in a form field', body: form('title=a%00b&reason=r'), code: 'invalid_characters' },
  { what: 'invalid UTF-8 in a form field', body: form('email=%C0%AF'), code: 'invalid_encoding' },
  { what: 'raw invalid UTF-8 bytes in a form', body: form(Buffer.from([0x71, 0x3d, 0xff])), code: 'invalid_encoding' },
  { what: '__proto__ as a form field name', body: form('__proto__=x'), code: 'invalid_field_name' },
];

/** Names that exist on every JavaScript object (functions, and the prototype object itself): as values they must read as unknown. */
const OBJECT_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
/** Query names routes read; a route that lists its allowed names in a 400 is probed with those. */
const QUERY_NAMES = ['sort', 'status', 'kind', 'format', 'q', 'docket', 'next', 'token', 'cursor', 'limit', 'filed', 'sent', 'invited',
  'signedOut', 'activated', 'supplementTo', 'replyTo', 'organizationId', 'subjectId', 'actorId', 'action', 'assignee', 'created', 'saved'];

let t: TestApp;
let routes: RegisteredRoute[];
let callers: Caller[];
let vendor: TestUser;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  routes = registeredRoutes(t.app);
  vendor = await buildUser(t.deps);
  const proceeding = await buildProceeding(t.deps);
  const token = await tokenFor(t.app, vendor);
  const draft = await request(t.app).post(`/api/v1/proceedings/${proceeding.docket}/submissions`).set('Authorization', `Bearer ${token}`)
    .send({ title: 'Swept draft', argument: 'A draft for the sweep.' });
  if (draft.status !== 201) throw new Error(`draft: ${draft.status} ${draft.text}`);
  Object.assign(ids, { docket: proceeding.docket, submission: draft.body.id as string, organization: vendor.organizationId!, user: vendor.id });
  ids['document'] = await buildDocumentRow(t.deps, ids['submission']!, vendor.id);
  callers = [await anonymous(), bearerCaller('vendor', token, () => tokenFor(t.app, vendor)), await adminCaller()];
}, 60_000);
afterAll(async () => { await t.close(); });

async function anonymous(): Promise<Caller> {
  const page = await request(t.app).get('/sign-in');
  const cookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  return { name: 'anonymous', signedIn: false, headers: { Cookie: cookie, 'X-CSRF-Token': csrfFrom(page.text) }, refresh: async () => {} };
}

function bearerCaller(name: string, token: string, mint: () => Promise<string>): Caller {
  const caller: Caller = {
    name, signedIn: true, headers: { Authorization: `Bearer ${token}` },
    async refresh() { caller.headers = { Authorization: `Bearer ${await mint()}` }; },
  };
  return caller;
}

/** A TOTP code works once, so a revoked administrator token is replaced by a new administrator's. */
async function adminCaller(): Promise<Caller> {
  const mint = async () => tokenFor(t.app, await buildUser(t.deps, { role: 'admin' }));
  return bearerCaller('admin', await mint(), mint);
}

/** The path with each `:param` filled by a real id (or `hostile` for the one named `only`). */
function fill(path: string, hostile?: { param: string; value: string }): string {
  return path.replace(/:(\w+)/g, (_m, param: string, offset: number) => {
    if (hostile?.param === `${param}@${offset}`) return hostile.value;
    if (param === 'docket') return ids['docket']!;
    if (param === 'docId') return ids['document']!;
    const owner = path.slice(0, offset).split('/').filter(Boolean).pop();
    return ({ submissions: ids['submission'], documents: ids['document'], organizations: ids['organization'], users: ids['user'] } as Record<string, string | undefined>)[owner ?? '']
      ?? '00000000-0000-4000-8000-000000000000';
  });
}

function send(route: RegisteredRoute, url: string, caller: Caller, body?: Body): request.Test {
  const agent = request(t.app) as unknown as Record<string, (url: string) => request.Test>;
  const req = agent[route.method]!(url).set(caller.headers);
  if (!body) return req;
  // Bytes go out as they are (superagent would JSON-encode a Buffer).
  return req.set('Content-Type', body.type).serialize((d: unknown) => d as string).send(body.data);
}

/** The stable code of an error answer: from the JSON shape (API) or the error page (pages). */
function codeOf(res: request.Response, path: string): string | undefined {
  if (path.startsWith('/api/')) return res.type === 'application/json' ? (res.body as { error?: { code?: string } }).error?.code : undefined;
  return res.type === 'text/html' ? /Error code: <code>([^<]+)<\/code>/.exec(res.text)?.[1] : undefined;
}

/** Replaces a revoked token (a swept sign-out can end it) before the next route is probed. */
async function stillSignedIn(caller: Caller): Promise<void> {
  if (caller.signedIn && (await request(t.app).get('/api/v1/me').set(caller.headers)).status === 401) await caller.refresh();
}

const line = (route: RegisteredRoute, caller: Caller, what: string, res: request.Response) =>
  `${route.method.toUpperCase()} ${route.path} as ${caller.name}, ${what}: ${res.status} ${res.text.slice(0, 120)}`;

describe('the input screen, swept over every route', () => {
  it('when the routes are read from the router, then pages, API and operations routes are all there', () => {
    const names = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(names.length).toBeGreaterThan(60);
    for (const known of ['GET /healthz', 'POST /api/v1/auth/tokens', 'GET /api/v1/submissions', 'PATCH /api/v1/submissions/:id', 'POST /sign-in', 'GET /submissions', 'POST /submissions/:id/documents']) {
      expect(names).toContain(known);
    }
  });

  it('when any route gets NUL, lone surrogates, invalid UTF-8, __proto__ names, repeated parameters or deep JSON, then 400 with the screen\'s code, for pages and API alike', async () => {
    const wrong: string[] = [];
    // The screen runs before sign-in is resolved: anonymous and vendor callers are enough here.
    for (const caller of callers.filter((c) => c.name !== 'admin')) {
      for (const route of routes) {
        for (const probe of SCREENED) {
          const url = `${fill(route.path)}${probe.pathSuffix ?? ''}${probe.query ? `?${probe.query}` : ''}`;
          const res = await send(route, url, caller, probe.body);
          if (res.status !== 400 || codeOf(res, route.path) !== probe.code) wrong.push(line(route, caller, probe.what, res));
        }
        await stillSignedIn(caller);
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);

  it('when names that exist on every object are sent as query values, then no route answers 5xx', async () => {
    const wrong: string[] = [];
    for (const caller of callers) {
      for (const route of routes) {
        for (const query of await lookupQueries(route, caller)) {
          const res = await send(route, `${fill(route.path)}?${query}`, caller);
          if (res.status >= 500) wrong.push(line(route, caller, query, res));
        }
        await stillSignedIn(caller);
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);

  it('when a path parameter is NUL, invalid UTF-8 or a name on every object, then 4xx (anonymous pages may send to sign-in first)', async () => {
    const wrong: string[] = [];
    for (const caller of callers) {
      for (const route of routes) {
        for (const m of route.path.matchAll(/:(\w+)/g)) {
          for (const value of ['%00', '%C0%AF', '__proto__', 'constructor', 'toString']) {
            const res = await send(route, fill(route.path, { param: `${m[1]}@${m.index}`, value }), caller);
            const toSignIn = !caller.signedIn && res.status === 303 && String(res.headers['location']).startsWith('/sign-in');
            const screened = value.startsWith('%') ? res.status === 400 : res.status >= 400 && res.status < 500;
            if (!screened && !(toSignIn && !value.startsWith('%'))) wrong.push(line(route, caller, `:${m[1]}=${value}`, res));
          }
        }
        await stillSignedIn(caller);
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);
});

/**
 * Query strings for the lookup probe: a route that refuses unknown names (and lists the allowed
 * ones) gets each allowed name with each object name; any other route gets all known names at once.
 */
async function lookupQueries(route: RegisteredRoute, caller: Caller): Promise<string[]> {
  const res = await send(route, `${fill(route.path)}?vrpProbeUnknownName=1`, caller);
  const allowed = /Allowed: ([\w, ]+)\./.exec(codeOf(res, route.path) === 'unknown_parameter' ? (res.body?.error?.message ?? res.text) : '')?.[1];
  if (allowed) return allowed.split(', ').flatMap((name) => OBJECT_NAMES.map((v) => `${name}=${v}`));
  return OBJECT_NAMES.map((v) => QUERY_NAMES.map((name) => `${name}=${v}`).join('&'));
}
