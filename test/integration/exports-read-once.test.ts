import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, createWriteStream, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import pino from 'pino';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { pdfPages, removeUnpacked, sha256sumCheck, unpack } from '../helpers/exports';
import { tempUploadsDir } from '../fixtures/upload-client';
import { exportErrorOf, writeProduction } from '../../server/exports/production';
import { Numbering } from '../../server/exports/producer';
import { writeProductionInChild } from '../../server/exports/production-child';
import { assignBates, batesLabel, batesPrefix, findBatesRanges } from '../../server/exports/bates.repository';
import { ContentStore } from '../../server/documents/content-store';

/**
 * The production reads each stored file once (docs/exports.md "Reading the files"): documents
 * without Bates numbers are counted and numbered on the same read that produces them, and the
 * numbers stored after the documents; each file's SHA-256 is checked on the hash that is taken as
 * it is written. A file that no longer matches, or is gone, stops the export with a stable code and
 * leaves no numbers behind; numbers given by a concurrent export meanwhile stop it too.
 */
let t: TestApp;
let uploads: string;
beforeAll(async () => {
  uploads = tempUploadsDir();
  t = await startTestApp({ env: { UPLOADS_DIR: uploads } });
});
afterAll(async () => {
  removeUnpacked();
  await t?.close();
  rmSync(uploads, { recursive: true, force: true });
});

/** PNG-looking bytes of the given size. */
const png = (size: number) => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(size - 8)]);

interface Record { proceedingId: string; docket: string; ids: string[] }

/** A filed response with the given documents (PDFs of n pages, or other bytes with a media type); ids in record order. */
async function recordWith(docs: { pages?: number; bytes?: Buffer; mediaType?: string; name?: string; confidential?: boolean }[]): Promise<Record> {
  const p = await buildProceeding(t.deps);
  const vendor = await buildUser(t.deps);
  const token = await tokenFor(t.app, vendor);
  const auth = { Authorization: `Bearer ${token}` };
  const draft = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set(auth).send({ title: 'Response', argument: 'Argument.' }).expect(201);
  const ids: string[] = [];
  for (const [i, d] of docs.entries()) {
    const data = d.bytes ?? await pdfPages(d.pages ?? 1, { text: `Exhibit ${i}`, subject: `doc ${i} ${p.docket}` });
    const id = await buildDocumentRow(t.deps, draft.body.id, vendor.id, { data, label: `Exhibit ${i}`, confidential: d.confidential });
    if (d.mediaType) await t.deps.db.updateTable('documents').set({ media_type: d.mediaType, original_name: d.name ?? 'exhibit.bin' }).where('id', '=', id).execute();
    ids.push(id);
    // A confidential document is filed with its public version (right after it).
    if (d.confidential) ids.push(await buildDocumentRow(t.deps, draft.body.id, vendor.id, { data: await pdfPages(1, { subject: `public ${i} ${p.docket}` }), publicVersionOf: id }));
  }
  await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set(auth).send({ certification: { accepted: true, signature: 'X' } }).expect(200);
  return { proceedingId: p.id, docket: p.docket, ids };
}

/** Runs the production into a file; resolves with its bytes, or the error's code and message. */
async function produce(docket: string, includeConfidential = true): Promise<{ zip?: Buffer; error?: { code: string; message: string } }> {
  const out = path.join(tmpdir(), `vrp-read-once-${randomUUID()}.zip`);
  const stream = createWriteStream(out);
  try {
    await writeProduction(t.deps, { docket, includeConfidential, exportId: randomUUID(), certifier: { name: 'C', title: 'T' } }, stream, () => undefined);
    stream.end();
    await finished(stream);
    return { zip: readFileSync(out) };
  } catch (err) {
    stream.destroy();
    return { error: exportErrorOf(err) };
  } finally {
    rmSync(out, { force: true });
  }
}

const storedPath = async (documentId: string): Promise<string> => {
  const row = await t.deps.db.selectFrom('documents').select('storage_key').where('id', '=', documentId).executeTakeFirstOrThrow();
  return new ContentStore(uploads).pathOf(row.storage_key);
};

