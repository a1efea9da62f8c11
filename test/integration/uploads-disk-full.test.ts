import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { TestApp } from '../helpers/app';
import { contentKeys, startUploadApp, tempFiles, uploadTo } from '../fixtures/upload-client';
import { pdf } from '../fixtures/uploads';

/**
 * SECURITY.md: a failure while the bytes go to disk is a clear error and leaves nothing half-written.
 * UPLOADS_DIR is a real 3 MiB tmpfs here, so the kernel itself answers ENOSPC in the middle of a
 * write (mounting needs root, which the test machines and CI run as).
 */
let t: TestApp;
let uploads: string;
let token: string;
let draftId: string;
beforeAll(async () => {
  ({ t, uploads, token, draftId } = await startUploadApp({ prepare: (dir) => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', dir]) }));
});
afterAll(async () => {
  await t?.close();
  execFileSync('umount', [uploads]);
  rmSync(uploads, { recursive: true, force: true });
});

describe('uploads when the disk fills', () => {
  it('when the disk fills in the middle of a file, then 507 storage_full, and no temp file, content file or row is left', async () => {
    const res = await uploadTo(t.app, token, draftId, 'large.pdf', pdf('/Large 1', 5 * 1024 * 1024), { label: 'Exhibit A' });

    expect(res.status).toBe(507);
    expect(res.body.error.code).toBe('storage_full');
    expect(res.body.error.message).toMatch(/out of storage space/);
    expect(tempFiles(uploads)).toEqual([]);
    expect(contentKeys(uploads)).toEqual([]);
    const rows = await t.deps.db.selectFrom('documents').select('id').where('submission_id', '=', draftId).execute();
    expect(rows).toEqual([]);
  });

  it('when space is back after a failed upload, then the next upload is stored whole', async () => {
    const data = pdf('/Small 1', 200_000);
    const res = await uploadTo(t.app, token, draftId, 'small.pdf', data, { label: 'Exhibit B' });

    expect(res.status).toBe(201);
    expect(res.body.size).toBe(data.length);
    expect(contentKeys(uploads)).toEqual([`sha256/${res.body.sha256.slice(0, 2)}/${res.body.sha256}`]);
  });
});
