import { AppError } from '../../server/http/errors';
import { ContentInspector } from '../../server/documents/content-inspector';
import { ZipProbe } from '../../server/documents/zip-probe';
import { docx, zip, type ZipEntry, type ZipOptions } from '../fixtures/uploads';

/**
 * SECURITY.md, Uploads: archive checks run whatever directory form the file uses (ZIP64 included),
 * and what cannot be read is refused. Every archive here is real bytes, built in both forms.
 */
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const FORMS: Array<[string, ZipOptions]> = [['classic', {}], ['ZIP64', { zip64: true }]];

/** The upload's verdict on a .docx, fed in chunks of `size`: media type and flags, or "status code: message". */
function inspect(data: Buffer, size = 7): string {
  try {
    const inspector = new ContentInspector('docx');
    for (let i = 0; i < data.length; i += size) inspector.push(data.subarray(i, i + size));
    const r = inspector.finish();
    return [r.mediaType, ...r.flags].join(' ');
  } catch (err) {
    if (err instanceof AppError) return `${err.status} ${err.code}: ${err.message}`;
    throw err;
  }
}

const sig = (a: number, b: number) => Buffer.from([0x50, 0x4b, a, b]);
const endAt = (z: Buffer) => z.lastIndexOf(sig(5, 6));
const locatorAt = (z: Buffer) => z.lastIndexOf(sig(6, 7));
const zip64EndAt = (z: Buffer) => z.lastIndexOf(sig(6, 6));
const centralAt = (z: Buffer) => z.indexOf(sig(1, 2));
/** A copy of `z` with `fn` applied (the fixtures stay untouched). */
const patched = (z: Buffer, fn: (b: Buffer) => void) => { const b = Buffer.from(z); fn(b); return b; };
const without = (z: Buffer, from: number, to: number) => Buffer.concat([z.subarray(0, from), z.subarray(to)]);
const evil = (extra: ZipEntry[], opts: ZipOptions) => docx('x', { ...opts, extra });

