import { IncomingMessage, ServerResponse, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { REQUEST_FIELDS, RESPONSE_FIELDS, createHttpServer } from '../../server/http/server';
import { requestLog } from '../../server/http/request-log';

/* The request and response classes of createHttpServer: fields declared at birth, nothing else changed. */

/** Where `name` is defined along `proto`'s chain, if anywhere. */
function definedOn(proto: object | null, name: string): PropertyDescriptor | undefined {
  for (let p = proto; p; p = Object.getPrototypeOf(p) as object | null) {
    const found = Object.getOwnPropertyDescriptor(p, name);
    if (found) return found;
  }
  return undefined;
}

async function serve(listener: Parameters<typeof createHttpServer>[0], method = 'GET', path = '/x?a=1') {
  const server = createHttpServer(listener).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, method, path }, (res) => {
        let body = '';
        res.on('data', (c) => { body += String(c); }).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      }).on('error', reject).end();
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('createHttpServer', () => {
  it('declares no field that Node or Express defines on their prototypes (no getter is shadowed)', () => {
    for (const name of REQUEST_FIELDS) {
      expect([name, definedOn(express.request, name)]).toEqual([name, undefined]);
      expect([name, definedOn(IncomingMessage.prototype, name)]).toEqual([name, undefined]);
    }
    for (const name of RESPONSE_FIELDS) {
      expect([name, definedOn(express.response, name)]).toEqual([name, undefined]);
      expect([name, definedOn(ServerResponse.prototype, name)]).toEqual([name, undefined]);
    }
  });

  it('when a request arrives, then it and its response carry every declared field from the start', async () => {
    const res = await serve((req, out) => {
      out.end(JSON.stringify({ req: REQUEST_FIELDS.filter((f) => !Object.hasOwn(req, f)), res: RESPONSE_FIELDS.filter((f) => !Object.hasOwn(out, f)) }));
    });
    expect(JSON.parse(res.body)).toEqual({ req: [], res: [] });
  });

  it('when an Express app serves through it, then its getters, locals, bodies and req.log work as before', async () => {
    const lines: string[] = [];
    const app = express();
    app.use(requestLog(pino({}, { write: (l: string) => { lines.push(l); } }), app.request));
    app.get('/x', (req, res) => {
      req.log?.info('from the handler');
      res.locals['seen'] = true;
      res.json({ path: req.path, query: req.query, body: req.body ?? null, ip: req.ip, locals: res.locals['seen'], id: req.id });
    });
    const res = await serve(app);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body).toEqual({ path: '/x', query: { a: '1' }, body: null, ip: '127.0.0.1', locals: true, id: res.headers['x-request-id'] });
    expect(lines.map((l) => JSON.parse(l) as { msg: string; reqId?: string }).find((l) => l.msg === 'from the handler')?.reqId).toBe(res.headers['x-request-id']);
  });

  it('when the request is a HEAD, then the response still has no body (Node\'s own response setup runs)', async () => {
    const res = await serve((_req, out) => { out.setHeader('Content-Type', 'text/plain'); out.end('a body'); }, 'HEAD');
    expect([res.status, res.body]).toEqual([200, '']);
  });
});
