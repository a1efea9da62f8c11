import { createReadStream, promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import { ContentStore } from '../documents/content-store';
import { ZipWriter } from './zip-writer';
import { MANIFEST_NAME, manifestText } from './manifest';
import { writeAuditFiles } from './audit-files';
import { assignBates, batesLabel, batesPrefix, findBatesRanges, pageCountOrSlip, type BatesRange } from './bates.repository';
import { stampPdfIncremental } from './pdf-stamp';
import { slipSheet } from './slip-sheet';
import {
  dispositionsCsvChunks, indexCsvChunks, indexJsonChunks, withheldLogCsvChunks,
  type DispositionCsvRow, type IndexHead, type IndexItem, type ItemKind, type WithheldLogRow,
} from './index-files';
import { datChunks, optChunks } from './load-files';
import { certifiedIndexPdf } from './certified-index';
import { readmeText } from './readme-text';
import { isSafeArchivePath, ordinal, safeName, withExtension } from './archive-paths';
import {
  findRecordProceeding, findRecordSubmission, listRecordDispositions, listRecordDocuments, listRecordNotice,
  listRecordRequests, listRecordSubmissions, listWithheldMaterial,
  type RecordDisposition, type RecordDocument, type RecordProceeding, type RecordRequest, type RecordSubmission, type RecordSubmissionText,
} from './record.repository';

/**
 * Writes one proceeding's record as a production ZIP (EXPORT.md, docs/exports.md): Bates ranges
 * first (stored, stable across exports and scopes), then every entry streamed through ZipWriter
 * in order, MANIFEST.sha256 last. Nothing whole-archive is held in memory: documents stream from
 * the content store; only the PDF being stamped (bounded by the proceeding's file limit) and the
 * index rows (metadata) are in memory. A PDF that cannot be read or stamped is produced natively
 * behind a slip sheet that says why, and listed; it never stops the export.
 */

/** What writeProduction needs of the app's dependencies (a full Deps has it). */
export interface ProductionDeps {
  db: Db;
  logger?: Logger;
  config: { uploadsDir: string };
}

export interface ProductionScope {
  docket: string;
  includeConfidential: boolean;
  exportId: string;
  certifier: { name: string; title: string };
}

export interface ProductionResult {
  bytes: number;
  /** SHA-256 of MANIFEST.sha256 (the one hash that pins every file of the archive). */
  manifestSha256: string;
  /** Rows of the index: documents produced, slip-sheeted or withheld. */
  items: number;
  auditHeadHash: string;
}

/** A failure with a stable code (the exports row and the CLI report it); anything else is `export_failed`. */
export class ExportError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** The code and a message a person can act on, for any error an export stopped on. */
export function exportErrorOf(err: unknown): { code: string; message: string } {
  if (err instanceof ExportError) return { code: err.code, message: err.message };
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'ENOSPC') return { code: 'disk_full', message: 'The disk holding DATA_DIR is full. Free space and start the export again.' };
  if (code === 'EACCES' || code === 'EROFS') return { code: 'storage_unwritable', message: 'The export file could not be written (permissions or a read-only disk).' };
  return { code: 'export_failed', message: 'The export stopped on an unexpected error, which has been logged. Start it again; if it fails again, tell an administrator.' };
}

/** The legend stamped on every page of confidential material (and on its slip sheet). */
export const CONFIDENTIAL_LEGEND = 'CONFIDENTIAL - PRODUCED UNDER A CLAIM OF CONFIDENTIALITY';
const PRIVILEGE = 'Deliberative process privilege (pre-decisional, deliberative agency material)';

/** What writeProduction calls per step: `done` of `total` units (a document, a submission folder, a file). */
export type ProgressCallback = (done: number, total: number) => void;

interface Doc {
  id: string;
  confidential: boolean;
  storageKey: string;
  mediaType: string;
  size: number;
  sha256: string;
  originalName: string;
}

const isPdf = (mediaType: string): boolean => mediaType === 'application/pdf';

