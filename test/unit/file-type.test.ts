import { AppError } from '../../server/http/errors';
import { ContentInspector, claimFromName } from '../../server/documents/content-inspector';
import { extensionOf, sniffHead } from '../../server/documents/file-types';
import { EXE, GZIP, HTML, PNG_1X1, SEVEN_Z, SVG, docx, pdf, plainZip, xlsx, zip } from '../fixtures/uploads';

/** Runs the inspector as the upload does, in chunks of `size` bytes; returns the verdict or the refusal code. */
function inspect(name: string, data: Buffer, size = 7): string {
  try {
    const inspector = new ContentInspector(claimFromName(name));
    for (let i = 0; i < data.length; i += size) inspector.push(data.subarray(i, i + size));
    const r = inspector.finish();
    return [r.mediaType, ...r.flags].join(' ');
  } catch (err) {
    if (err instanceof AppError) return `${err.status} ${err.code}`;
    throw err;
  }
}

describe('type detection from magic bytes', () => {
  it.each([
    ['evidence.pdf', pdf(), 'application/pdf'],
    ['scan.png', PNG_1X1, 'image/png'],
    ['photo.JPG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]), 'image/jpeg'],
    ['scan.tif', Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), 'image/tiff'],
    ['notes.txt', Buffer.from('Plain notes, with ünïcödé and emoji 🙂\n'), 'text/plain; charset=utf-8'],
    ['table.csv', Buffer.from('\ufeffname,amount\n"Acme, Inc.",12\n'), 'text/csv; charset=utf-8'],
    ['letter.docx', docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['book.xlsx', xlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ])('when %s has the bytes its name claims, then it is accepted as %s', (name, data, mediaType) => {
    expect(inspect(name, data)).toBe(mediaType);
    expect(inspect(name, data, 64 * 1024)).toBe(mediaType);
  });

  it('when a DOCX lists [Content_Types].xml last with data descriptors, then the central directory still identifies it', () => {
    expect(inspect('late.docx', docx('x', { contentTypesLast: true, dataDescriptors: true }), 1000))
      .toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it.each([
    ['invoice.pdf', EXE, '415 type_mismatch'],
    ['invoice.pdf', HTML, '415 type_mismatch'],
    ['invoice.pdf', SVG, '415 type_mismatch'],
    ['notes.txt', HTML, '415 type_mismatch'],
    ['drawing.txt', SVG, '415 type_mismatch'],
    ['notes.txt', Buffer.from([0x41, 0x00, 0x42]), '415 type_mismatch'],
    ['notes.txt', Buffer.from([0x41, 0xc3, 0x28, 0x42]), '415 type_mismatch'],
    ['notes.txt', Buffer.from([0x41, 0xe2, 0x82]), '415 type_mismatch'],
    ['picture.png', pdf(), '415 type_mismatch'],
    ['letter.docx', xlsx(), '415 type_mismatch'],
    ['letter.docx', plainZip(), '415 archive_not_allowed'],
    ['bundle.zip', plainZip(), '415 archive_not_allowed'],
    ['evidence.pdf', plainZip(), '415 archive_not_allowed'],
    ['evidence.pdf', GZIP, '415 archive_not_allowed'],
    ['evidence.pdf', SEVEN_Z, '415 archive_not_allowed'],
    ['bundle.tar', Buffer.alloc(600), '415 archive_not_allowed'],
    ['setup.exe', EXE, '415 type_not_allowed'],
    ['page.html', HTML, '415 type_not_allowed'],
    ['no-extension', pdf(), '415 type_not_allowed'],
    ['empty.pdf', Buffer.alloc(0), '422 empty_file'],
  ])('when %s holds something else, then %s', (name, data, outcome) => {
    expect(inspect(name, data)).toBe(outcome);
  });

  it('when a tar archive is renamed .pdf, then the ustar signature at offset 257 gives it away', () => {
    const tar = Buffer.alloc(1024);
    tar.write('ustar', 257, 'latin1');
    expect(sniffHead(tar)).toEqual({ class: 'archive', name: 'tar' });
  });

  it('when an Office document carries macros, then it is accepted and flagged', () => {
    const withMacros = docx('x', { extra: [{ name: 'word/vbaProject.bin', data: Buffer.from('macro') }] });
    expect(inspect('macro.docx', withMacros)).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document office_macros');
  });

  it.each([
    ['zip-slip', [{ name: '../../etc/cron.d/x', data: Buffer.from('x') }]],
    ['symlink', [{ name: 'word/link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }]],
  ])('when an Office document contains a %s entry, then it is refused as unsafe', (_what, extra) => {
    expect(inspect('evil.docx', docx('x', { extra }))).toBe('415 unsafe_document');
  });

  it('when a zip declares more than 2 GiB unpacked, then it is refused as a bomb', () => {
    const bomb = docx('x');
    // Patch the central directory's "uncompressed size" of the first entry to 3 GiB.
    const cd = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bomb.writeUInt32LE(0xc0000000, cd + 24);
    expect(inspect('bomb.docx', bomb)).toBe('415 unsafe_document');
  });

  it('when a zip has [Content_Types].xml but no Office part, then it is an archive', () => {
    expect(inspect('fake.docx', zip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }]))).toBe('415 archive_not_allowed');
  });

  it.each([
    ['report.PDF', 'pdf'], ['report.pdf.', 'pdf'], ['archive.tar.gz', 'gz'], ['.bashrc', ''], ['noext', ''], ['a.b.c.docx', 'docx'],
  ])('when the name is %s, then the extension is "%s"', (name, ext) => {
    expect(extensionOf(name)).toBe(ext);
  });
});
