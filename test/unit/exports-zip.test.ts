import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { CHUNK_BYTES, UnsafeZipNameError, ZipWriter, type ZipLimits } from '../../server/exports/zip-writer';
import { MANIFEST_NAME, manifestText } from '../../server/exports/manifest';

const dir = mkdtempSync(path.join(tmpdir(), 'vrp-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let fileNo = 0;

/** Writes an archive with `build` into a new file; returns its path. */
async function archive(build: (z: ZipWriter) => Promise<void>, limits?: Partial<ZipLimits>): Promise<string> {
  const file = path.join(dir, `a${fileNo += 1}.zip`);
  const out = createWriteStream(file);
  const z = new ZipWriter(out, limits);
  await build(z);
  const { bytes } = await z.finish();
  await new Promise((r) => out.close(r));
  expect(statSync(file).size).toBe(bytes);
  return file;
}

const unzipTest = (file: string, ...names: string[]) => spawnSync('unzip', ['-t', file, ...names], { encoding: 'utf8', maxBuffer: 1 << 26 });

/** Python's zipfile: every entry's name, size and SHA-256, read through zipfile (which checks each CRC-32). */
function pythonRead(file: string): { zip64End: boolean; entries: { name: string; size: number; sha256: string; dateTime: number[] }[] } {
  const program = `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
out = []
for i in z.infolist():
    h = hashlib.sha256()
    with z.open(i) as f:
        while True:
            b = f.read(1 << 20)
            if not b: break
            h.update(b)
    out.append({"name": i.filename, "size": i.file_size, "sha256": h.hexdigest(), "dateTime": list(i.date_time)})
data = open(sys.argv[1], "rb").read()
print(json.dumps({"zip64End": data[-42:-38] == b"PK\\x06\\x07", "entries": out}))
`;
  const run = spawnSync('python3', ['-c', program, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as ReturnType<typeof pythonRead>;
}

describe('ZipWriter', () => {
  it('when asked for a prefix hash, then it returns the SHA-256 of the first N bytes wherever the chunks split, and none when the entry is shorter', async () => {
    const big = Buffer.alloc(2 * CHUNK_BYTES + 99);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 31) & 0xff;
    const got: Record<string, string | undefined> = {};
    await archive(async (z) => {
      for (const n of [0, 1, 1000, CHUNK_BYTES, CHUNK_BYTES + 5, big.length]) {
        const r = await z.add(`p${n}.bin`, Readable.from([big.subarray(0, 1000), big.subarray(1000)]), { prefixBytes: n });
        expect(r.sha256).toBe(sha(big));
        got[n] = r.prefixSha256;
      }
      got.short = (await z.add('short.bin', big, { prefixBytes: big.length + 1 })).prefixSha256;
      got.none = (await z.add('none.bin', big)).prefixSha256;
    });
    for (const n of [0, 1, 1000, CHUNK_BYTES, CHUNK_BYTES + 5, big.length]) expect(got[n]).toBe(sha(big.subarray(0, n)));
    expect(got.short).toBeUndefined();
    expect(got.none).toBeUndefined();
  });

  it('when entries come as a string, a Buffer, a Readable, an async iterable and nothing, then unzip -t and Python read them back byte for byte', async () => {
    const big = Buffer.alloc(3 * CHUNK_BYTES + 17);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 7919) & 0xff;
    const results: Record<string, { bytes: number; sha256: string }> = {};
    async function* pieces() { yield Buffer.from('one,'); yield Buffer.from('two,'); yield Buffer.from('three'); }
    const mtime = new Date('2026-03-04T05:06:08Z');
    const file = await archive(async (z) => {
      results['README.txt'] = await z.add('README.txt', 'Read me.\n', { mtime });
      results['submissions/DHS-2017-0037-000001/001-big.bin'] = await z.add('submissions/DHS-2017-0037-000001/001-big.bin', big, { mtime });
      results['stream.bin'] = await z.add('stream.bin', Readable.from([big.subarray(0, 1000), big.subarray(1000)]), { mtime });
      results['iter.csv'] = await z.add('iter.csv', pieces(), { mtime });
      results['empty.txt'] = await z.add('empty.txt', Buffer.alloc(0), { mtime });
      results['naïve-résumé.txt'] = await z.add('naïve-résumé.txt', 'UTF-8 name', { mtime });
    });
    const test = unzipTest(file);
    expect(test.status).toBe(0);
    expect(test.stdout).toContain('No errors detected');
    const py = pythonRead(file);
    expect(py.zip64End).toBe(false);
    expect(py.entries.map((e) => e.name)).toEqual(Object.keys(results));
    const expected: Record<string, Buffer> = {
      'README.txt': Buffer.from('Read me.\n'), 'submissions/DHS-2017-0037-000001/001-big.bin': big, 'stream.bin': big,
      'iter.csv': Buffer.from('one,two,three'), 'empty.txt': Buffer.alloc(0), 'naïve-résumé.txt': Buffer.from('UTF-8 name'),
    };
    for (const e of py.entries) {
      expect(e.sha256).toBe(sha(expected[e.name]!));
      expect(results[e.name]).toEqual({ bytes: expected[e.name]!.length, sha256: e.sha256 });
      expect(e.dateTime).toEqual([2026, 3, 4, 5, 6, 8]);
    }
    const bytes = readFileSync(file);
    expect(bytes.readUInt16LE(6) & 0x0808).toBe(0x0808); // data descriptor + UTF-8 flags on the first local header
  });

  it.each([
    ['../etc/passwd', '".."'], ['a/../../b', '".."'], ['/abs/path', 'starts with "/"'], ['a\\b.txt', 'backslash'],
    ['nul\0.txt', 'NUL'], ['', 'empty'], ['a//b', 'empty segment'], ['dir/', 'empty segment'], ['./a', '"."'],
    ['C:/x', 'drive letter'], ['line\nbreak', 'control character'],
  ])('when the name is %j, then it is refused (%s) and nothing is written', async (name, why) => {
    const out = new Writable({ write(_c, _e, cb) { written += 1; cb(); } });
    let written = 0;
    const z = new ZipWriter(out);
    await expect(z.add(name, 'x')).rejects.toThrow(UnsafeZipNameError);
    await expect(z.add(name, 'x')).rejects.toThrow(why);
    expect(written).toBe(0);
    await z.add('fine.txt', 'still usable after a refused name');
    await z.finish();
  });

  it('when a name repeats, or two entries are written at once, then the second is refused', async () => {
    const z = new ZipWriter(new Writable({ write(_c, _e, cb) { cb(); } }));
    await z.add('a.txt', 'a');
    await expect(z.add('a.txt', 'again')).rejects.toThrow('already has an entry of that name');
    const slow = new Readable({ read() {} });
    const first = z.add('slow.bin', slow);
    await expect(z.add('b.txt', 'b')).rejects.toThrow('one at a time');
    await expect(z.finish()).rejects.toThrow('while an entry is being written');
    slow.push('done');
    slow.push(null);
    await first;
    await z.finish();
    await expect(z.add('c.txt', 'c')).rejects.toThrow('after finish');
  });

  it('when the output is slow, then the writer waits for it: never more than a chunk beyond its high-water mark is queued', async () => {
    let peak = 0;
    let total = 0;
    const out = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _e, cb) { total += chunk.length; setImmediate(cb); },
    });
    const z = new ZipWriter(out);
    const watch = setInterval(() => { peak = Math.max(peak, out.writableLength); }, 0);
    async function* endless() {
      const b = Buffer.alloc(CHUNK_BYTES, 1);
      for (let i = 0; i < 256; i += 1) { peak = Math.max(peak, out.writableLength); yield b; } // 32 MiB
    }
    const r = await z.add('big.bin', endless());
    clearInterval(watch);
    expect(r.bytes).toBe(256 * CHUNK_BYTES);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(64 * 1024 + CHUNK_BYTES + 200);
    const { bytes } = await z.finish();
    expect(total).toBe(bytes);
  });

  it('when the source fails mid-entry or the output fails, then add() rejects and the writer refuses to go on', async () => {
    const z = new ZipWriter(new Writable({ write(_c, _e, cb) { cb(); } }));
    async function* broken() { yield Buffer.from('part'); throw new Error('disk read failed'); }
    await expect(z.add('x.bin', broken())).rejects.toThrow('disk read failed');
    await expect(z.add('y.bin', 'y')).rejects.toThrow('disk read failed');
    await expect(z.finish()).rejects.toThrow('disk read failed');

    const failing = new Writable({ write(_c, _e, cb) { cb(new Error('no space left on device')); } });
    const z2 = new ZipWriter(failing);
    await expect(z2.add('a.txt', Buffer.alloc(CHUNK_BYTES * 4)).then(() => z2.finish())).rejects.toThrow('no space left');
  });

  it('when the test hook lowers the Zip64 limits, then sizes, offsets, the entry count and the directory go Zip64 and unzip -t and Python still read it', async () => {
    const contents = ['tiny', 'x'.repeat(5000), '', 'y'.repeat(40)];
    const file = await archive(async (z) => {
      for (const [i, c] of contents.entries()) await z.add(`f${i}.txt`, c);
    }, { u32: 16, u16: 3 });
    const test = unzipTest(file);
    expect(test.stdout).toContain('No errors detected');
    expect(test.status).toBe(0);
    const py = pythonRead(file);
    expect(py.zip64End).toBe(true);
    expect(py.entries.map((e) => e.sha256)).toEqual(contents.map(sha));
    const zipinfo = spawnSync('zipinfo', ['-v', file], { encoding: 'utf8' }).stdout;
    expect(zipinfo).toContain('PKWARE 64-bit sizes');
    expect(zipinfo).toMatch(/minimum software version required to extract:\s+4\.5/);
  });

  it('when the archive holds 70,000 entries, then it uses the Zip64 end record and both readers count them all', async () => {
    const file = await archive(async (z) => {
      for (let i = 0; i < 70_000; i += 1) await z.add(`e/${i}.txt`, `${i}`);
    });
    const test = spawnSync('unzip', ['-tqq', file], { encoding: 'utf8' });
    expect(test.status).toBe(0);
    const program = 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(len(z.infolist()), z.read("e/69999.txt").decode())';
    const py = spawnSync('python3', ['-c', program, file], { encoding: 'utf8' });
    expect(py.stdout.trim()).toBe('70000 69999');
    const tail = readFileSync(file).subarray(-98);
    expect(tail.readUInt32LE(0)).toBe(0x06064b50); // Zip64 end record, then its locator, then the classic end
    expect(tail.readBigUInt64LE(32)).toBe(70_000n);
    expect(tail.subarray(-22).readUInt16LE(10)).toBe(0xffff);
  });

  it('when one entry passes 4 GiB and the next starts beyond it, then unzip -t and Python read the real Zip64 archive (about 20 s)', async () => {
    const size = 4 * 2 ** 30 + 2 ** 20;
    const block = Buffer.alloc(CHUNK_BYTES, 7);
    async function* fourGiB() { for (let i = 0; i < size / CHUNK_BYTES; i += 1) yield block; }
    const file = path.join(dir, 'big.zip');
    const out = createWriteStream(file, { highWaterMark: 1 << 20 });
    const z = new ZipWriter(out);
    await z.add('before.txt', 'before');
    const bigEntry = await z.add('big.bin', fourGiB());
    await z.add('after.txt', 'after the 4 GiB mark');
    await z.finish();
    await new Promise((r) => out.close(r));
    try {
      expect(bigEntry.bytes).toBe(size);
      // unzip -t on the small entries reads the Zip64 directory and offsets; Python reads all of it, checking the big CRC-32.
      const test = unzipTest(file, 'before.txt', 'after.txt');
      expect(test.status).toBe(0);
      const program = `
import hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
h = hashlib.sha256()
with z.open("big.bin") as f:
    while True:
        b = f.read(1 << 20)
        if not b: break
        h.update(b)
i = z.getinfo("after.txt")
print(z.getinfo("big.bin").file_size, h.hexdigest(), i.header_offset > 0xFFFFFFFF, z.read("after.txt").decode())`;
      const py = spawnSync('python3', ['-c', program, file], { encoding: 'utf8' });
      expect(py.stderr).toBe('');
      expect(py.stdout.trim()).toBe(`${size} ${bigEntry.sha256} True after the 4 GiB mark`);
      // The big entry's data descriptor has 8-byte sizes (APPNOTE 4.3.9.2).
      const fd = openSync(file, 'r');
      const descriptor = Buffer.alloc(24);
      readSync(fd, descriptor, 0, 24, 30 + 'before.txt'.length + 9 + 6 + 16 + 30 + 'big.bin'.length + 9 + size);
      closeSync(fd);
      expect(descriptor.readUInt32LE(0)).toBe(0x08074b50);
      expect(descriptor.readBigUInt64LE(8)).toBe(BigInt(size));
    } finally {
      rmSync(file, { force: true });
    }
  }, 120_000);
});