describe('archive checks in both directory forms', () => {
  describe.each(FORMS)('when the document uses the %s directory', (_form, opts) => {
    it.each([1, 7, 4096, 1 << 20])('when it is a benign DOCX arriving in chunks of %i, then it is accepted', (size) => {
      expect(inspect(docx('Fine.', opts), size)).toBe(DOCX);
      expect(inspect(docx('Fine.', { ...opts, dataDescriptors: true, contentTypesLast: true }), size)).toBe(DOCX);
    });

    it.each([
      ['a ../ entry', [{ name: 'word/../../etc/cron.d/x', data: Buffer.from('x') }], /entry paths that leave the document/],
      ['an absolute path', [{ name: '/etc/passwd', data: Buffer.from('x') }], /entry paths that leave the document/],
      ['a symbolic link (S_IFLNK in the external attributes)', [{ name: 'word/link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }], /symbolic link/],
      ['an entry declaring 3 GiB unpacked', [{ name: 'word/media/big.bin', data: Buffer.from('x'), declaredSize: 3 * 1024 ** 3 }], /more than 2 GiB/],
      ['an encrypted entry', [{ name: 'word/secret.xml', data: Buffer.from('x'), encrypted: true }], /encrypted entries/],
      ['a Unicode Path field naming ../', [{ name: 'word/a.xml', data: Buffer.from('x'), centralExtra: unicodePath('../../a.xml') }], /entry paths that leave/],
    ])('when it contains %s, then it is refused as unsafe', (_what, extra, reason) => {
      const verdict = inspect(evil(extra, opts));
      expect(verdict).toMatch(/^415 unsafe_document: /);
      expect(verdict).toMatch(reason);
    });

    it('when its directory is larger than 256 KiB (3,000 entries), then it is still read and accepted', () => {
      const many = Array.from({ length: 3000 }, (_, i) => ({ name: `word/media/image-with-a-long-descriptive-name-${String(i).padStart(5, '0')}.png`, data: Buffer.from('p') }));
      expect(inspect(docx('x', { ...opts, extra: many }), 64 * 1024)).toBe(DOCX);
    });

    it('when the end record\'s comment hides a second end record, then it is refused as unreadable', () => {
      const fake = zip([{ name: 'x.txt', data: Buffer.from('x') }]).subarray(-22);
      expect(inspect(docx('x', { ...opts, comment: fake }))).toMatch(/^422 unreadable_document: .*end-of-directory record/);
    });

    it('when the file is cut before its end record, then it is refused as unreadable', () => {
      const whole = docx('x', opts);
      expect(inspect(whole.subarray(0, endAt(whole)))).toMatch(/^422 unreadable_document: .*no end-of-directory record/);
    });

    it('when the directory is cut short, then it is refused as unreadable', () => {
      const whole = docx('x', opts);
      const end = opts.zip64 ? zip64EndAt(whole) : endAt(whole);
      expect(inspect(without(whole, end - 10, end))).toMatch(/^422 unreadable_document: /);
    });

    it('when an entry points past the directory, then it is refused as unreadable', () => {
      const whole = docx('x', opts);
      const bad = patched(whole, (b) => {
        const cd = centralAt(b);
        if (opts.zip64) b.writeBigUInt64LE(BigInt(whole.length), cd + 46 + b.readUInt16LE(cd + 28) + 4 + 16);
        else b.writeUInt32LE(whole.length, cd + 42);
      });
      expect(inspect(bad)).toMatch(/^422 unreadable_document: .*points outside the file/);
    });
  });
});

describe('ZIP64 records that cannot be trusted', () => {
  const good = docx('x', { zip64: true });
  const z = zip64EndAt(good);
  const loc = locatorAt(good);
  const end = endAt(good);

  it.each([
    ['the locator points past the end of the file', (b: Buffer) => b.writeBigUInt64LE(BigInt(b.length + 100), loc + 8), /locator points outside the file/],
    ['the locator points at something else', (b: Buffer) => b.writeBigUInt64LE(BigInt(centralAt(b)), loc + 8), /does not point at a ZIP64 record/],
    ['the ZIP64 record declares a wrong length', (b: Buffer) => b.writeBigUInt64LE(40n, z + 4), /ZIP64 end record is truncated or damaged/],
    ['the ZIP64 count is one short of the entries', (b: Buffer) => { b.writeBigUInt64LE(2n, z + 24); b.writeBigUInt64LE(2n, z + 32); }, /more entries than its count/],
    ['the ZIP64 count is one more than the entries', (b: Buffer) => { b.writeBigUInt64LE(4n, z + 24); b.writeBigUInt64LE(4n, z + 32); }, /truncated or damaged/],
    ['the classic record states a count the ZIP64 one contradicts', (b: Buffer) => { b.writeUInt16LE(2, end + 8); b.writeUInt16LE(2, end + 10); }, /classic and ZIP64 end records disagree/],
    ['the classic record states an offset the ZIP64 one contradicts', (b: Buffer) => b.writeUInt32LE(0, end + 16), /disagree/],
    ['the locator names a second disk', (b: Buffer) => b.writeUInt32LE(2, loc + 16), /spans several disks/],
    ['the ZIP64 record counts fewer entries on this disk', (b: Buffer) => b.writeBigUInt64LE(1n, z + 24), /spans several disks/],
    ['the directory size disagrees with its position', (b: Buffer) => b.writeBigUInt64LE(b.readBigUInt64LE(z + 40) - 46n, z + 40), /size and position disagree/],
    ['an offset is beyond 2^53', (b: Buffer) => b.writeBigUInt64LE(1n << 60n, z + 48), /impossibly large/],
  ])('when %s, then 422 unreadable_document', (_what, corrupt, reason) => {
    const verdict = inspect(patched(good, corrupt));
    expect(verdict).toMatch(/^422 unreadable_document: /);
    expect(verdict).toMatch(reason);
  });

  it('when the ZIP64 record is truncated by 8 bytes, then 422 unreadable_document', () => {
    expect(inspect(without(good, z + 48, z + 56))).toMatch(/^422 unreadable_document: /);
  });

  it('when an entry says "see ZIP64" but carries no ZIP64 field, then 422 unreadable_document', () => {
    const classic = docx('x');
    const bad = patched(classic, (b) => b.writeUInt32LE(0xffffffff, centralAt(b) + 24));
    expect(inspect(bad)).toMatch(/^422 unreadable_document: .*ZIP64 sizes are missing/);
  });

  it('when a classic end record holds ZIP64 markers without a ZIP64 record (the probe that skipped every check), then it is refused', () => {
    const hostile = evil([{ name: '../evil.sh', data: Buffer.from('x'), unixMode: 0o120777, declaredSize: 3 * 1024 ** 3 }], {});
    const unchecked = patched(hostile, (b) => b.writeUInt32LE(0xffffffff, endAt(b) + 16));
    expect(inspect(unchecked)).toMatch(/^422 unreadable_document: .*ZIP64 values without a ZIP64 record/);
  });

  it('when the probe gets a ZIP64 document with ../, a symlink and a 3 GiB entry, then the verdict is unsafe (no longer accepted with no flags)', () => {
    const probe = new ZipProbe();
    probe.push(evil([
      { name: '../../x', data: Buffer.from('x') },
      { name: 'word/link', data: Buffer.from('/etc'), unixMode: 0o120777 },
      { name: 'word/big', data: Buffer.from('x'), declaredSize: 3 * 1024 ** 3 },
    ], { zip64: true }));
    expect(probe.verdict()).toMatchObject({ kind: null, unsafe: 'symbolic link entries' });
  });
});

/** An Info-ZIP Unicode Path extra field (0x7075): version 1, CRC of the header name (unchecked here), the UTF-8 name. */
function unicodePath(name: string): Buffer {
  const data = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), Buffer.from(name, 'utf8')]);
  const head = Buffer.alloc(4);
  head.writeUInt16LE(0x7075, 0);
  head.writeUInt16LE(data.length, 2);
  return Buffer.concat([head, data]);
}
