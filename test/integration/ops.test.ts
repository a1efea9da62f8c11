import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { buildUser, tokenFor } from '../helpers/factories';

let t: TestApp;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
beforeAll(async () => {
  const server = new URL(process.env['TEST_DATABASE_URL']!);
  proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  t = await startTestApp({ appDatabaseUrl: (url) => { const u = new URL(url); u.port = String(proxy.port); return u.toString(); } });
});
afterAll(async () => { await t.close(); await proxy.stop(); });

describe('operations endpoints', () => {
  it('when the process is up, then /healthz is 200', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when requests were served, then /metrics exposes counts by route and pool gauges', async () => {
    await request(t.app).get('/api/v1/me');
    const res = await request(t.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/me",status="401"\} \d+/);
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toMatch(/db_pool_connections_total \d+/);
  });

  it('when METRICS_TOKEN is set, then /metrics answers only that bearer token (401 otherwise, with a clear code)', async () => {
    const token = 'metrics-token-of-the-monitoring-system-0123456789';
    const guarded = await startTestApp({ env: { METRICS_TOKEN: token } });
    try {
      const none = await request(guarded.app).get('/metrics');
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('metrics_token_required');
      expect(none.text).not.toContain('http_requests_total');
      expect((await request(guarded.app).get('/metrics').set('Authorization', `Bearer ${token}x`)).status).toBe(401);
      const ok = await request(guarded.app).get('/metrics').set('Authorization', `Bearer ${token}`);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('http_requests_total');
    } finally {
      await guarded.close();
    }
  });

  it('when a request says X-Forwarded-For, then only a proxy named in TRUST_PROXY is believed', async () => {
    const seenIp = async (app: TestApp) => {
      await request(app.app).post('/api/v1/auth/tokens').set('X-Forwarded-For', '203.0.113.77').send({ email: 'nobody@example.test', password: 'a wrong password of some length' });
      const row = await app.deps.db.selectFrom('audit_events').select('ip').where('action', '=', 'auth.sign_in_failed').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      return row.ip;
    };
    // The test client connects from loopback: trusted by default, not when only another proxy is named.
    expect(await seenIp(t)).toBe('203.0.113.77');
    const strict = await startTestApp({ env: { TRUST_PROXY: '10.1.2.3' } });
    try {
      expect(await seenIp(strict)).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    } finally {
      await strict.close();
    }
  });

  it('when any response is sent, then it carries the security headers and a request id', async () => {
    const res = await request(t.app).get('/api/v1/me').set('X-Request-Id', 'trace-12345678');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toBe('trace-12345678');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('when the database goes away mid-flight, then 503, the process lives, and service resumes after it returns', async () => {
    const vendor = await buildUser(t.deps);
    const token = await tokenFor(t.app, vendor);
    expect((await request(t.app).get('/readyz')).status).toBe(200);

    await proxy.cut();
    const ready = await request(t.app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'unavailable', database: 'down' });
    const api = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(api.status).toBe(503);
    expect(api.body.error.code).toBe('service_unavailable');
    expect((await request(t.app).get('/healthz')).status).toBe(200);

    await proxy.restore();
    const me = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
    expect((await request(t.app).get('/readyz')).status).toBe(200);
  }, 30_000);

  it('when the OpenAPI document is requested, then it lists the public routes', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/auth/tokens', '/me', '/users', '/audit', '/audit/verify']));
    expect(res.body.paths['/auth/tokens'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    const upload = res.body.paths['/submissions/{id}/documents'].post.requestBody.content['multipart/form-data'].schema;
    expect(upload.required).toEqual(['file']);
    expect(upload.properties.file).toEqual({ type: 'string', format: 'binary' });
    expect(upload.properties.confidential.enum).toEqual(['true', 'false']);
  });
});
