import { Readable } from 'node:stream';
import type { StandardFontEmbedder } from '@cantoo/pdf-lib';
import type { IndexItem, ProductionHeader } from './index-files';
import { STAMP_MARGIN, STAMP_SIZE, storedZlib, textWidth } from './pdf-incremental';
import { BOLD, MONO, OBLIQUE, REGULAR, fmt, hex, pdfDate, textString, wrap } from './pdf-layout';
import { winAnsiSafe } from './win-ansi';

/**
 * certified-index.pdf: the certified index of the administrative record (issue 10): the
 * proceeding, the scope, every item with its Bates range and SHA-256 hashes, the audit chain's
 * head at export time, and the certification statement with the certifying official's name,
 * title and date.
 *
 * Written directly, page by page, as the items arrive (an array or an async iterable): a page is
 * laid out, written and forgotten; what stays in memory is a few numbers per page and per item
 * (object offsets and structure references). The Readable pulls, so nothing is produced faster
 * than it is read. pdfkit took about 3.5 ms per item (35 s for a record of 10,000 documents);
 * this takes a small fraction of that (docs/export-stamping.md).
 *
 * Tagged PDF: Document > H1, P, H2, L > LI > (Lbl, LBody), H2, P, one marked-content sequence per
 * element and page (an element that runs onto the next page continues there), /Lang, the title
 * shown; page numbers are pagination artifacts. Text in the standard fonts (win-ansi.ts: other
 * characters as <U+XXXX>).
 */
export interface CertifiedIndexModel extends ProductionHeader {
  auditHeadHash: string;
  auditHeadSeq?: number;
  /** The agency or office whose record this is (optional line under the heading). */
  agency?: string;
  items: Iterable<IndexItem> | AsyncIterable<IndexItem>;
  certifier: { name: string; title: string };
  /** The date of the certification (ISO date or date-time); the export's date by default. */
  certifiedAt?: string;
}

const SCOPE_TEXT = {
  public: 'Public production: confidential material is listed with its Bates numbers but not produced (status "withheld").',
  confidential: 'Confidential production: includes material designated confidential, to be handled under the applicable protective order.',
} as const;

const STATUS_TEXT = { produced: 'produced, Bates-stamped', slip_sheet: 'produced natively behind a slip sheet', withheld: 'withheld' } as const;

const PAGE_W = 612;
const PAGE_H = 792;
const MARGIN = 54;
const WIDTH = PAGE_W - 2 * MARGIN;
const TOP = PAGE_H - MARGIN;
const BOTTOM = MARGIN;
const FONT_NAMES = new Map<StandardFontEmbedder, string>([[REGULAR, 'F1'], [BOLD, 'F2'], [OBLIQUE, 'F3'], [MONO, 'F4']]);

// Fixed object numbers; everything else is numbered as it is written.
const CATALOG = 1;
const PAGES = 2;
const FONT_OBJECTS: [number, string][] = [[3, 'Helvetica'], [4, 'Helvetica-Bold'], [5, 'Helvetica-Oblique'], [6, 'Courier']];
const STRUCT_ROOT = 7;
const DOCUMENT = 8;
const FIRST_FREE = 9;

/** One line of a block: its runs (a bold label then text, say), on one baseline. */
interface Run { font: StandardFontEmbedder; size: number; text: string }
type Line = { runs: Run[]; lead: number };

/** A structure element and the lines it shows. */
interface Block { tag: string; parent: number; lines: Line[]; gapBefore: number; keepWith?: number }

/** Lines of text in one font and size, wrapped; an optional bold label starts the first line. */
function lines(font: StandardFontEmbedder, size: number, text: string, label?: string): Line[] {
  const lead = size * 1.3;
  const labelText = label ? winAnsiSafe(`${label} `) : '';
  const labelWidth = label ? textWidth(BOLD, labelText, size) : 0;
  return wrap(winAnsiSafe(text), font, size, WIDTH, labelWidth).map((t, i) => ({
    lead,
    runs: i === 0 && label ? [{ font: BOLD, size, text: labelText }, { font, size, text: t }] : [{ font, size, text: t }],
  }));
}