/** Overwrites a stored file with other bytes of the same size (so only its hash can tell). */
async function tamper(documentId: string): Promise<void> {
  const file = await storedPath(documentId);
  const bytes = readFileSync(file);
  const at = bytes.lastIndexOf('Exhibit');
  const i = at >= 0 ? at : bytes.length - 20;
  bytes.writeUInt8(bytes.readUInt8(i) ^ 0x20, i);
  chmodSync(file, 0o600);
  writeFileSync(file, bytes);
}

const rangesOf = async (ids: string[]) => [...(await findBatesRanges(t.deps.db, ids)).entries()];

describe('a first export', () => {
  it('when documents have no numbers yet, then it numbers them by page count in record order as it produces them, and a second export gives the same numbers', async () => {
    const r = await recordWith([{ pages: 3 }, { bytes: png(5000), mediaType: 'image/png', name: 'photo.png' }, { pages: 2 }]);
    const first = await produce(r.docket);
    expect(first.error).toBeUndefined();
    const prefix = await batesPrefix(t.deps.db, r.proceedingId);
    const ranges = new Map(await rangesOf(r.ids));
    expect(r.ids.map((id) => ranges.get(id))).toEqual([{ first: 1, last: 3 }, { first: 4, last: 4 }, { first: 5, last: 6 }]);
    const items = JSON.parse(unpack(first.zip!).text('index.json')).items as { begBates: string; endBates: string; status: string }[];
    expect(items.map((i) => [i.begBates, i.endBates, i.status])).toEqual([
      [batesLabel(prefix, 1), batesLabel(prefix, 3), 'produced'], [batesLabel(prefix, 4), batesLabel(prefix, 4), 'slip_sheet'], [batesLabel(prefix, 5), batesLabel(prefix, 6), 'produced'],
    ]);
    expect(sha256sumCheck(unpack(first.zip!).dir).status).toBe(0);
    const second = await produce(r.docket);
    expect(JSON.parse(unpack(second.zip!).text('index.json')).items.map((i: { begBates: string }) => i.begBates)).toEqual(items.map((i) => i.begBates));
  });

  it('when a public first export withholds a confidential PDF, then it still counts its pages so both scopes share the numbers', async () => {
    const r = await recordWith([{ pages: 1 }, { pages: 4, confidential: true }, { pages: 1 }]);
    const pub = await produce(r.docket, false);
    expect(pub.error).toBeUndefined();
    const ranges = new Map(await rangesOf(r.ids));
    expect(r.ids.map((id) => ranges.get(id))).toEqual([{ first: 1, last: 1 }, { first: 2, last: 5 }, { first: 6, last: 6 }, { first: 7, last: 7 }]);
    const items = JSON.parse(unpack(pub.zip!).text('index.json')).items as { status: string; pages: number }[];
    expect(items.map((i) => [i.status, i.pages])).toEqual([['produced', 1], ['withheld', 4], ['produced', 1], ['produced', 1]]);
  });
});

describe('a stored file that changed or is gone', () => {
  it.each([
    ['a stamped PDF', [{ pages: 2 }, { pages: 1 }], 0],
    ['a native file read whole', [{ pages: 1 }, { bytes: png(70_000), mediaType: 'image/png', name: 'photo.png' }], 1],
    ['a confidential PDF read only to count it (public scope)', [{ pages: 1 }, { pages: 3, confidential: true }], 1],
  ] as const)('when %s no longer matches its SHA-256, then the export stops with document_corrupt and gives no numbers', async (_what, docs, bad) => {
    const r = await recordWith(docs.map((d) => ({ ...d })));
    await tamper(r.ids[bad]!);
    const run = await produce(r.docket, !('confidential' in docs[bad]!));
    expect(run.error).toEqual({ code: 'document_corrupt', message: expect.stringContaining(r.ids[bad]!) });
    expect(await rangesOf(r.ids)).toEqual([]);
  });

  it('when a stored file is gone, then the export stops with document_missing naming it', async () => {
    const r = await recordWith([{ pages: 1 }, { pages: 1 }]);
    unlinkSync(await storedPath(r.ids[1]!));
    expect((await produce(r.docket)).error).toEqual({ code: 'document_missing', message: expect.stringContaining(r.ids[1]!) });
  });
});

