import type { AppError } from '../http/errors';
import {
  ARCHIVE_EXTENSIONS, EXTENSIONS, HEAD_BYTES, HEAD_CLASS_FOR, MEDIA_TYPES, extensionOf, sniffHead,
  type AllowedKind, type HeadVerdict,
} from './file-types';
import { PdfActiveContentScanner } from './pdf-scan';
import { Utf8TextCheck } from './utf8-check';
import { ZipProbe, type ZipVerdict } from './zip-probe';
import { archiveNotAllowed, emptyFile, typeMismatch, typeNotAllowed, unreadableArchive, unsafeArchive } from './upload-errors';

/** What the bytes proved: the stored media type comes from here, never from the client. */
export interface Inspection { kind: AllowedKind; mediaType: string; flags: string[] }

/** The kind a file name claims; throws 415 for archives and anything off the allowlist (before any byte is stored). */
export function claimFromName(name: string): AllowedKind {
  const ext = extensionOf(name);
  if (ARCHIVE_EXTENSIONS.has(ext)) throw archiveNotAllowed(ext);
  const kind = Object.hasOwn(EXTENSIONS, ext) ? EXTENSIONS[ext] : undefined;
  if (!kind) throw typeNotAllowed();
  return kind;
}

const CLASS_NAMES: Record<string, string> = {
  pdf: 'a PDF document', zip: 'a ZIP archive', text: 'plain text', png: 'a PNG image', jpeg: 'a JPEG image', tiff: 'a TIFF image',
};

interface Deep { push(chunk: Buffer): void }

/**
 * Inspects a stream against the kind its name claims: push() every chunk in order (it throws as
 * soon as the head settles a refusal, so a disguised executable is not written out in full), then
 * finish() for the verdicts that need the whole file (OOXML structure, UTF-8 validity, PDF flags).
 */
export class ContentInspector {
  private headChunks: Buffer[] = [];
  private headBytes = 0;
  private total = 0;
  private verdict?: HeadVerdict;
  private deep?: Deep;
  private pdf?: PdfActiveContentScanner;
  private zip?: ZipProbe;
  private text?: Utf8TextCheck;
  private zipVerdict?: ZipVerdict;

  constructor(private readonly claimed: AllowedKind) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.verdict) {
      this.deep?.push(chunk);
      return;
    }
    this.headChunks.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes >= HEAD_BYTES) this.settleHead();
  }

  /** The final verdict; throws the 415/422 refusal when the whole file does not pass (or cannot be checked). */
  finish(): Inspection {
    if (this.total === 0) throw emptyFile();
    if (!this.verdict) this.settleHead();
    const kind = this.finalKind();
    return { kind, mediaType: MEDIA_TYPES[kind], flags: this.flags() };
  }

  private settleHead(): void {
    const head = Buffer.concat(this.headChunks);
    this.verdict = sniffHead(head.subarray(0, HEAD_BYTES));
    const refusal = this.refusal(this.verdict);
    if (refusal) throw refusal;
    this.deep = this.deepCheck(this.verdict.class);
    this.deep?.push(head);
    this.headChunks = [];
  }

  private refusal(v: HeadVerdict): AppError | undefined {
    if (v.class === 'archive') return archiveNotAllowed(v.name);
    if (v.class === 'forbidden') return typeMismatch(this.claimed, `a ${v.name}`);
    if (v.class === HEAD_CLASS_FOR[this.claimed]) return undefined;
    if (v.class === 'zip') return archiveNotAllowed('zip');
    return typeMismatch(this.claimed, CLASS_NAMES[v.class] ?? v.class);
  }

  private deepCheck(cls: string): Deep | undefined {
    if (cls === 'pdf') return (this.pdf = new PdfActiveContentScanner());
    if (cls === 'zip') return (this.zip = new ZipProbe());
    if (cls === 'text') return (this.text = new Utf8TextCheck());
    return undefined;
  }

  private finalKind(): AllowedKind {
    if (this.zip) {
      const v = (this.zipVerdict = this.zip.verdict());
      if (v.unreadable) throw unreadableArchive(v.unreadable);
      if (v.unsafe) throw unsafeArchive(v.unsafe);
      if (!v.kind) throw archiveNotAllowed('zip');
      if (v.kind !== this.claimed) throw typeMismatch(this.claimed, `a ${v.kind.toUpperCase()} document`);
    }
    if (this.text && !this.text.end()) throw typeMismatch(this.claimed, 'binary data, not UTF-8 text');
    return this.claimed;
  }

  private flags(): string[] {
    if (this.pdf) return this.pdf.flags();
    if (this.zipVerdict) return this.zipVerdict.flags;
    return [];
  }
}