class Writer {
  private offset = 0;
  private readonly offsets: number[] = [];
  private next = FIRST_FREE;
  private readonly pages: number[] = [];
  /** Per page, the structure element of each of its marked-content ids. */
  private readonly parentTree: number[][] = [];
  /** Per structure element: its tag, parent and content (page refs and MCIDs) or kids. */
  private readonly elements = new Map<number, { tag: string; parent: number; kids: number[]; marks: [number, number][] }>();
  private ops: string[] = [];
  private y = TOP;
  private pageRef = 0;
  private out: string[] = [];

  constructor(private readonly footer: (page: number) => string) {}

  alloc(): number { return this.next++; }

  element(n: number, tag: string, parent: number): void {
    this.elements.set(n, { tag, parent, kids: [], marks: [] });
    if (parent !== STRUCT_ROOT) this.elements.get(parent)?.kids.push(n);
  }

  private write(s: string): void {
    this.out.push(s);
    this.offset += s.length;
  }

  private object(n: number, body: string): void {
    this.offsets[n] = this.offset;
    this.write(`${n} 0 obj\n${body}\nendobj\n`);
  }

  /** Takes what has been written so far (Latin-1 text, one character per byte). */
  take(): Buffer | null {
    if (this.out.length === 0) return null;
    const b = Buffer.from(this.out.join(''), 'latin1');
    this.out = [];
    return b;
  }

  start(): void {
    this.write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    for (const [n, base] of FONT_OBJECTS) this.object(n, `<< /Type /Font /Subtype /Type1 /BaseFont /${base} /Encoding /WinAnsiEncoding >>`);
    this.element(DOCUMENT, 'Document', STRUCT_ROOT);
    this.newPage();
  }

  private newPage(): void {
    if (this.pageRef) this.endPage();
    this.pageRef = this.alloc();
    this.pages.push(this.pageRef);
    this.parentTree.push([]);
    this.ops = [];
    this.y = TOP;
  }

  private endPage(): void {
    const index = this.pages.length;
    const text = winAnsiSafe(this.footer(index));
    const x = (PAGE_W - textWidth(REGULAR, text, STAMP_SIZE)) / 2;
    this.ops.push(`/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nBT /F1 ${STAMP_SIZE} Tf ${fmt(x)} ${STAMP_MARGIN} Td ${hex(text)} Tj ET\nEMC`);
    const content = Buffer.from(storedZlib(Buffer.from(this.ops.join('\n'), 'latin1'))).toString('latin1');
    const contentRef = this.alloc();
    this.object(contentRef, `<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n${content}\nendstream`);
    this.object(this.pageRef, `<< /Type /Page /Parent ${PAGES} 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << ${FONT_OBJECTS.map(([n], i) => `/F${i + 1} ${n} 0 R`).join(' ')} >> >> /Contents ${contentRef} 0 R /StructParents ${index - 1} /Tabs /S >>`);
    this.pageRef = 0;
  }

  /** Lays a block out, keeping it (and `keepWith` points of what follows) on one page when it fits one. */
  block(b: Block): number {
    const n = this.alloc();
    this.element(n, b.tag, b.parent);
    const height = b.gapBefore + b.lines.reduce((h, l) => h + l.lead, 0) + (b.keepWith ?? 0);
    if (this.y - height < BOTTOM && height <= TOP - BOTTOM && this.y < TOP) this.newPage();
    else if (this.y < TOP) this.y -= b.gapBefore;
    let open = false;
    const mark = () => {
      const mcids = this.parentTree[this.parentTree.length - 1]!;
      this.elements.get(n)!.marks.push([this.pageRef, mcids.length]);
      this.ops.push(`/${b.tag} <</MCID ${mcids.length}>> BDC\n0 g`);
      mcids.push(n);
      open = true;
    };
    for (const line of b.lines) {
      if (this.y - line.lead < BOTTOM) {
        if (open) this.ops.push('EMC');
        open = false;
        this.newPage();
      }
      if (!open) mark();
      this.y -= line.lead;
      let x = MARGIN;
      for (const run of line.runs) {
        if (run.text) this.ops.push(`BT /${FONT_NAMES.get(run.font)} ${fmt(run.size)} Tf ${fmt(x)} ${fmt(this.y)} Td ${hex(run.text)} Tj ET`);
        x += textWidth(run.font, run.text, run.size);
      }
    }
    if (open) this.ops.push('EMC');
    return n;
  }

