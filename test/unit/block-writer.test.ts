import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BLOCK_BYTES, BlockFileWriter } from '../../server/documents/block-writer';

let dir: string;
beforeAll(() => { dir = mkdtempSync(path.join(tmpdir(), 'vrp-block-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Splits data into chunks of the given sizes, cycling through them. */
function chunked(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < data.length; k += 1) {
    const n = sizes[k % sizes.length]!;
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe('BlockFileWriter', () => {
  it.each([
    ['odd chunk sizes across block edges', BLOCK_BYTES * 3 + 12_345, [65_536, 7, 65_493, 1, 300_000]],
    ['an exact multiple of the block size', BLOCK_BYTES * 2, [BLOCK_BYTES]],
    ['chunks larger than a block', BLOCK_BYTES * 2 + 5, [BLOCK_BYTES * 2 + 5]],
    ['a few bytes', 3, [1]],
    ['nothing', 0, [1]],
  ])('when written %s, then the file holds exactly the bytes', async (_what, size, sizes) => {
    const data = randomBytes(size);
    const file = path.join(dir, `${size}-${sizes.length}.bin`);
    const writer = new BlockFileWriter(openSync(file, 'wx'));
    const closed = new Promise((resolve) => writer.once('close', resolve));
    await pipeline(Readable.from(chunked(data, sizes)), writer);
    await closed;
    expect(readFileSync(file).equals(data)).toBe(true);
  });

  it('when the disk refuses a write, then the stream fails with that error and the fd is closed', async () => {
    const file = path.join(dir, 'readonly.bin');
    openSync(file, 'w');
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const writer = new BlockFileWriter(openSync(file, 'r')); // writes to a read-only fd fail with EBADF
    const closed = new Promise((resolve) => writer.once('close', resolve));
    await expect(pipeline(Readable.from(chunked(randomBytes(BLOCK_BYTES * 2), [100_000])), writer)).rejects.toMatchObject({ code: 'EBADF' });
    await closed;
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fdsBefore);
  });
});
