import { rmSync } from 'node:fs';
import net from 'node:net';
import request from 'supertest';
import type { TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { signInBrowser } from '../helpers/session';
import { contentKeys, eventually, startUploadApp, tempFiles } from '../fixtures/upload-client';
import { filePart, multipart, pdf } from '../fixtures/uploads';

/**
 * SECURITY.md, Uploads: "A body that stalls or trickles far below a sane rate is dropped; a slow
 * but steady upload succeeds." Real sockets against the listening app, with thresholds shortened
 * through the settings (3 s without a byte, or under 1 KiB/s over 3 s; sampled every 750 ms), so the
 * promised bounds are the threshold plus two samples. test/unit/body-pace.test.ts runs the same
 * rules with the defaults.
 */
const STALL_MS = 3000;
const WINDOW_MS = 3000;
const TICK_MS = 750;
const SLACK_MS = 1500; // event loop and socket latency on a shared machine

let t: TestApp;
let uploads: string;
let token: string;
let draftId: string;
beforeAll(async () => {
  ({ t, uploads, token, draftId } = await startUploadApp({
    listen: true, env: { BODY_STALL_SECONDS: String(STALL_MS / 1000), BODY_RATE_WINDOW_SECONDS: String(WINDOW_MS / 1000), BODY_MIN_BYTES_PER_SECOND: '1024' },
  }));
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
});

interface Outcome {
  status?: number; text: string; closedAt: number;
  body?: { error?: { code: string; message: string; details: Array<Record<string, unknown>> }; id?: string };
}

/** A raw HTTP/1.1 POST over a socket (bearer token unless `headers` say otherwise): the test decides when each byte of the body goes out. */
function rawPost(path: string, headers: Record<string, string | number>) {
  const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1');
  socket.on('error', () => undefined); // writes after the server closed: the point of the test
  const auth = headers['Cookie'] ? {} : { Authorization: `Bearer ${token}` };
  const head = Object.entries({ Host: '127.0.0.1', ...auth, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
  let received = '';
  socket.on('data', (c: Buffer) => { received += c.toString('latin1'); });
  const done = new Promise<Outcome>((resolve) => socket.on('close', () => {
    const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
    const text = received.slice(received.indexOf('\r\n\r\n') + 4);
    const json = /^content-type: application\/json/im.test(received);
    resolve({ status: status ? Number(status) : undefined, text, body: json ? JSON.parse(text) : undefined, closedAt: Date.now() });
  }));
  return { socket, done, send: (b: Buffer) => { if (!socket.destroyed) socket.write(b); } };
}

const uploadUrl = () => `/api/v1/submissions/${draftId}/documents`;
const rows = async () => (await t.deps.db.selectFrom('documents').select('id').where('submission_id', '=', draftId).execute()).length;
const form = (parts: Parameters<typeof multipart>[0]) => multipart(parts);

/** Asserts the slow upload got its 408, and that nothing of it stayed: no temp file, no row, no content file. */
async function expectDropped(outcome: Outcome, reason: string, before: { rows: number; keys: string[] }) {
  expect([outcome.status, outcome.body?.error?.code]).toEqual([408, 'upload_too_slow']);
  expect(outcome.body?.error?.details[0]).toMatchObject({ reason });
  expect(outcome.body?.error?.message).toMatch(/Nothing was saved/);
  expect(tempFiles(uploads)).toEqual([]);
  expect(await rows()).toBe(before.rows);
  expect(contentKeys(uploads)).toEqual(before.keys);
}

describe('slow upload bodies', () => {
  it('when a client sends the start of a file, then 1 byte every 1.5 seconds, then it gets 408 and the connection closes within the window plus two samples', async () => {
    const before = { rows: await rows(), keys: contentKeys(uploads) };
    const { body, contentType } = form([filePart('trickle.pdf', pdf('/Trickle 1', 400_000))]);
    const c = rawPost(uploadUrl(), { 'Content-Type': contentType, 'Content-Length': body.length });
    c.send(body.subarray(0, 100_000));
    await eventually(() => tempFiles(uploads).length > 0, 5000); // the file is being written
    let sent = 100_000;
    const trickleFrom = Date.now();
    const timer = setInterval(() => c.send(body.subarray(sent, ++sent)), 1500);
    const outcome = await c.done;
    clearInterval(timer);
    expect(outcome.closedAt - trickleFrom).toBeLessThanOrEqual(WINDOW_MS + 2 * TICK_MS + SLACK_MS);
    await expectDropped(outcome, 'too_slow', before);
  });

  const stallCases: Array<[string, (body: Buffer) => number, boolean]> = [
    ['before the first byte of the body', () => 0, false],
    ['in the middle of the file', () => 150_000, true],
    ['after the whole file, in a field that follows it', (b) => b.length - 500, true],
  ];
  it.each(stallCases)('when the body stalls %s, then 408 within the stall time plus two samples, and nothing is left', async (_where, cut, fileStarted) => {
    const before = { rows: await rows(), keys: contentKeys(uploads) };
    const { body, contentType } = form([filePart('stall.pdf', pdf(`/Stall ${cut.length}`, 300_000)), { name: 'description', value: 'd'.repeat(2000) }]);
    const c = rawPost(uploadUrl(), { 'Content-Type': contentType, 'Content-Length': body.length });
    c.send(body.subarray(0, cut(body)));
    if (fileStarted) await eventually(() => tempFiles(uploads).length > 0 || contentKeys(uploads).length > before.keys.length, 5000);
    const stalledFrom = Date.now();
    const outcome = await c.done;
    expect(outcome.closedAt - stalledFrom).toBeLessThanOrEqual(STALL_MS + 2 * TICK_MS + SLACK_MS);
    await expectDropped(outcome, 'stalled', before);
  });

  it('when the no-JavaScript page form\'s upload stalls mid-file, then the page answers 408 with the same message, and nothing is left', async () => {
    const vendor = await buildUser(t.deps);
    const p = await buildProceeding(t.deps);
    const draft = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set('Authorization', `Bearer ${await tokenFor(t.app, vendor)}`)
      .send({ title: 'Page response', argument: 'Argument.' });
    const s = await signInBrowser(t.app, vendor);
    const before = { keys: contentKeys(uploads) };
    const { body, contentType } = form([{ name: 'label', value: '' }, filePart('page.pdf', pdf('/Page 1', 300_000))]);
    const c = rawPost(`/submissions/${draft.body.id}/documents?_csrf=${encodeURIComponent(s.csrf)}`, {
      Cookie: `vrp_session=${s.sessionId}`, Accept: 'text/html', 'Content-Type': contentType, 'Content-Length': body.length,
    });
    c.send(body.subarray(0, 150_000));
    await eventually(() => tempFiles(uploads).length > 0, 5000);
    const outcome = await c.done;
    expect(outcome.status).toBe(408);
    expect(outcome.text).toMatch(/The upload was stopped because no data arrived for 3 seconds\. Nothing was saved\./);
    expect(tempFiles(uploads)).toEqual([]);
    expect(contentKeys(uploads)).toEqual(before.keys);
    expect(await t.deps.db.selectFrom('documents').select('id').where('submission_id', '=', draft.body.id).execute()).toEqual([]);
  });

  it('when a client uploads steadily at 64 KiB/s for longer than the window and the stall time, then the upload succeeds', async () => {
    const data = pdf('/Steady 1', 400_000); // about 6 s at 64 KiB/s
    const { body, contentType } = form([filePart('steady.pdf', data)]);
    const c = rawPost(uploadUrl(), { 'Content-Type': contentType, 'Content-Length': body.length });
    let sent = 0;
    const started = Date.now();
    const timer = setInterval(() => { c.send(body.subarray(sent, sent + 16_384)); sent += 16_384; if (sent >= body.length) clearInterval(timer); }, 250);
    const response = await new Promise<string>((resolve) => { let r = ''; c.socket.on('data', (d: Buffer) => { r += d.toString('latin1'); if (r.includes('}')) resolve(r); }); });
    clearInterval(timer);
    c.socket.destroy();
    expect(Date.now() - started).toBeGreaterThan(WINDOW_MS + STALL_MS / 2);
    expect(response).toMatch(/^HTTP\/1\.1 201 /);
    expect(tempFiles(uploads)).toEqual([]);
  });

  it('when a JSON body trickles to another route, then the connection is closed within the window plus two samples', async () => {
    const json = Buffer.from(JSON.stringify({ email: 'vendor@example.test', password: 'a password long enough to be checked' }));
    const c = rawPost('/api/v1/auth/tokens', { 'Content-Type': 'application/json', 'Content-Length': json.length });
    c.send(json.subarray(0, 5));
    let sent = 5;
    const from = Date.now();
    const timer = setInterval(() => c.send(json.subarray(sent, ++sent)), 1500);
    const outcome = await c.done;
    clearInterval(timer);
    expect(outcome.closedAt - from).toBeLessThanOrEqual(WINDOW_MS + 2 * TICK_MS + SLACK_MS);
    expect(outcome.status).toBeUndefined(); // dropped: nothing was going to be stored, so no answer is owed
  });
});
