import request from 'supertest';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { uploadTo } from '../fixtures/upload-client';
import { pdf } from '../fixtures/uploads';

/* The input screen's refusals in detail: limits at their edge, messages, and what is (not) stored. */

let t: TestApp;
let token: string;
let draftId: string;
const auth = () => ({ Authorization: `Bearer ${token}` });
const pageCode = (html: string) => /Error code: <code>([^<]+)<\/code>/.exec(html)?.[1];

beforeAll(async () => {
  t = await startTestApp();
  const vendor = await buildUser(t.deps);
  token = await tokenFor(t.app, vendor);
  const p = await buildProceeding(t.deps);
  const draft = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set(auth()).send({ title: 'Draft', fields: { kept: 'yes' } });
  draftId = draft.body.id as string;
});
afterAll(async () => { await t.close(); });

const patchDraft = (body: string) => request(t.app).patch(`/api/v1/submissions/${draftId}`).set(auth()).set('Content-Type', 'application/json').send(body);
const storedFields = async () => (await t.deps.db.selectFrom('submissions').select('fields').where('id', '=', draftId).executeTakeFirstOrThrow()).fields;

describe('nesting limit', () => {
  it('when a JSON body nests arrays or objects 100,000 deep, then 400 too_deeply_nested (API and pages) and the portal keeps serving', async () => {
    const arrays = `{"fields":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    // Empty keys keep 100,000 objects (500,001 bytes) under the 512 KiB body limit.
    const objects = `${'{"":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    for (const body of [arrays, objects]) {
      const api = await patchDraft(body);
      expect(api.status).toBe(400);
      expect(api.body.error.code).toBe('too_deeply_nested');
      expect(api.body.error.message).toContain('64 levels');
      const page = await request(t.app).post('/register').set('Content-Type', 'application/json').send(body);
      expect(page.status).toBe(400);
      expect(pageCode(page.text)).toBe('too_deeply_nested');
    }
    expect((await request(t.app).get('/healthz')).status).toBe(200);
    expect(await storedFields()).toEqual({ kept: 'yes' });
  });

  it('when a draft body nests exactly 64 levels, then it is saved; one level more, then 400 and nothing changes', async () => {
    // Body object (1) > fields (2) > x's arrays: 62 more make 64.
    const body = (arrays: number) => `{"fields":{"kept":"yes","x":${'['.repeat(arrays)}${']'.repeat(arrays)}}}`;
    const ok = await patchDraft(body(62));
    expect(ok.status).toBe(200);
    const refused = await patchDraft(body(63));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('too_deeply_nested');
    let depth = 0;
    for (let v: unknown = (await storedFields() as { x: unknown }).x; Array.isArray(v); v = v[0]) depth++;
    expect(depth).toBe(62);
  });
});

describe('numbers JSON cannot store', () => {
  it('when a draft field is 1e999, -1e400 or nested 1E+309, then 400 invalid_number naming the field and nothing is stored as null', async () => {
    for (const [text, field] of [['{"fields":{"n":1e999}}', 'fields.n'], ['{"fields":{"a":[-1e400]}}', 'fields.a.0'], ['{"fields":{"o":{"p":1E+309}}}', 'fields.o.p']] as const) {
      const res = await patchDraft(text);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_number');
      expect(res.body.error.details[0].field).toBe(field);
    }
    expect(await storedFields()).not.toHaveProperty('n');
    expect((await patchDraft('{"fields":{"kept":"yes","max":1.7976931348623157e308}}')).status).toBe(200);
  });
});

describe('names that exist on every object', () => {
  it('when ?sort= is constructor, __proto__ or toString, then 400 invalid_sort listing the sorts, on the API and the page', async () => {
    for (const sort of ['constructor', '__proto__', 'toString']) {
      const api = await request(t.app).get(`/api/v1/submissions?sort=${sort}`).set(auth());
      expect(api.status).toBe(400);
      expect(api.body.error).toEqual(expect.objectContaining({ code: 'invalid_sort', message: expect.stringContaining('-createdAt') }));
      const page = await request(t.app).get(`/submissions?sort=${sort}`).set(auth());
      expect(page.status).toBe(400);
      expect(pageCode(page.text)).toBe('invalid_sort');
    }
  });

  it('when draft fields carry __proto__, then 400 invalid_field_name, nothing is stored and no object gains the member', async () => {
    const res = await patchDraft('{"fields":{"kept":"no","__proto__":{"isAdmin":true}}}');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'invalid_field_name', message: expect.stringContaining('"fields.__proto__"') }));
    expect((await storedFields() as Record<string, unknown>)['kept']).toBe('yes');
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  });

  it('when draft fields are called constructor or toString, then they are stored and read back as plain fields', async () => {
    const res = await patchDraft('{"fields":{"kept":"yes","constructor":"A","toString":["B"]}}');
    expect(res.status).toBe(200);
    const read = await request(t.app).get(`/api/v1/submissions/${draftId}`).set(auth());
    expect(read.body.fields).toEqual({ kept: 'yes', constructor: 'A', toString: ['B'] });
  });

  it('when an upload is named evidence.constructor or evidence.__proto__, then 415 type_not_allowed like any other unlisted type', async () => {
    for (const name of ['evidence.constructor', 'evidence.__proto__', 'evidence.valueOf']) {
      const res = await uploadTo(t.app, token, draftId, name, pdf());
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('type_not_allowed');
    }
  });
});

