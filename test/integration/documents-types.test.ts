import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { TestApp } from '../helpers/app';
import { contentKeys, postParts, startUploadApp, tempFiles, uploadTo } from '../fixtures/upload-client';
import { EXE, GZIP, HTML, PNG_1X1, SEVEN_Z, SVG, docx, filePart, multipart, pdf, plainZip, sha256, xlsx, type ZipEntry } from '../fixtures/uploads';

/** SECURITY.md, Uploads: the bytes must be what the name says, from an allowlist; the form must be well-formed. */
let t: TestApp;
let uploads: string;
let token: string;
let draftId: string;
beforeAll(async () => {
  ({ t, uploads, token, draftId } = await startUploadApp({ limits: { maxFileBytes: 1_000_000, maxFiles: 100, maxTotalBytes: 50_000_000 } }));
});
afterAll(async () => {
  await t.close();
  rmSync(uploads, { recursive: true, force: true });
});

const url = () => `/api/v1/submissions/${draftId}/documents`;
const rowCount = async () => (await t.deps.db.selectFrom('documents').select('id').where('submission_id', '=', draftId).execute()).length;

describe('allowed types', () => {
  it.each([
    ['letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', docx('A real minimal Word document.')],
    ['book.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', xlsx()],
    ['scan.png', 'image/png', PNG_1X1],
    ['notes.txt', 'text/plain; charset=utf-8', Buffer.from('Notes in UTF-8: naïve café.\n')],
    ['figures.csv', 'text/csv; charset=utf-8', Buffer.from('year,amount\n2017,12\n')],
  ])('when %s is uploaded, then it is stored as %s', async (name, mediaType, data) => {
    const res = await uploadTo(t.app, token, draftId, name, data);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mediaType, sha256: sha256(data), size: data.length });
  });

  it('when a PDF carries /OpenAction and /JavaScript, then it is accepted and flagged for reviewers', async () => {
    const res = await uploadTo(t.app, token, draftId, 'active.pdf', pdf('/OpenAction 3 0 R /Names << /JavaScript 4 0 R >>'));
    expect(res.status).toBe(201);
    expect(res.body.flags).toEqual(['pdf_javascript', 'pdf_open_action']);
    const row = await t.deps.db.selectFrom('documents').select('flags').where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.flags).toEqual(['pdf_javascript', 'pdf_open_action']);
  });

  it('when a PDF hides its active content behind #xx escapes, then the names are decoded and it is flagged all the same', async () => {
    const res = await uploadTo(t.app, token, draftId, 'escaped.pdf', pdf('/Open#41ction 3 0 R /AA << /O 5 0 R >> /Names << /J#61vaScript 4 0 R /EmbeddedFil#65s 6 0 R >> /S /#4a#53 /SubmitF#6Frm 7 0 R', 300_000));
    expect(res.status).toBe(201);
    const flags = ['pdf_additional_actions', 'pdf_embedded_file', 'pdf_javascript', 'pdf_open_action', 'pdf_submit_form'];
    expect(res.body.flags).toEqual(flags);
    const row = await t.deps.db.selectFrom('documents').select('flags').where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.flags).toEqual(flags);
  });
});

describe('refused types leave nothing behind', () => {
  it.each([
    ['an .exe named .pdf', 'invoice.pdf', EXE, 'type_mismatch'],
    ['HTML named .pdf', 'invoice.pdf', HTML, 'type_mismatch'],
    ['SVG named .pdf', 'invoice.pdf', SVG, 'type_mismatch'],
    ['HTML named .txt', 'readme.txt', HTML, 'type_mismatch'],
    ['a PNG named .pdf', 'scan.pdf', PNG_1X1, 'type_mismatch'],
    ['a zip archive', 'bundle.zip', plainZip(), 'archive_not_allowed'],
    ['a zip named .docx', 'letter.docx', plainZip(), 'archive_not_allowed'],
    ['a 7z archive named .pdf', 'doc.pdf', SEVEN_Z, 'archive_not_allowed'],
    ['a gzip file', 'data.gz', GZIP, 'archive_not_allowed'],
    ['an .exe', 'setup.exe', EXE, 'type_not_allowed'],
    ['an .html page', 'page.html', HTML, 'type_not_allowed'],
  ])('when %s is uploaded, then 415 %s', async (_what, name, data, code) => {
    const [rows, keys] = [await rowCount(), contentKeys(uploads)];
    const res = await uploadTo(t.app, token, draftId, name, data);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe(code);
    expect(await rowCount()).toBe(rows);
    expect(contentKeys(uploads)).toEqual(keys);
    expect(tempFiles(uploads)).toEqual([]);
  });

  it('when the file is empty, then 422 empty_file', async () => {
    const res = await uploadTo(t.app, token, draftId, 'empty.pdf', Buffer.alloc(0));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('empty_file');
    expect(tempFiles(uploads)).toEqual([]);
  });
});

