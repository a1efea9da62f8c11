import express from 'express';
import request from 'supertest';
import { changedBeforeResponse } from '../../server/accounts/auth.middleware';

// A write's response must not reach the client before this process has marked its change: the
// client's next request could otherwise be answered from what was kept before the change.
describe('changedBeforeResponse', () => {
  const appMarking = (respond: (res: express.Response) => void) => {
    const seen: { headersSentAtChange: boolean[] } = { headersSentAtChange: [] };
    const app = express();
    app.use((_req, res, next) => {
      changedBeforeResponse(res, () => seen.headersSentAtChange.push(res.headersSent));
      next();
    });
    app.post('/x', (_req, res) => respond(res));
    return { app, seen };
  };

  it.each([
    ['res.json', (res: express.Response) => { res.status(201).json({ ok: true }); }],
    ['res.end with an implicit head', (res: express.Response) => { res.end('done'); }],
    ['an explicit writeHead then a streamed body', (res: express.Response) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.write('a'); res.end('b'); }],
    ['a 204 with no body', (res: express.Response) => { res.sendStatus(204); }],
  ])('when a handler answers with %s, then the change is marked before the head is written', async (_label, respond) => {
    const { app, seen } = appMarking(respond);
    await request(app).post('/x');
    expect(seen.headersSentAtChange.length).toBeGreaterThanOrEqual(1);
    expect(seen.headersSentAtChange[0]).toBe(false);
  });

  it('when the handler has not answered yet, then nothing is marked', async () => {
    let marks = 0;
    let answer: () => void = () => undefined;
    const app = express();
    app.use((_req, res, next) => { changedBeforeResponse(res, () => { marks += 1; }); next(); });
    app.post('/x', (_req, res) => { answer = () => res.json({}); });
    const pending = request(app).post('/x').then((r) => r.status);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(marks).toBe(0);
    answer();
    expect(await pending).toBe(200);
    expect(marks).toBeGreaterThanOrEqual(1);
  });
});
