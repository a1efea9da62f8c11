import { createReadStream, promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Db } from '../db/database';
import type { ContentStore } from '../documents/content-store';
import { assignBates, batesLabel, pageCountOrSlip, type BatesRange } from './bates.repository';
import { stampPdfIncremental } from './pdf-stamp';
import { slipSheet } from './slip-sheet';
import type { IndexItem, ItemKind } from './index-files';
import { safeName, withExtension } from './archive-paths';
import { ExportError, corruptFile, missingFile } from './export-error';
import { ReadAhead, SLOT_KEEP_BYTES } from './read-ahead';
import { parts, type RecordingZip } from './recording-zip';

/** The legend stamped on every page of confidential material (and on its slip sheet). */
export const CONFIDENTIAL_LEGEND = 'CONFIDENTIAL - PRODUCED UNDER A CLAIM OF CONFIDENTIALITY';

/** A document of the record as the production needs it. */
export interface Doc {
  id: string;
  confidential: boolean;
  storageKey: string;
  mediaType: string;
  size: number;
  sha256: string;
  originalName: string;
}

/** What the index says of a document besides its file. */
export interface ItemFacts {
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

type ItemBase = Omit<IndexItem, 'status' | 'sha256Produced' | 'producedPath' | 'nativePath' | 'reason'>;

const isPdf = (mediaType: string): boolean => mediaType === 'application/pdf';
/** Native files up to this size are read ahead whole; larger ones stream in their turn. */
const NATIVE_READ_MAX = SLOT_KEEP_BYTES;

/**
 * Bates numbers for the documents that have none yet, given in the order the production reaches
 * them (the record's order, as assignBates gives them), one per page, after the last number the
 * proceeding had given out when the export started. Counting happens on the same read that
 * produces the file, so a first export reads each file once. `store` then gives them in one short
 * transaction; if a concurrent export gave any of these documents (or others) numbers meanwhile,
 * the numbers stamped here are not the stored ones and the export stops (record_changed).
 */
export class Numbering {
  private next: number;
  private readonly given: { documentId: string; pages: number; range: BatesRange }[] = [];

  constructor(lastGiven: number) {
    this.next = lastGiven + 1;
  }

  give(documentId: string, pages: number): BatesRange {
    const range = { first: this.next, last: this.next + pages - 1 };
    this.next += pages;
    this.given.push({ documentId, pages, range });
    return range;
  }

  async store(db: Db, proceedingId: string): Promise<void> {
    if (this.given.length === 0) return;
    const stored = await assignBates(db, proceedingId, this.given.map(({ documentId, pages }) => ({ documentId, pages })));
    for (const g of this.given) {
      const s = stored.get(g.documentId);
      if (s?.first !== g.range.first || s.last !== g.range.last) {
        throw new ExportError('record_changed', 'Another export of this proceeding gave Bates numbers while this one ran. Start the export again: it will use the numbers now stored.');
      }
    }
  }
}

/** Produces one document into the archive: stamped, slip-sheeted with its native file, or withheld. */
export class Producer {
  private readonly reader: ReadAhead<Doc>;

  constructor(private readonly zip: RecordingZip, private readonly store: ContentStore, private readonly prefix: string,
    private readonly ranges: Map<string, BatesRange>, private readonly numbering: Numbering, private readonly includeConfidential: boolean,
    order: readonly Doc[]) {
    // Files nobody hashes on writing (PDFs read only to count their pages) are checked on reading.
    this.reader = new ReadAhead(store, order.filter((d) => this.readsWhole(d)), (d) => !this.produces(d));
  }

  private produces(d: Doc): boolean {
    return this.includeConfidential || !d.confidential;
  }

  /** True when the production reads this document whole: a PDF to stamp or count, a small native file. */
  private readsWhole(d: Doc): boolean {
    if (isPdf(d.mediaType)) return this.produces(d) || !this.ranges.has(d.id);
    return this.produces(d) && d.size <= NATIVE_READ_MAX;
  }

  async document(d: Doc, stem: string, f: ItemFacts): Promise<IndexItem> {
    const read = this.readsWhole(d) ? await this.reader.take(d) : undefined;
    try {
      return await this.produce(d, stem, f, read?.bytes);
    } finally {
      await read?.release(() => this.zip.flushed());
    }
  }