describe('manifestText', () => {
  it('when an archive with its manifest is extracted, then sha256sum -c passes, and fails naming a changed file', async () => {
    const files: [string, string][] = [['README.txt', 'read me\n'], ['index.json', '{"items":[]}'], ['submissions/T-1/001-a b.pdf', '%PDF-1.7 fake'], ['audit/head.json', '{}']];
    const entries: { path: string; sha256: string }[] = [];
    const file = await archive(async (z) => {
      for (const [name, text] of files) entries.push({ path: name, ...(await z.add(name, text)) });
      await z.add(MANIFEST_NAME, manifestText(entries));
    });
    expect(manifestText(entries).split('\n')[0]).toBe(`${sha('read me\n')}  README.txt`);
    const out = path.join(dir, 'extracted');
    expect(spawnSync('unzip', ['-q', file, '-d', out]).status).toBe(0);
    const check = spawnSync('sha256sum', ['-c', MANIFEST_NAME], { cwd: out, encoding: 'utf8' });
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('submissions/T-1/001-a b.pdf: OK');
    writeFileSync(path.join(out, 'index.json'), '{"items":[1]}');
    const bad = spawnSync('sha256sum', ['-c', MANIFEST_NAME], { cwd: out, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('index.json: FAILED');
  });

  it('when a path cannot be written in sha256sum form, repeats, or a hash is not hex, then it throws', () => {
    const h = sha('x');
    expect(() => manifestText([{ path: 'a\nb', sha256: h }])).toThrow('sha256sum form');
    expect(() => manifestText([{ path: 'a\\b', sha256: h }])).toThrow('sha256sum form');
    expect(() => manifestText([{ path: 'a', sha256: h }, { path: 'a', sha256: h }])).toThrow('listed twice');
    expect(() => manifestText([{ path: 'a', sha256: h.toUpperCase() }])).toThrow('lowercase hex');
  });
});