export async function writeProduction(deps: ProductionDeps, scope: ProductionScope, out: NodeJS.WritableStream, onProgress: ProgressCallback): Promise<ProductionResult> {
  const { db } = deps;
  const store = new ContentStore(deps.config.uploadsDir);
  const generatedAt = new Date();
  const proceeding = await findRecordProceeding(db, scope.docket);
  if (!proceeding) throw new ExportError('proceeding_not_found', `No proceeding has the docket ${scope.docket}.`);

  // The record as of now: ids and metadata only (texts are read per submission below).
  const notice = await listRecordNotice(db, proceeding.id);
  const submissions = await listRecordSubmissions(db, proceeding.id);
  const documents = await listRecordDocuments(db, proceeding.id);
  const requests = await listRecordRequests(db, proceeding.id);
  const dispositions = await listRecordDispositions(db, proceeding.id);
  const deliberative = await listWithheldMaterial(db, proceeding.id);

  const docOf = (d: { id: string; storage_key: string; media_type: string; size: string | number; sha256: string; original_name: string; confidential?: boolean }): Doc => ({
    id: d.id, confidential: d.confidential ?? false, storageKey: d.storage_key, mediaType: d.media_type, size: Number(d.size), sha256: d.sha256, originalName: d.original_name,
  });
  const allDocs = [...notice.map(docOf), ...documents.map(docOf)];
  const prefix = await batesPrefix(db, proceeding.id);
  const ranges = await batesRanges(db, store, proceeding.id, allDocs);
  const numberedAt = Date.now();

  // Units: each document, each submission folder, and the ten files written at the end (audit ... manifest).
  const total = allDocs.length + submissions.length + 10;
  let done = 0;
  const step = () => { done += 1; onProgress(Math.min(done, total), total); };
  onProgress(0, total);

  const zip = new RecordingZip(out, generatedAt);
  const producer = new Producer(zip, store, prefix, ranges, scope.includeConfidential, allDocs);
  const items: IndexItem[] = [];
  const withheld: WithheldLogRow[] = [];

  // notice/
  await zip.put('notice/notice.txt', noticeText(proceeding));
  for (const [i, n] of notice.entries()) {
    items.push(await producer.document(docOf(n), `notice/${ordinal(i + 1)}`, {
      trackingNumber: null, organization: null, filedAt: null, kind: 'notice', title: n.title, confidential: false,
      late: false, disposition: null, textPath: null,
    }));
    step();
  }

  // submissions/<tracking>/
  const docsBySubmission = groupBy(documents, (d) => d.submission_id);
  const requestsBySubmission = groupBy(requests, (r) => r.submission_id);
  const dispositionsBySubmission = groupBy(dispositions, (d) => d.submission_id);
  const organizationOf = new Map(submissions.map((s) => [s.id, s.organization]));
  const publicVersionOf = new Map(documents.filter((d) => d.public_version_of).map((d) => [d.public_version_of!, d]));
  for (const s of submissions) {
    const full = await findRecordSubmission(db, s.id);
    if (!full || !s.tracking_number) throw new ExportError('record_changed', `Submission ${s.id} changed while the export ran. Start the export again.`);
    const dir = `submissions/${safeName(s.tracking_number)}`;
    const textPath = `${dir}/argument.txt`;
    const issued = (dispositionsBySubmission.get(s.id) ?? []).find((d) => d.status === 'issued');
    const produced: { doc: RecordDocument; item: IndexItem }[] = [];
    for (const [i, d] of (docsBySubmission.get(s.id) ?? []).entries()) {
      const item = await producer.document(docOf(d), `${dir}/${ordinal(i + 1)}`, {
        trackingNumber: s.tracking_number, organization: s.organization, filedAt: s.submitted_at?.toISOString() ?? null,
        kind: s.kind, title: d.label, confidential: d.confidential, late: s.late, disposition: issued?.outcome ?? null, textPath,
        publicVersion: publicVersionOf.get(d.id),
      });
      items.push(item);
      produced.push({ doc: d, item });
      if (item.status === 'withheld') {
        withheld.push({
          date: d.created_at, author: s.organization, type: 'confidential document', trackingNumber: s.tracking_number, id: d.id,
          description: `${d.label} (${item.begBates}${item.endBates !== item.begBates ? ` to ${item.endBates}` : ''}), filed as confidential`,
          basis: 'Confidential commercial information: withheld from the public production; its public version is produced',
        });
      }
      step();
    }
    await zip.put(`${dir}/submission.json`, submissionJson(proceeding, s, full, produced, requestsBySubmission.get(s.id) ?? [],
      dispositionsBySubmission.get(s.id) ?? []));
    await zip.put(textPath, full.argument);
    step();
  }

  for (const w of deliberative) {
    withheld.push({
      date: w.date, author: w.author, type: w.type, trackingNumber: w.trackingNumber, id: w.id, basis: PRIVILEGE,
      description: w.type === 'internal note' ? 'Internal staff note on the submission (body withheld)'
        : w.type === 'draft disposition' ? 'Disposition drafted but not issued (words withheld)' : 'Reviewer findings on the arguments (withheld)',
    });
  }

  // The proceeding's audit events with the chain up to the head (x-archive's format); events that
  // would reveal deliberative or (public scope) confidential material are withheld whole.
  const audit = await writeAuditFiles(db, proceeding.id, zip, { scope: scope.includeConfidential ? 'confidential' : 'public', mtime: generatedAt });
  for (const e of audit.withheld) {
    withheld.push({
      date: e.occurredAt, author: e.actorRole ?? 'unknown', type: 'audit event', trackingNumber: null, id: `audit event ${e.seq}`,
      description: `Audit event ${e.seq} (${e.action}) left out of audit/audit-log.jsonl; its hash is in audit/chain.jsonl`, basis: e.basis,
    });
  }
  withheld.sort((a, b) => new Date(a.date).getTime() - new Date(b.date).getTime());
  step();

  const head: IndexHead = {
    docket: proceeding.docket, title: proceeding.title, batesPrefix: prefix, scope: scope.includeConfidential ? 'confidential' : 'public',
    exportId: scope.exportId, generatedAt: generatedAt.toISOString(), auditHeadHash: audit.headHash,
  };
  await zip.put('index.json', chunked(indexJsonChunks(head, items)));
  step();
  await zip.put('index.csv', chunked(indexCsvChunks(items)));
  step();
  await zip.put('loadfiles/record.dat', chunked(datChunks(items)));
  step();
  await zip.put('loadfiles/record.opt', chunked(optChunks(items)));
  step();
  const dispositionRows: DispositionCsvRow[] = dispositions.map((d) => dispositionRow(d, organizationOf.get(d.submission_id) ?? null));
  await zip.put('dispositions.csv', chunked(dispositionsCsvChunks(dispositionRows)));
  step();
  await zip.put('withheld-log.csv', chunked(withheldLogCsvChunks(withheld)));
  step();
  const scopeName = head.scope;
  await zip.put('certified-index.pdf', certifiedIndexPdf({
    docket: proceeding.docket, title: proceeding.title, scope: scopeName, exportId: scope.exportId, generatedAt: head.generatedAt,
    batesPrefix: prefix, auditHeadHash: audit.headHash, auditHeadSeq: audit.headSeq, items, certifier: scope.certifier,
    certifiedAt: head.generatedAt,
  }));
  step();
  const sortedBates = items.map((i) => [i.begBates, i.endBates] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  await zip.put('README.txt', readmeText({
    docket: proceeding.docket, title: proceeding.title, scope: scopeName, exportId: scope.exportId, generatedAt: head.generatedAt,
    batesPrefix: prefix, firstBates: sortedBates[0]?.[0] ?? null, lastBates: sortedBates.at(-1)?.[1] ?? null,
    counts: {
      items: items.length, produced: items.filter((i) => i.status === 'produced').length, slipSheets: items.filter((i) => i.status === 'slip_sheet').length,
      withheld: items.filter((i) => i.status === 'withheld').length, submissions: submissions.length,
    },
    auditHeadHash: audit.headHash, auditHeadSeq: audit.headSeq, fileName: `${proceeding.docket}-${scopeName}-${scope.exportId.slice(0, 8)}.zip`,
    auditVerifyCommand: `python3 verify_audit.py production ${proceeding.docket}-${scopeName}-${scope.exportId.slice(0, 8)}.zip`,
  }));
  step();
  const manifest = await zip.add(MANIFEST_NAME, manifestText(zip.manifestEntries), { mtime: generatedAt });
  const { bytes } = await zip.finish();
  step();
  deps.logger?.info({ docket: proceeding.docket, items: items.length, bytes, readMs: numberedAt - generatedAt.getTime(), writeMs: Date.now() - numberedAt }, 'production written');
  return { bytes, manifestSha256: manifest.sha256, items: items.length, auditHeadHash: audit.headHash };
}

/** ZipWriter that remembers each entry's path and SHA-256 for the manifest (whoever adds it: the audit files too). */
class RecordingZip extends ZipWriter {
  readonly manifestEntries: { path: string; sha256: string }[] = [];

  constructor(private readonly sink: NodeJS.WritableStream, private readonly mtime: Date) {
    super(sink);
  }

  /** Resolves once everything handed to the output so far is written (writes complete in order). */
  flushed(): Promise<void> {
    return new Promise((resolve, reject) => { this.sink.write(Buffer.alloc(0), (err) => (err ? reject(err) : resolve())); });
  }

  override async add(name: string, data: Buffer | string | Readable | AsyncIterable<Buffer>, opts?: { mtime?: Date }): Promise<{ bytes: number; sha256: string }> {
    if (!isSafeArchivePath(name)) throw new Error(`unsafe archive path ${JSON.stringify(name)}`);
    const r = await super.add(name, data, { mtime: opts?.mtime ?? this.mtime });
    if (name !== MANIFEST_NAME) this.manifestEntries.push({ path: name, sha256: r.sha256 });
    return r;
  }

  put(name: string, data: Buffer | string | Readable | AsyncIterable<Buffer>) {
    return this.add(name, data);
  }
}

/** Byte arrays as the Buffers ZipWriter streams (no copy). */
async function* parts(chunks: Uint8Array[]): AsyncIterable<Buffer> {
  for (const c of chunks) if (c.byteLength) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

/** Text chunks as the Buffers ZipWriter streams. */
async function* chunked(chunks: Iterable<string>): AsyncIterable<Buffer> {
  for (const c of chunks) yield Buffer.from(c, 'utf8');
}

/**
 * Every document's stored range; documents without one get theirs now, in record order, in one
 * short transaction (assignBates). Only those need their pages counted, so a later export reads
 * no file twice.
 */
async function batesRanges(db: Db, store: ContentStore, proceedingId: string, docs: Doc[]): Promise<Map<string, BatesRange>> {
  const ranges = await findBatesRanges(db, docs.map((d) => d.id));
  const missing = docs.filter((d) => !ranges.has(d.id));
  if (missing.length === 0) return ranges;
  // Pages of the PDFs among them, a few files read at once (cold reads overlap); only the size is
  // checked here: the write pass checks every byte against its SHA-256 before producing it.
  const pages = new Map<string, number>();
  const pdfs = missing.filter((d) => isPdf(d.mediaType));
  let next = 0;
  let inMemory = 0;
  const slots = Array.from({ length: COUNT_READERS }, () => new ReadSlot());
  await Promise.all(Array.from({ length: Math.min(COUNT_READERS, pdfs.length) }, async (_, reader) => {
    while (next < pdfs.length) {
      // Readers beyond the first wait while the files in memory already pass the budget.
      if (reader > 0 && inMemory + pdfs[next]!.size > READ_BUDGET_BYTES) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const d = pdfs[next++]!;
      inMemory += d.size;
      try {
        const counted = await pageCountOrSlip(await slots[reader]!.read(store, d, { verify: false }));
        if (counted.kind === 'pdf') pages.set(d.id, counted.pages);
      } finally {
        inMemory -= d.size;
      }
    }
  }));
  const given = await assignBates(db, proceedingId, missing.map((d) => ({ documentId: d.id, pages: pages.get(d.id) ?? 1 })));
  for (const [id, r] of given) ranges.set(id, r);
  return ranges;
}

/** Files read at once while counting pages before the first export... */
const COUNT_READERS = 4;
/**
 * ...and the bytes they may hold together (one file of any size is always allowed). The write
 * pass reads the next PDF ahead only when it fits beside the current one within this too.
 */
const READ_BUDGET_BYTES = 32 * 1024 * 1024;

/** A stored file in memory (a PDF to count or stamp), checked against its recorded size and SHA-256. */
/**
 * A reusable read buffer. Every PDF is read whole; a fresh Buffer per file (up to the file limit,
 * thousands of them) leaves the allocator fragmented and the process's memory creeping up with
 * the record's size, so each reader reads into its own buffer, grown when a larger file comes.
 */
class ReadSlot {
  private buf = Buffer.allocUnsafe(0);
  busy = false;

  /**
   * The file's bytes, a view of this slot's buffer valid until the next read into it. A file
   * larger than SLOT_KEEP_BYTES gets a buffer of its own, dropped after it: the slot never holds
   * more than that between files, however large the record's largest PDF.
   */
  async read(store: ContentStore, d: Doc, opts: { verify?: boolean } = {}): Promise<Buffer> {
    if (d.size > SLOT_KEEP_BYTES) {
      if (this.buf.length > SLOT_KEEP_BYTES) this.buf = Buffer.allocUnsafe(0);
      return this.readInto(Buffer.allocUnsafe(d.size), store, d, opts);
    }
    if (this.buf.length < d.size) this.buf = Buffer.allocUnsafe(Math.min(SLOT_KEEP_BYTES, Math.ceil(Math.max(d.size, 1) / SLOT_STEP) * SLOT_STEP));
    return this.readInto(this.buf, store, d, opts);
  }

  private async readInto(buf: Buffer, store: ContentStore, d: Doc, opts: { verify?: boolean }): Promise<Buffer> {
    const handle = await fsp.open(store.pathOf(d.storageKey), 'r').catch((err: unknown) => {
      if ((err as { code?: string }).code === 'ENOENT') throw missingFile(d);
      throw err;
    });
    let got = 0;
    try {
      if ((await handle.stat()).size !== d.size) throw corruptFile(d);
      while (got < d.size) {
        const { bytesRead } = await handle.read(buf, got, d.size - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } finally {
      await handle.close();
    }
    const bytes = buf.subarray(0, d.size);
    if (got !== d.size || (opts.verify !== false && createHash('sha256').update(bytes).digest('hex') !== d.sha256)) throw corruptFile(d);
    return bytes;
  }
}

/** Read buffers grow in steps of this much (so a slightly larger file reuses the buffer)... */
const SLOT_STEP = 1024 * 1024;
/** ...up to this size; larger files are read into a buffer of their own. */
const SLOT_KEEP_BYTES = 8 * 1024 * 1024;

const missingFile = (d: Doc) => new ExportError('document_missing', `The stored file of document ${d.id} is missing from UPLOADS_DIR; the record cannot be produced whole.`);
const corruptFile = (d: Doc) => new ExportError('document_corrupt', `The stored file of document ${d.id} no longer matches its recorded SHA-256; the record cannot be produced faithfully.`);

interface ItemFacts {
  trackingNumber: string | null;
  organization: string | null;
  filedAt: string | null;
  kind: ItemKind;
  title: string;
  confidential: boolean;
  late: boolean;
  disposition: string | null;
  textPath: string | null;
  /** A confidential document's public version, named in its withheld row. */
  publicVersion?: { label: string; original_name: string };
}

/** Produces one document into the archive: stamped, slip-sheeted with its native file, or withheld. */
class Producer {
  /** The next PDF's bytes, read while the current entry is written (one file ahead, at most). */
  private ahead: { id: string; slot: ReadSlot; bytes: Promise<Buffer> } | undefined;
  private readonly position: Map<string, number>;
  /** Two read buffers: the PDF being produced and the one read ahead. */
  private readonly slots = [new ReadSlot(), new ReadSlot()];

  constructor(private readonly zip: RecordingZip, private readonly store: ContentStore, private readonly prefix: string,
    private readonly ranges: Map<string, BatesRange>, private readonly includeConfidential: boolean, private readonly order: Doc[]) {
    this.position = new Map(order.map((d, i) => [d.id, i]));
  }

  /** True when the production reads this document whole (a PDF it produces). */
  private readsWhole(d: Doc): boolean {
    return isPdf(d.mediaType) && (this.includeConfidential || !d.confidential);
  }

  /**
   * This PDF's verified bytes (read ahead when it could be) in a slot held until `release`, and
   * the read of the next one started in the other slot when both fit the memory budget.
   */
  private async bytesOf(d: Doc): Promise<{ bytes: Buffer; release: () => Promise<void> }> {
    let slot: ReadSlot;
    let pending: Promise<Buffer>;
    if (this.ahead?.id === d.id) {
      ({ slot, bytes: pending } = this.ahead);
    } else {
      if (this.ahead) { await this.ahead.bytes.catch(() => undefined); this.ahead.slot.busy = false; }
      slot = this.slots.find((s) => !s.busy)!;
      slot.busy = true;
      pending = slot.read(this.store, d);
    }
    this.ahead = undefined;
    const release = async () => {
      // The slot's bytes may still sit in the output stream's queue: reuse it only once they are written.
      await this.zip.flushed();
      slot.busy = false;
    };
    let bytes: Buffer;
    try {
      bytes = await pending;
    } catch (err) {
      slot.busy = false;
      throw err;
    }
    for (let i = (this.position.get(d.id) ?? this.order.length) + 1; i < this.order.length; i += 1) {
      const next = this.order[i]!;
      if (!this.readsWhole(next)) continue;
      if (d.size + next.size > READ_BUDGET_BYTES) break; // read in its turn instead: memory stays bounded
      const other = this.slots.find((s) => !s.busy)!;
      other.busy = true;
      const read = other.read(this.store, next);
      read.catch(() => undefined); // awaited (and its error met) when that document's turn comes
      this.ahead = { id: next.id, slot: other, bytes: read };
      break;
    }
    return { bytes, release };
  }

  async document(d: Doc, stem: string, f: ItemFacts): Promise<IndexItem> {
    const range = this.ranges.get(d.id);
    if (!range) throw new ExportError('record_changed', `Document ${d.id} has no Bates range. Start the export again.`);
    const base = {
      begBates: batesLabel(this.prefix, range.first), endBates: batesLabel(this.prefix, range.last), pages: range.last - range.first + 1,
      trackingNumber: f.trackingNumber, organization: f.organization, filedAt: f.filedAt, kind: f.kind, title: f.title,
      documentName: d.originalName, mediaType: d.mediaType, bytes: d.size, sha256Original: d.sha256,
      confidentiality: f.confidential ? 'confidential' as const : 'public' as const, late: f.late, disposition: f.disposition, textPath: f.textPath,
    };
    if (f.confidential && !this.includeConfidential) {
      const pv = f.publicVersion ? `; its public version, ${f.publicVersion.label} (${f.publicVersion.original_name}), is produced` : '';
      return { ...base, status: 'withheld', sha256Produced: null, producedPath: null, nativePath: null, reason: `Confidential: withheld from the public production${pv}` };
    }
    const legend = f.confidential ? CONFIDENTIAL_LEGEND : undefined;
    const name = safeName(d.originalName);
    if (!isPdf(d.mediaType)) return this.slip(d, base, stem, name, legend, `Produced natively: ${d.mediaType} is not a PDF`);

    const { bytes, release } = await this.bytesOf(d);
    try {
      return await this.producePdf(d, base, stem, name, legend, range, bytes);
    } finally {
      await release();
    }
  }

  /** A PDF in memory: stamped when it reads as a whole with the stored range's page count, else slip-sheeted. */
  private async producePdf(d: Doc, base: Omit<IndexItem, 'status' | 'sha256Produced' | 'producedPath' | 'nativePath' | 'reason'>, stem: string,
    name: string, legend: string | undefined, range: BatesRange, bytes: Buffer): Promise<IndexItem> {
    let reason: string;
    const counted = await pageCountOrSlip(bytes).catch((err: unknown) => ({ kind: 'slip' as const, reason: `could not be read (${String(err).slice(0, 200)})` }));
    if (counted.kind === 'pdf' && counted.pages === base.pages) {
      try {
        // The original bytes then the appended update (incremental stamping), streamed as two parts.
        const stamped = await stampPdfIncremental(bytes, { firstBates: range.first, prefix: this.prefix, legend });
        if (stamped.pages !== base.pages) throw new Error(`stamped ${stamped.pages} pages, the range has ${base.pages}`);
        const producedPath = `${stem}-${withExtension(name, 'pdf')}`;
        const r = await this.zip.put(producedPath, parts([stamped.head, stamped.tail]));
        return { ...base, status: 'produced', sha256Produced: r.sha256, producedPath, nativePath: null, reason: null };
      } catch (err) {
        reason = `the PDF could not be stamped (${(err instanceof Error ? err.message : String(err)).slice(0, 200)})`;
      }
    } else {
      reason = counted.kind === 'slip' ? `the PDF is unreadable: ${counted.reason}`
        : `the PDF now has ${counted.pages} pages but its stored Bates range has ${base.pages}`;
    }
    return this.slip(d, base, stem, name, legend, `Produced natively behind this slip sheet: ${reason}`, bytes);
  }

  private async slip(d: Doc, base: Omit<IndexItem, 'status' | 'sha256Produced' | 'producedPath' | 'nativePath' | 'reason'>, stem: string, name: string,
    legend: string | undefined, reason: string, bytes?: Buffer): Promise<IndexItem> {
    const nativePath = `${stem}-${name}`;
    const producedPath = `${stem}-${name.replace(/\./g, '_')}-slipsheet.pdf`;
    const sheet = await slipSheet({
      bates: base.begBates === base.endBates ? base.begBates : `${base.begBates} - ${base.endBates}`,
      title: base.title, documentName: d.originalName, mediaType: d.mediaType, sha256: d.sha256, reason, legend, nativePath,
    });
    const slip = await this.zip.put(producedPath, sheet);
    const native = await this.zip.put(nativePath, bytes ?? await this.stream(d));
    if (native.sha256 !== d.sha256 || native.bytes !== d.size) throw corruptFile(d);
    return { ...base, status: 'slip_sheet', sha256Produced: slip.sha256, producedPath, nativePath, reason };
  }

  /** The native file as a stream (never whole in memory); a missing file is named before the entry starts. */
  private async stream(d: Doc): Promise<Readable> {
    const file = this.store.pathOf(d.storageKey);
    await fsp.access(file).catch(() => { throw missingFile(d); });
    return createReadStream(file, { highWaterMark: 128 * 1024 });
  }
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** notice/notice.txt: the proceeding as the notice page states it. */
function noticeText(p: RecordProceeding): string {
  return [
    `Docket: ${p.docket}`,
    `Title: ${p.title}`,
    `Response window: ${p.opens_at.toISOString()} to ${p.closes_at.toISOString()} (${p.time_zone})`,
    `Late responses: ${p.late_policy === 'reject' ? 'refused' : 'accepted and flagged as late'}`,
    '',
    'Summary:',
    p.summary,
    '',
    'Notice:',
    p.notice_text,
    '',
  ].join('\n');
}

/** submission.json: every field of the filed submission, its documents as produced here, requests and dispositions. */
function submissionJson(p: RecordProceeding, s: RecordSubmission, full: RecordSubmissionText, docs: { doc: RecordDocument; item: IndexItem }[],
  requests: RecordRequest[], dispositions: RecordDisposition[]): string {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return `${JSON.stringify({
    format: 'vrp-submission/1',
    id: s.id, docket: p.docket, trackingNumber: s.tracking_number, kind: s.kind, status: full.status,
    parent: s.parent_id ? { id: s.parent_id, trackingNumber: s.parent_tracking_number } : null,
    organization: { id: s.organization_id, legalName: s.organization },
    title: full.title, summary: full.summary, argument: full.argument, fields: full.fields,
    submittedAt: iso(full.submitted_at), submittedBy: full.submitted_by ? { id: full.submitted_by, name: full.submitted_by_name } : null,
    late: full.late, certification: full.certification, standing: full.standing, contentDigest: full.content_digest, receipt: full.receipt,
    withdrawnAt: iso(full.withdrawn_at), withdrawalReason: full.withdrawal_reason,
    createdAt: iso(full.created_at), updatedAt: iso(full.updated_at), version: full.version,
    documents: docs.map(({ doc, item }) => ({
      id: doc.id, label: doc.label, description: doc.description, originalName: doc.original_name, mediaType: doc.media_type,
      size: Number(doc.size), sha256: doc.sha256, confidential: doc.confidential, publicVersionOf: doc.public_version_of, flags: doc.flags,
      createdAt: iso(doc.created_at), begBates: item.begBates, endBates: item.endBates, status: item.status,
      producedPath: item.producedPath, nativePath: item.nativePath, reason: item.reason,
    })),
    informationRequests: requests.map((r) => ({
      id: r.id, question: r.question, askedAt: iso(r.created_at), askedBy: r.asked_by, dueAt: iso(r.due_at),
      answeredAt: iso(r.answered_at), answeredBy: r.answered_by_tracking_number,
    })),
    dispositions: dispositions.map((d) => ({
      id: d.id, outcome: d.outcome, status: d.status, rationale: d.rationale, issuedAt: iso(d.issued_at), issuedBy: d.issued_by,
      approvedAt: iso(d.approved_at), approvedBy: d.approved_by, supersedesId: d.supersedes_id, supersedeReason: d.supersede_reason,
    })),
  }, null, 2)}\n`;
}

function dispositionRow(d: RecordDisposition, organization: string | null): DispositionCsvRow {
  return {
    id: d.id, trackingNumber: d.tracking_number, organization, outcome: d.outcome, status: d.status, issuedAt: d.issued_at, issuedBy: d.issued_by,
    approvedAt: d.approved_at, approvedBy: d.approved_by, supersedesId: d.supersedes_id, supersedeReason: d.supersede_reason, rationale: d.rationale,
  };
}