describe('messages a person can act on', () => {
  it('when the API gets NUL in ?q=, then the JSON error names the parameter and the character', async () => {
    const res = await request(t.app).get('/api/v1/submissions?q=abc%00').set(auth());
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'invalid_characters',
      message: 'The query parameter "q" contains a NUL character (U+0000). Remove it and send again.',
      details: [{ field: 'q', problem: 'nul' }],
    });
  });

  it('when a page gets a repeated or badly encoded parameter, then the error page says which and what to do', async () => {
    const repeated = await request(t.app).get('/proceedings?status=open&status=closed');
    expect(repeated.status).toBe(400);
    expect(pageCode(repeated.text)).toBe('invalid_parameter');
    expect(repeated.text).toContain('Give the query parameter &quot;status&quot; once (it was sent 2 times).');
    const encoded = await request(t.app).get('/proceedings?status=%C0%AF');
    expect(encoded.status).toBe(400);
    expect(pageCode(encoded.text)).toBe('invalid_encoding');
    expect(encoded.text).toContain('is not valid UTF-8');
  });

  it('when a body is sent in another charset than UTF-8, then 415 unsupported_encoding', async () => {
    const res = await request(t.app).patch(`/api/v1/submissions/${draftId}`).set(auth())
      .set('Content-Type', 'application/json; charset=utf-16le').serialize((d: unknown) => d as string).send(Buffer.from('{"title":"x"}', 'utf16le'));
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_encoding');
  });
});

describe('which requests are screened', () => {
  /** Sends `body` chunked (no Content-Length), in two parts, to the app on a port of its own. */
  async function sendChunked(method: string, path: string, body: string) {
    const server = createServer(t.app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...auth(), 'Content-Type': 'application/json' } });
      for (const part of [body.slice(0, 5), body.slice(5)]) req.write(part);
      req.end();
      const [res] = await once(req, 'response') as [IncomingMessage];
      let text = '';
      for await (const chunk of res) text += String(chunk);
      if (!text) throw new Error(`${method} ${path}: ${res.statusCode} with an empty body`);
      return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) as { error?: { code: string } } };
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  it('when a JSON body comes chunked (no Content-Length), then it is screened like any other and nothing is stored', async () => {
    const before = await storedFields();
    const nul = await sendChunked('PATCH', `/api/v1/submissions/${draftId}`, '{"fields":{"x":"a\\u0000b"}}');
    expect(nul.headers['transfer-encoding']).toBeUndefined();
    expect([nul.status, nul.body.error?.code]).toEqual([400, 'invalid_characters']);
    const deep = await sendChunked('PATCH', `/api/v1/submissions/${draftId}`, `{"fields":{"x":${'['.repeat(70)}${']'.repeat(70)}}}`);
    expect([deep.status, deep.body.error?.code]).toEqual([400, 'too_deeply_nested']);
    expect(await storedFields()).toEqual(before);
  });

  it('when a GET carries a body, then the body is screened too', async () => {
    const proto = await request(t.app).get('/api/v1/proceedings').set('Content-Type', 'application/json').send('{"__proto__":{"x":1}}');
    expect([proto.status, proto.body.error?.code]).toEqual([400, 'invalid_field_name']);
    const surrogate = await request(t.app).get('/proceedings').set('Content-Type', 'application/json').send('{"a":"\\ud800"}');
    expect([surrogate.status, pageCode(surrogate.text)]).toEqual([400, 'invalid_characters']);
  });

  it('when a path is plain ASCII but for one escape, then the escape is still decoded and checked', async () => {
    for (const path of ['/api/v1/submissions%00', '/api/v1/submissions/%ff', '/api/v1/sub%ED%A0%80missions', '/proceedings%00']) {
      const res = await request(t.app).get(path).set(auth());
      expect([path, res.status]).toEqual([path, 400]);
    }
    expect((await request(t.app).get('/api/v1/submissions/%41').set(auth())).status).not.toBe(400);
  });
});