describe('Office documents in either directory form (classic and ZIP64)', () => {
  const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  const corruptLocator = (z: Buffer) => { const b = Buffer.from(z); b.writeBigUInt64LE(BigInt(b.length + 100), b.lastIndexOf(Buffer.from([0x50, 0x4b, 6, 7])) + 8); return b; };

  it.each([false, true])('when a benign DOCX is uploaded (ZIP64: %s), then it is stored as a DOCX', async (zip64) => {
    const data = docx(`Benign, zip64 ${zip64}.`, { zip64 });
    const res = await uploadTo(t.app, token, draftId, 'letter.docx', data);
    expect([res.status, res.body.mediaType, res.body.sha256]).toEqual([201, DOCX, sha256(data)]);
  });

  const withEntry = (zip64: boolean, entry: ZipEntry) => docx('x', { zip64, extra: [entry] });
  it.each([
    ['a ../ entry', false, 415, 'unsafe_document', () => withEntry(false, { name: '../../evil.sh', data: Buffer.from('x') })],
    ['a ../ entry', true, 415, 'unsafe_document', () => withEntry(true, { name: '../../evil.sh', data: Buffer.from('x') })],
    ['a symlink', true, 415, 'unsafe_document', () => withEntry(true, { name: 'word/link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 })],
    ['a 3 GiB entry', false, 415, 'unsafe_document', () => withEntry(false, { name: 'word/big.bin', data: Buffer.from('x'), declaredSize: 3 * 1024 ** 3 })],
    ['a 3 GiB entry', true, 415, 'unsafe_document', () => withEntry(true, { name: 'word/big.bin', data: Buffer.from('x'), declaredSize: 3 * 1024 ** 3 })],
    ['a ZIP64 locator pointing outside the file', true, 422, 'unreadable_document', () => corruptLocator(docx('x', { zip64: true }))],
  ])('when a DOCX with %s is uploaded (ZIP64: %s), then %i %s and nothing is stored', async (_what, _zip64, status, code, build) => {
    const data = build();
    const [rows, keys] = [await rowCount(), contentKeys(uploads)];
    const res = await uploadTo(t.app, token, draftId, 'evil.docx', data);
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
    expect(res.body.error.message).toMatch(/Save it again from its application/);
    expect(await rowCount()).toBe(rows);
    expect(contentKeys(uploads)).toEqual(keys);
    expect(tempFiles(uploads)).toEqual([]);
  });
});

describe('malformed forms', () => {
  it.each([
    ['a part without a name', [{ filename: 'x.pdf', data: pdf() }], 400, 'missing_field_name'],
    ['a field without a name', [{ value: 'x' }, filePart('x.pdf', pdf())], 400, 'missing_field_name'],
    ['an unknown field', [{ name: 'status', value: 'decided' }, filePart('x.pdf', pdf())], 400, 'unknown_field'],
    ['a nested field name', [{ name: 'label[a][b]', value: 'x' }, filePart('x.pdf', pdf())], 400, 'invalid_field_name'],
    ['a huge array index', [{ name: 'label[99999999]', value: 'x' }, filePart('x.pdf', pdf())], 400, 'invalid_field_name'],
    ['the file in another field', [{ name: 'document', filename: 'x.pdf', data: pdf() }], 400, 'unexpected_file_field'],
    ['two files', [filePart('x.pdf', pdf()), filePart('y.pdf', pdf('/Y 1'))], 413, 'too_many_files'],
    ['no file', [{ name: 'label', value: 'Exhibit' }], 400, 'file_required'],
    ['a too-long field', [{ name: 'description', value: 'x'.repeat(20_000) }, filePart('x.pdf', pdf())], 413, 'field_too_large'],
    ['too many fields', Array.from({ length: 8 }, () => ({ name: 'label', value: 'x' })), 413, 'too_many_parts'],
    ['confidential not true/false', [{ name: 'confidential', value: 'yes' }, filePart('x.pdf', pdf())], 400, 'invalid_request'],
  ])('when the form has %s, then %i %s and nothing is stored', async (_what, parts, status, code) => {
    const [rows, keys] = [await rowCount(), contentKeys(uploads)];
    const res = await postParts(t.app, url(), token, parts);
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
    expect(await rowCount()).toBe(rows);
    expect(contentKeys(uploads)).toEqual(keys);
    expect(tempFiles(uploads)).toEqual([]);
  });

  it('when a plain HTML form sends its optional fields empty, then they count as not given', async () => {
    const res = await uploadTo(t.app, token, draftId, 'form.pdf', pdf('/EmptyFields 1'), { label: '', description: '', publicVersionOf: '', confidential: '' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ label: expect.stringMatching(/^Exhibit \d+$/), description: '', confidential: false, publicVersionOf: null });
  });

  it('when the body is JSON rather than multipart, then 415 multipart_required', async () => {
    const res = await request(t.app).post(url()).set('Authorization', `Bearer ${token}`).send({ file: 'x' });
    expect([res.status, res.body.error.code]).toEqual([415, 'multipart_required']);
  });

  it('when the multipart body is cut short, then 400 malformed_upload and no temp file stays', async () => {
    const { body, contentType } = multipart([filePart('x.pdf', pdf('', 50_000))]);
    const res = await request(t.app).post(url()).set('Authorization', `Bearer ${token}`).set('Content-Type', contentType).send(body.subarray(0, 30_000));
    expect([res.status, res.body.error.code]).toEqual([400, 'malformed_upload']);
    expect(tempFiles(uploads)).toEqual([]);
  });
});

describe('hostile file names', () => {
  const hostile = [
    '../../etc/passwd.pdf', '..\\..\\x.pdf', '/etc/shadow.pdf', 'CON.pdf', `${'a'.repeat(300)}.pdf`,
    'invoice\u202Efdp.pdf', 'crlf\r\nSet-Cookie: a=b.pdf', 'quote".pdf', "apos'.pdf", 'Re\u0301sume\u0301.pdf', 'Résumé.pdf',
  ];

  it('when files arrive under hostile names, then each is stored under its hash, the name kept clean, and the download header stays one line', async () => {
    const encoded = ['nul\0byte.pdf', 'cr\rlf\n.pdf', '../../../etc/encoded.pdf'];
    for (const [i, name] of [...hostile, ...encoded].entries()) {
      const res = await postParts(t.app, url(), token, [{ ...filePart(name, pdf(`/Hostile ${i}`)), encodedName: encoded.includes(name) }]);
      expect([name, res.status, res.body.error]).toEqual([name, 201, undefined]);
      const stored = res.body.originalName as string;
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      expect(stored).not.toMatch(/[\u0000-\u001f\u007f\u202e/\\]/);
      expect([...stored].length).toBeLessThanOrEqual(255);
      expect(stored).toBe(stored.normalize('NFC'));
      const dl = await request(t.app).get(`/api/v1/documents/${res.body.id}/content`).set('Authorization', `Bearer ${token}`);
      expect(dl.status).toBe(200);
      expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]+$/);
      expect(String(dl.headers['set-cookie'] ?? '')).not.toContain('a=b');
    }
    const twins = await t.deps.db.selectFrom('documents').select('original_name').where('original_name', '=', 'Résumé.pdf'.normalize('NFC')).execute();
    expect(twins).toHaveLength(2);
    // Nothing on disk is named after a client: only tmp/ and sha256/<aa>/<hex>.
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? walk(path.join(dir, n)) : [path.relative(uploads, path.join(dir, n))]));
    for (const f of walk(uploads)) expect(f).toMatch(/^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
  });

  it('when a raw NUL byte sits inside the part header, then 400 malformed_upload and nothing is stored', async () => {
    const res = await uploadTo(t.app, token, draftId, 'raw\0nul.pdf', pdf('/RawNul 1'));
    expect([res.status, res.body.error.code]).toEqual([400, 'malformed_upload']);
    expect(tempFiles(uploads)).toEqual([]);
  });
});