describe('numbers given by a concurrent export', () => {
  it('when another export stored different numbers for the same documents meanwhile, then storing this one\'s refuses with record_changed', async () => {
    const r = await recordWith([{ pages: 2 }]);
    await batesPrefix(t.deps.db, r.proceedingId);
    const numbering = new Numbering(0);
    expect(numbering.give(r.ids[0]!, 2)).toEqual({ first: 1, last: 2 });
    // The other export counted differently (the file changed between the two reads) and committed first.
    await assignBates(t.deps.db, r.proceedingId, [{ documentId: r.ids[0]!, pages: 3 }]);
    await expect(numbering.store(t.deps.db, r.proceedingId)).rejects.toMatchObject({ code: 'record_changed' });
  });

  it('when nothing else numbered meanwhile, then the numbers stored are the ones given', async () => {
    const r = await recordWith([{ pages: 2 }, { pages: 1 }]);
    await batesPrefix(t.deps.db, r.proceedingId);
    const numbering = new Numbering(0);
    numbering.give(r.ids[0]!, 2);
    numbering.give(r.ids[1]!, 1);
    await numbering.store(t.deps.db, r.proceedingId);
    expect(new Map(await rangesOf(r.ids))).toEqual(new Map([[r.ids[0]!, { first: 1, last: 2 }], [r.ids[1]!, { first: 3, last: 3 }]]));
  });
});

describe('the export process', () => {
  const childOptions = (heapMiB: number) => ({ pool: t.deps.pool, uploadsDir: uploads, heapMiB, logLevel: 'silent' });
  const scope = (docket: string) => ({ docket, includeConfidential: true, exportId: randomUUID(), certifier: { name: 'C', title: 'T' } });

  it('when it runs an export, then the file is the production, progress reaches the caller, and it reports its own peak memory', async () => {
    const r = await recordWith([{ pages: 2 }, { pages: 1 }]);
    const file = path.join(tmpdir(), `vrp-child-${randomUUID()}.zip`);
    const seen: [number, number][] = [];
    try {
      const result = await writeProductionInChild(childOptions(160), scope(r.docket), file, 'wx', (done, total) => seen.push([done, total]));
      expect(result).toMatchObject({ items: 2, manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/), peakRssKiB: expect.any(Number) });
      expect(result.peakRssKiB).toBeGreaterThan(10_000);
      expect(seen[0]![0]).toBe(0);
      expect(seen.at(-1)![0]).toBe(seen.at(-1)![1]);
      expect(sha256sumCheck(unpack(readFileSync(file)).dir).status).toBe(0);
      // wx: an existing file is never overwritten.
      await expect(writeProductionInChild(childOptions(160), scope(r.docket), file, 'wx', () => undefined)).rejects.toMatchObject({ code: 'file_exists' });
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('when it runs out of heap, then the caller gets export_process_failed saying so and naming EXPORT_HEAP_MIB, and V8\'s message goes to the log', async () => {
    const r = await recordWith([{ pages: 1 }]);
    const file = path.join(tmpdir(), `vrp-child-${randomUUID()}.zip`);
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => { lines.push(line); } });
    try {
      await expect(writeProductionInChild({ ...childOptions(4), logger }, scope(r.docket), file, 'w', () => undefined))
        .rejects.toMatchObject({ code: 'export_process_failed', message: expect.stringMatching(/ran out of memory at EXPORT_HEAP_MIB=4\b/) });
      expect(lines.map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({ msg: 'the export process wrote to stderr', stderr: expect.stringMatching(/heap/i) }));
    } finally {
      rmSync(file, { force: true });
    }
  });
});
