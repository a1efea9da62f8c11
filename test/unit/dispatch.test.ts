import express, { Router, type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { firstSegments, routeBySegment, series } from '../../server/http/dispatch';
import { routesOf } from '../helpers/routes';

// The two helpers must keep what mounting each layer and router in order gave: the same handler
// answers, errors reach the error handlers, and a request no router takes goes on.
const errorsAsJson: ErrorRequestHandler = (err: Error, _req, res, _next) => { res.status(500).json({ error: err.message }); };

const answering = (name: string, ...paths: string[]) => {
  const r = Router();
  for (const p of paths) r.get(p, (_req, res) => { res.json({ by: name, path: p }); });
  return r;
};

describe('series', () => {
  const appWith = (...steps: express.RequestHandler[]) => {
    const app = express();
    app.use(series(...steps));
    app.get('/x', (_req, res) => { res.json({ seen: res.locals['seen'] ?? [] }); });
    app.use(errorsAsJson);
    return app;
  };
  const mark = (name: string): express.RequestHandler => (_req, res, next) => {
    res.locals['seen'] = [...(res.locals['seen'] as string[] | undefined ?? []), name];
    next();
  };

  it('when every step calls next, then they run in order and the route answers', async () => {
    const res = await request(appWith(mark('a'), mark('b'), mark('c'))).get('/x');
    expect(res.body).toEqual({ seen: ['a', 'b', 'c'] });
  });

  it.each([
    ['throws', (): void => { throw new Error('thrown'); }, 'thrown'],
    ['passes an error to next', (_req: unknown, _res: unknown, next: (e?: unknown) => void): void => { next(new Error('passed')); }, 'passed'],
    ['rejects (async)', async (): Promise<void> => { await Promise.resolve(); throw new Error('rejected'); }, 'rejected'],
  ])('when a step %s, then the error handler answers and later steps never run', async (_label, failing, message) => {
    let later = false;
    const res = await request(appWith(mark('a'), failing as express.RequestHandler, () => { later = true; })).get('/x');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: message });
    expect(later).toBe(false);
  });

  it('when a step answers without calling next, then nothing after it runs', async () => {
    const app = appWith((_req, res) => { res.status(204).end(); });
    expect((await request(app).get('/x')).status).toBe(204);
  });
});

describe('routeBySegment', () => {
  const appWith = (routers: Router[]) => {
    const app = express();
    app.use(routeBySegment(routers));
    app.use((_req, res) => { res.status(404).json({ by: 'not found' }); });
    app.use(errorsAsJson);
    return app;
  };

  it('reads first segments from routes, nested routers mounted at /, and treats parameters as any', () => {
    const nested = Router();
    nested.use(answering('inner', '/documents/:id'));
    nested.get('/submissions', (_req, res) => { res.end(); });
    expect(firstSegments(nested)).toEqual(new Set(['documents', 'submissions']));
    expect([...firstSegments(answering('p', '/:docket/x'))].map(String)).toEqual(['Symbol(any segment)']);
    expect(firstSegments(answering('home', '/'))).toEqual(new Set(['']));
    const guarded = Router();
    guarded.use((_req, _res, next) => { next(); });
    expect([...firstSegments(guarded)].map(String)).toEqual(['Symbol(any segment)']);
  });

  it('when two routers have routes under one segment, then the first with a match answers, as when mounted in order', async () => {
    const app = appWith([answering('a', '/items/:id'), answering('b', '/items/:id/more', '/items/special'), answering('c', '/other')]);
    expect((await request(app).get('/items/1')).body).toEqual({ by: 'a', path: '/items/:id' });
    expect((await request(app).get('/items/special')).body).toEqual({ by: 'a', path: '/items/:id' });
    expect((await request(app).get('/items/1/more')).body).toEqual({ by: 'b', path: '/items/:id/more' });
    expect((await request(app).get('/other')).body).toEqual({ by: 'c', path: '/other' });
    expect((await request(app).get('/')).body).toEqual({ by: 'not found' });
  });

  it('matches the segment case-insensitively, as Express matches routes', async () => {
    const app = appWith([answering('a', '/items')]);
    expect((await request(app).get('/ITEMS')).body).toEqual({ by: 'a', path: '/items' });
  });

  it('when a router may take any path, then it is entered for every segment, in its place', async () => {
    const guard = Router();
    guard.use((req, res, next) => { if (req.headers['x-stop']) res.status(401).json({ by: 'guard' }); else next(); });
    const app = appWith([answering('early', '/items'), guard, answering('late', '/later')]);
    expect((await request(app).get('/items').set('x-stop', '1')).body).toEqual({ by: 'early', path: '/items' });
    expect((await request(app).get('/later').set('x-stop', '1')).body).toEqual({ by: 'guard' });
    expect((await request(app).get('/unknown').set('x-stop', '1')).body).toEqual({ by: 'guard' });
    expect((await request(app).get('/later')).body).toEqual({ by: 'late', path: '/later' });
  });

  it('when a route fails, then the error handler answers', async () => {
    const r = Router();
    r.get('/boom', async () => { await Promise.resolve(); throw new Error('boom'); });
    const app = appWith([r, answering('never', '/boom')]);
    expect((await request(app).get('/boom')).body).toEqual({ error: 'boom' });
  });

  it('when a router mounts middleware at a path, then it is entered only under that path\'s first segment', async () => {
    const files = Router();
    let entered = 0;
    files.use('/assets/app', (req, res, next) => { entered++; if (req.url === '/site.css') res.json({ by: 'files', url: req.url }); else next(); });
    expect(firstSegments(files)).toEqual(new Set(['assets']));
    const app = appWith([files, answering('late', '/items')]);
    expect((await request(app).get('/assets/app/site.css')).body).toEqual({ by: 'files', url: '/site.css' });
    expect((await request(app).get('/assets/app/missing.css')).body).toEqual({ by: 'not found' });
    expect((await request(app).get('/items')).body).toEqual({ by: 'late', path: '/items' });
    expect(entered).toBe(2);
  });
});

describe('routes listed through both helpers', () => {
  it('when routers sit in routeBySegment inside series, then every route is still listed with its mount path', () => {
    const app = express();
    const api = Router();
    api.use(series((_req, _res, next) => { next(); }, routeBySegment([answering('a', '/items/:id'), answering('b', '/other')])));
    app.use(series((_req, _res, next) => { next(); }, routeBySegment([answering('ops', '/healthz')])));
    app.use('/api/v1', api);
    expect(routesOf(app)).toEqual(['GET /api/v1/items/:id', 'GET /api/v1/other', 'GET /healthz']);
  });
});
