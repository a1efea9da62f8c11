import { readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { TestApp } from '../helpers/app';
import { eventually, startUploadApp, tempFiles, uploadTo } from '../fixtures/upload-client';
import { filePart, multipart, pdf } from '../fixtures/uploads';

/**
 * SECURITY.md, Uploads: "Aborted or truncated uploads (repeat them many times): 4xx, no temp files
 * left, no fd or memory growth." The client here is a raw HTTP request whose socket is destroyed
 * in the middle of the file, once the server has started writing it.
 */
let t: TestApp;
let uploads: string;
let token: string;
let draftId: string;
beforeAll(async () => {
  ({ t, uploads, token, draftId } = await startUploadApp({ listen: true }));
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
});

const openFds = () => readdirSync('/proc/self/fd').length;

/** Sends the headers and the first `sentBytes` of a multipart upload, waits for the server's temp file, then drops the connection. */
async function abortMidBody(body: Buffer, contentType: string, sentBytes: number): Promise<void> {
  const { port } = new URL(t.url);
  const req = http.request({
    host: '127.0.0.1', port, method: 'POST', path: `/api/v1/submissions/${draftId}/documents`, agent: false,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType, 'Content-Length': body.length },
  });
  req.on('error', () => undefined); // the reset we cause
  req.flushHeaders();
  req.write(body.subarray(0, sentBytes));
  await eventually(() => tempFiles(uploads).length > 0, 5000);
  req.destroy();
  await eventually(() => tempFiles(uploads).length === 0, 5000);
}

describe('aborted uploads', () => {
  it('when 30 uploads in a row lose their connection mid-file, then no temp file, no row, no content file and no fd is left', async () => {
    // Warm up: the first request opens pool connections and loads modules, which would look like fd growth.
    expect((await uploadTo(t.app, token, draftId, 'warm.pdf', pdf('/Warm 1'))).status).toBe(201);
    const fdsBefore = openFds();
    const rowsBefore = await t.deps.db.selectFrom('documents').select('id').where('submission_id', '=', draftId).execute();

    for (let i = 0; i < 30; i += 1) {
      const { body, contentType } = multipart([{ name: 'label', value: `Attempt ${i}` }, filePart(`big-${i}.pdf`, pdf(`/Attempt ${i}`, 2_000_000))]);
      await abortMidBody(body, contentType, 200_000 + i * 50_000);
    }

    const rowsAfter = await t.deps.db.selectFrom('documents').select('id').where('submission_id', '=', draftId).execute();
    expect(rowsAfter).toEqual(rowsBefore);
    expect(tempFiles(uploads)).toEqual([]);
    const contentDirs = readdirSync(`${uploads}/sha256`).flatMap((p) => readdirSync(`${uploads}/sha256/${p}`));
    expect(contentDirs).toHaveLength(1); // only the warm-up file
    await eventually(() => openFds() <= fdsBefore + 3, 5000);
    const uploaded = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'document.uploaded').execute();
    expect(uploaded).toHaveLength(1);
  });

  it('when the declared Content-Length already exceeds the limit, then 413 arrives before any of the body is sent', async () => {
    const { port } = new URL(t.url);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port, method: 'POST', path: `/api/v1/submissions/${draftId}/documents`, agent: false,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': 50 * 1024 ** 3 },
      }, resolve);
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => req.destroy(), 5000).unref();
    });
    expect(res.statusCode).toBe(413);
    res.destroy();
    expect(tempFiles(uploads)).toEqual([]);
  });

  it('when a refused upload is followed by a good one on the same connection pool, then the good one still works', async () => {
    const refused = await uploadTo(t.app, token, draftId, 'x.pdf', Buffer.from('MZ not a pdf'));
    expect(refused.status).toBe(415);
    expect((await uploadTo(t.app, token, draftId, 'ok.pdf', pdf('/After 1'))).status).toBe(201);
  });
});