  /** The structure tree, the page tree, the catalog, the cross-reference and trailer. */
  finish(model: CertifiedIndexModel): void {
    this.endPage();
    for (const [n, e] of this.elements) {
      const k = e.kids.length ? e.kids.map((c) => `${c} 0 R`) : e.marks.map(([pg, mcid]) => `<< /Type /MCR /Pg ${pg} 0 R /MCID ${mcid} >>`);
      this.object(n, `<< /Type /StructElem /S /${e.tag} /P ${e.parent} 0 R /K [${k.join(' ')}] >>`);
    }
    const parentTree = this.alloc();
    this.object(parentTree, `<< /Nums [${this.parentTree.map((refs, i) => `${i} [${refs.map((r) => `${r} 0 R`).join(' ')}]`).join(' ')}] >>`);
    this.object(STRUCT_ROOT, `<< /Type /StructTreeRoot /K [${DOCUMENT} 0 R] /ParentTree ${parentTree} 0 R /ParentTreeNextKey ${this.pages.length} >>`);
    this.object(PAGES, `<< /Type /Pages /Kids [${this.pages.map((p) => `${p} 0 R`).join(' ')}] /Count ${this.pages.length} >>`);
    this.object(CATALOG, `<< /Type /Catalog /Pages ${PAGES} 0 R /MarkInfo << /Marked true >> /StructTreeRoot ${STRUCT_ROOT} 0 R /Lang (en-US) /ViewerPreferences << /DisplayDocTitle true >> >>`);
    const info = this.alloc();
    const date = pdfDate(new Date(model.generatedAt));
    this.object(info, `<< /Title ${textString(`Certified index of the administrative record, ${model.docket}`)} /Producer (Vendor Response Portal) /Creator (Vendor Response Portal) /CreationDate ${date} /ModDate ${date} >>`);
    const xref = this.offset;
    const rows = ['xref', `0 ${this.next}`, '0000000000 65535 f\r'];
    for (let i = 1; i < this.next; i += 1) {
      const o = this.offsets[i];
      rows.push(o === undefined ? '0000000000 00000 f\r' : `${String(o).padStart(10, '0')} 00000 n\r`);
    }
    this.write(`${rows.join('\n')}\ntrailer\n<< /Size ${this.next} /Root ${CATALOG} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  }
}

async function* chunks(model: CertifiedIndexModel): AsyncGenerator<Buffer> {
  const w = new Writer((page) => `Certified index ${model.docket} - page ${page}`);
  w.start();
  const p = (text: string, font = REGULAR, size = 10, gapBefore = 4, label?: string) => w.block({ tag: 'P', parent: DOCUMENT, lines: lines(font, size, text, label), gapBefore });

  w.block({ tag: 'H1', parent: DOCUMENT, lines: lines(BOLD, 18, 'Certified index of the administrative record'), gapBefore: 0 });
  p(`Proceeding ${model.docket}: ${model.title}`, BOLD, 12, 6);
  if (model.agency) p(model.agency);
  p(SCOPE_TEXT[model.scope]);
  p(`Export ${model.exportId}, generated ${model.generatedAt}. Bates prefix ${model.batesPrefix}.`);
  p(`Audit chain head at export: ${model.auditHeadSeq !== undefined ? `event ${model.auditHeadSeq}, ` : ''}hash ${model.auditHeadHash}`);
  w.block({ tag: 'H2', parent: DOCUMENT, lines: lines(BOLD, 14, 'Items'), gapBefore: 12, keepWith: 60 });
  const list = w.alloc();
  w.element(list, 'L', DOCUMENT);

  let count = 0;
  const counts = { produced: 0, slip_sheet: 0, withheld: 0 };
  let first: string | null = null;
  let last: string | null = null;
  for await (const item of model.items) {
    count += 1;
    counts[item.status] += 1;
    first ??= item.begBates;
    last = item.endBates;
    const li = w.alloc();
    w.element(li, 'LI', list);
    const range = `${item.begBates}${item.endBates !== item.begBates ? ` - ${item.endBates}` : ''}`;
    const label = lines(BOLD, 10, `${count}. ${range} (${item.pages} ${item.pages === 1 ? 'page' : 'pages'}), ${STATUS_TEXT[item.status]}`);
    const who = item.trackingNumber
      ? `${item.trackingNumber}, ${item.organization ?? ''}, ${item.kind}${item.filedAt ? `, filed ${item.filedAt}` : ''}${item.late ? ', late' : ''}`
      : 'Notice';
    const body = [
      ...lines(REGULAR, 9, who),
      ...lines(REGULAR, 9, `${item.title}: ${item.documentName} (${item.mediaType}, ${item.bytes} bytes, ${item.confidentiality})`),
      ...(item.disposition ? lines(REGULAR, 9, `Disposition: ${item.disposition}`) : []),
      ...lines(MONO, 8, `SHA-256 original: ${item.sha256Original}`),
      ...lines(MONO, 8, item.sha256Produced ? `SHA-256 produced: ${item.sha256Produced}` : 'SHA-256 produced: none (not produced)'),
      ...(item.reason ? lines(OBLIQUE, 9, `${item.status === 'withheld' ? 'Withheld' : 'Slip sheet'}: ${item.reason}`) : []),
    ];
    const bodyHeight = body.reduce((h, l) => h + l.lead, 0);
    w.block({ tag: 'Lbl', parent: li, lines: label, gapBefore: 6, keepWith: Math.min(bodyHeight, 120) });
    w.block({ tag: 'LBody', parent: li, lines: body, gapBefore: 0 });
    const ready = w.take();
    if (ready) yield ready;
  }
  if (count === 0) p('The record has no documents.');

  w.block({ tag: 'H2', parent: DOCUMENT, lines: lines(BOLD, 14, 'Certification'), gapBefore: 18, keepWith: 120 });
  const range = first && last ? `Bates numbers ${first} through ${last}` : 'no Bates numbers';
  const certifiedAt = model.certifiedAt ?? model.generatedAt.slice(0, 10);
  p(`I certify that the ${count} items listed in this index (${range}; ${counts.produced} produced Bates-stamped, `
    + `${counts.slip_sheet} produced natively behind a slip sheet, ${counts.withheld} withheld), together with the submissions, notice, `
    + `dispositions and audit records in this production as listed in its MANIFEST.sha256, constitute the administrative record of `
    + `proceeding ${model.docket}, "${model.title}", as maintained in the Vendor Response Portal at the time of export ${model.exportId}. `
    + 'Deliberative material withheld from the record is listed in withheld-log.csv.', REGULAR, 10, 6);
  p(model.certifier.name, REGULAR, 10, 14, 'Name:');
  p(model.certifier.title, REGULAR, 10, 4, 'Title:');
  p(certifiedAt, REGULAR, 10, 4, 'Date:');
  p('______________________________', REGULAR, 10, 22, 'Signature:');
  w.finish(model);
  yield w.take()!;
}

export function certifiedIndexPdf(model: CertifiedIndexModel): Readable {
  return Readable.from(chunks(model), { objectMode: false, highWaterMark: 64 * 1024 });
}
