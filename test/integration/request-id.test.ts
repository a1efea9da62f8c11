import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';

/*
 * X-Request-Id reaches the hash-chained audit trail and every log line: only a well-formed id
 * (8-64 of A-Z a-z 0-9 _ . -) is taken from the client; anything else gets the server's own UUID.
 */

let t: TestApp;
const lines: string[] = [];
beforeAll(async () => {
  t = await startTestApp({ listen: true, env: { LOG_LEVEL: 'debug' }, logStream: { write: (line: string) => { lines.push(line); } } });
});
afterAll(async () => { await t.close(); });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const failedSignIn = () => JSON.stringify({ email: `nobody-${randomBytes(4).toString('hex')}@example.test`, password: 'a wrong password of some length' });

/** The audit row a failed sign-in wrote under this request id. */
const auditedIds = async (id: string) => (await t.deps.db.selectFrom('audit_events').select('request_id').where('request_id', '=', id).execute()).length;

/** Sends raw bytes (headers exactly as written, any bytes) and returns the status line and headers. */
function raw(head: Buffer): Promise<{ status: number; requestId: string | undefined }> {
  const { port } = new URL(t.url);
  const body = Buffer.from(failedSignIn());
  const bytes = Buffer.concat([Buffer.from('POST /api/v1/auth/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n'
    + `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`), head, Buffer.from('\r\n'), body]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), requestId: /\r\nX-Request-Id: ([^\r]*)/i.exec(text)?.[1] });
    });
  });
}

describe('request ids chosen by the client', () => {
  it('when X-Request-Id is well formed, then it is echoed, logged and stored as the audit row\'s request id', async () => {
    const id = 'proxy-req_0042.abc';
    const res = await request(t.app).post('/api/v1/auth/tokens').set('X-Request-Id', id).set('Content-Type', 'application/json').send(failedSignIn());
    expect(res.status).toBe(401);
    expect(res.headers['x-request-id']).toBe(id);
    expect(await auditedIds(id)).toBe(1);
    expect(lines.some((l) => (JSON.parse(l) as { req?: { id?: string } }).req?.id === id)).toBe(true);
  });

  it('when X-Request-Id is 10 KB, too short, or carries spaces, markup, separators or non-ASCII, then the server\'s own UUID is used, echoed and stored instead', async () => {
    const hostile = ['x'.repeat(10_000), 'short', 'has spaces inside it', '<script>alert(1)</script>', 'a;b=c,d/e\\f"g', '../../etc/passwd', 'ünïcödé-latin1-ïd', '12345678\t9'];
    for (const id of hostile) {
      const res = await request(t.app).post('/api/v1/auth/tokens').set('X-Request-Id', id).set('Content-Type', 'application/json').send(failedSignIn());
      expect(res.status).toBe(401);
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(await auditedIds(res.headers['x-request-id'] as string)).toBe(1);
      expect(await auditedIds(id)).toBe(0);
    }
    const log = lines.join('\n');
    for (const id of hostile) expect(log).not.toContain(id);
  });

  it('when X-Request-Id arrives as raw UTF-8, repeated, or with a bare line break or folded line, then no such text reaches the trail or the logs', async () => {
    const utf8 = await raw(Buffer.from('X-Request-Id: id-€-😀-12345678\r\n', 'utf8'));
    expect(utf8.status).toBe(401);
    expect(utf8.requestId).toMatch(UUID);
    const repeated = await raw(Buffer.from('X-Request-Id: first-id-1234\r\nX-Request-Id: second-id-5678\r\n'));
    expect(repeated.status).toBe(401);
    expect(repeated.requestId).toMatch(UUID);
    // Node refuses these requests itself (400), before the portal or its logs see them.
    for (const broken of ['X-Request-Id: abcdefgh\nInjected-line-1: yes\r\n', 'X-Request-Id: abcdefgh\r\n folded-line-2\r\n', 'X-Request-Id: abcdefgh\rInjected-line-3\r\n']) {
      expect((await raw(Buffer.from(broken))).status).toBe(400);
    }
    const stored = await t.deps.db.selectFrom('audit_events').select('request_id').execute();
    for (const { request_id: id } of stored) expect(id ?? 'none-recorded').toMatch(/^[A-Za-z0-9_.-]{8,64}$/);
    const log = lines.join('\n');
    for (const text of ['😀', 'first-id-1234', 'Injected-line', 'folded-line']) expect(log).not.toContain(text);
  });
});