  private async produce(d: Doc, stem: string, f: ItemFacts, bytes: Buffer | undefined): Promise<IndexItem> {
    const counted = bytes && isPdf(d.mediaType)
      ? await pageCountOrSlip(bytes).catch((err: unknown) => ({ kind: 'slip' as const, reason: `could not be read (${String(err).slice(0, 200)})` }))
      : undefined;
    const range = this.ranges.get(d.id) ?? this.numbering.give(d.id, counted?.kind === 'pdf' ? counted.pages : 1);
    const base: ItemBase = {
      begBates: batesLabel(this.prefix, range.first), endBates: batesLabel(this.prefix, range.last), pages: range.last - range.first + 1,
      trackingNumber: f.trackingNumber, organization: f.organization, filedAt: f.filedAt, kind: f.kind, title: f.title,
      documentName: d.originalName, mediaType: d.mediaType, bytes: d.size, sha256Original: d.sha256,
      confidentiality: f.confidential ? 'confidential' as const : 'public' as const, late: f.late, disposition: f.disposition, textPath: f.textPath,
    };
    if (!this.produces(d)) {
      const pv = f.publicVersion ? `; its public version, ${f.publicVersion.label} (${f.publicVersion.original_name}), is produced` : '';
      return { ...base, status: 'withheld', sha256Produced: null, producedPath: null, nativePath: null, reason: `Confidential: withheld from the public production${pv}` };
    }
    const legend = f.confidential ? CONFIDENTIAL_LEGEND : undefined;
    const name = safeName(d.originalName);
    if (!counted || !bytes) return this.slip(d, base, stem, name, legend, `Produced natively: ${d.mediaType} is not a PDF`, bytes);
    let reason: string;
    if (counted.kind === 'pdf' && counted.pages === base.pages) {
      try {
        // The original bytes then the appended update (incremental stamping), streamed as two parts.
        const stamped = await stampPdfIncremental(bytes, { firstBates: range.first, prefix: this.prefix, legend });
        if (stamped.pages !== base.pages) throw new Error(`stamped ${stamped.pages} pages, the range has ${base.pages}`);
        const producedPath = `${stem}-${withExtension(name, 'pdf')}`;
        const incremental = stamped.method === 'incremental';
        const r = await this.zip.put(producedPath, parts([stamped.head, stamped.tail]), incremental ? { prefixBytes: d.size } : undefined);
        // Incremental: the entry starts with the original, hashed on the way out. A rewrite: hash it.
        if ((incremental ? r.prefixSha256 : sha256Of(bytes)) !== d.sha256) throw corruptFile(d.id);
        return { ...base, status: 'produced', sha256Produced: r.sha256, producedPath, nativePath: null, reason: null };
      } catch (err) {
        if (err instanceof ExportError) throw err;
        reason = `the PDF could not be stamped (${(err instanceof Error ? err.message : String(err)).slice(0, 200)})`;
      }
    } else {
      reason = counted.kind === 'slip' ? `the PDF is unreadable: ${counted.reason}`
        : `the PDF now has ${counted.pages} pages but its stored Bates range has ${base.pages}`;
    }
    return this.slip(d, base, stem, name, legend, `Produced natively behind this slip sheet: ${reason}`, bytes);
  }

  private async slip(d: Doc, base: ItemBase, stem: string, name: string, legend: string | undefined, reason: string, bytes?: Buffer): Promise<IndexItem> {
    const nativePath = `${stem}-${name}`;
    const producedPath = `${stem}-${name.replace(/\./g, '_')}-slipsheet.pdf`;
    const sheet = await slipSheet({
      bates: base.begBates === base.endBates ? base.begBates : `${base.begBates} - ${base.endBates}`,
      title: base.title, documentName: d.originalName, mediaType: d.mediaType, sha256: d.sha256, reason, legend, nativePath,
    });
    const slip = await this.zip.put(producedPath, sheet);
    const native = await this.zip.put(nativePath, bytes ?? await this.stream(d));
    if (native.sha256 !== d.sha256 || native.bytes !== d.size) throw corruptFile(d.id);
    return { ...base, status: 'slip_sheet', sha256Produced: slip.sha256, producedPath, nativePath, reason };
  }

  /** The native file as a stream (never whole in memory); a missing file is named before the entry starts. */
  private async stream(d: Doc): Promise<Readable> {
    const file = this.store.pathOf(d.storageKey);
    await fsp.access(file).catch(() => { throw missingFile(d.id); });
    return createReadStream(file, { highWaterMark: 128 * 1024 });
  }
}

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
