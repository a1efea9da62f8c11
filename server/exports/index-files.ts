import { csvChunks, csvText, type CsvValue } from './csv';

/** What every file that describes a production starts from: which record, which scope, when. */
export interface ProductionHeader {
  docket: string;
  title: string;
  scope: 'public' | 'confidential';
  exportId: string;
  generatedAt: string;
  batesPrefix: string;
}


/**
 * index.json and index.csv (one row per produced item; EXPORT.md), withheld-log.csv and
 * dispositions.csv. Every CSV goes through the one formula-safe writer in csv.ts. The `*Chunks`
 * forms yield the file piece by piece (one row at a time) for streaming into the ZIP.
 */

export const INDEX_FORMAT = 'vrp-production/1';

export type ItemKind = 'response' | 'supplement' | 'reply_to_request' | 'notice';
export type ItemStatus = 'produced' | 'slip_sheet' | 'withheld';

/** One row of the index: a document of the record as this production carries it. */
export interface IndexItem {
  begBates: string;
  endBates: string;
  pages: number;
  /** Null for a notice document. */
  trackingNumber: string | null;
  organization: string | null;
  filedAt: string | null;
  kind: ItemKind;
  title: string;
  documentName: string;
  mediaType: string;
  bytes: number;
  sha256Original: string;
  /** Null when withheld. */
  sha256Produced: string | null;
  confidentiality: 'public' | 'confidential';
  late: boolean;
  disposition: string | null;
  status: ItemStatus;
  producedPath: string | null;
  nativePath: string | null;
  textPath: string | null;
  /** Why slip-sheeted or withheld. */
  reason: string | null;
}

/** The production-level fields of index.json. */
export interface IndexHead {
  docket: string;
  title: string;
  batesPrefix: string;
  scope: 'public' | 'confidential';
  exportId: string;
  generatedAt: string;
  auditHeadHash: string;
}

/** Every item field, in the order of index.json and of index.csv's columns. */
export const INDEX_FIELDS = [
  'begBates', 'endBates', 'pages', 'trackingNumber', 'organization', 'filedAt', 'kind', 'title', 'documentName',
  'mediaType', 'bytes', 'sha256Original', 'sha256Produced', 'confidentiality', 'late', 'disposition', 'status',
  'producedPath', 'nativePath', 'textPath', 'reason',
] as const satisfies readonly (keyof IndexItem)[];

/** An item with its keys in the documented order (whatever order the caller built it in). */
const ordered = (item: IndexItem): IndexItem => Object.fromEntries(INDEX_FIELDS.map((f) => [f, item[f] ?? null])) as unknown as IndexItem;

/** index.json, piece by piece: the head, then one item per chunk. */
export function* indexJsonChunks(head: IndexHead, items: Iterable<IndexItem>): Generator<string> {
  const top = {
    format: INDEX_FORMAT, docket: head.docket, title: head.title, batesPrefix: head.batesPrefix, scope: head.scope,
    exportId: head.exportId, generatedAt: head.generatedAt, auditHeadHash: head.auditHeadHash,
  };
  const open = JSON.stringify(top, null, 2);
  yield `${open.slice(0, -2)},\n  "items": [`;
  let first = true;
  for (const item of items) {
    const body = JSON.stringify(ordered(item), null, 2).replace(/\n/g, '\n    ');
    yield `${first ? '' : ','}\n    ${body}`;
    first = false;
  }
  yield first ? ']\n}\n' : '\n  ]\n}\n';
}

export const indexJson = (head: IndexHead, items: Iterable<IndexItem>): string => [...indexJsonChunks(head, items)].join('');

const INDEX_COLUMNS = INDEX_FIELDS.map((f) => ({ header: f, value: (item: IndexItem): CsvValue => item[f] }));

export const indexCsvChunks = (items: Iterable<IndexItem>) => csvChunks(INDEX_COLUMNS, items);
/** index.csv: the same columns as index.json's items, formula-neutralised. */
export const indexCsv = (items: Iterable<IndexItem>): string => csvText(INDEX_COLUMNS, items);

/** One item of deliberative material not produced. Never its content. */
export interface WithheldLogRow {
  date: Date | string;
  author: string;
  /** e.g. "internal note", "draft disposition", "findings", "audit event data". */
  type: string;
  description: string;
  /** e.g. "Deliberative process privilege: pre-decisional internal note". */
  basis: string;
  trackingNumber?: string | null;
  /** The withheld row's id, so someone entitled to can check the withholding. */
  id?: string | null;
}

const WITHHELD_COLUMNS: { header: string; value: (r: WithheldLogRow) => CsvValue }[] = [
  { header: 'date', value: (r) => r.date },
  { header: 'author', value: (r) => r.author },
  { header: 'type', value: (r) => r.type },
  { header: 'trackingNumber', value: (r) => r.trackingNumber ?? null },
  { header: 'id', value: (r) => r.id ?? null },
  { header: 'description', value: (r) => r.description },
  { header: 'basis', value: (r) => r.basis },
];

export const withheldLogCsvChunks = (rows: Iterable<WithheldLogRow>) => csvChunks(WITHHELD_COLUMNS, rows);
/** withheld-log.csv: date, author, type, tracking number, id, description, basis. */
export const withheldLogCsv = (rows: Iterable<WithheldLogRow>): string => csvText(WITHHELD_COLUMNS, rows);

/** One released disposition (issued, or issued then superseded). */
export interface DispositionCsvRow {
  id: string;
  trackingNumber: string | null;
  organization?: string | null;
  outcome: string;
  status: string;
  issuedAt: Date | string | null;
  issuedBy: string | null;
  approvedAt?: Date | string | null;
  approvedBy?: string | null;
  supersedesId?: string | null;
  supersedeReason?: string | null;
  rationale: string;
}

const DISPOSITION_COLUMNS: { header: string; value: (r: DispositionCsvRow) => CsvValue }[] = [
  { header: 'trackingNumber', value: (r) => r.trackingNumber },
  { header: 'organization', value: (r) => r.organization ?? null },
  { header: 'dispositionId', value: (r) => r.id },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'status', value: (r) => r.status },
  { header: 'issuedAt', value: (r) => r.issuedAt },
  { header: 'issuedBy', value: (r) => r.issuedBy },
  { header: 'approvedAt', value: (r) => r.approvedAt ?? null },
  { header: 'approvedBy', value: (r) => r.approvedBy ?? null },
  { header: 'supersedesId', value: (r) => r.supersedesId ?? null },
  { header: 'supersedeReason', value: (r) => r.supersedeReason ?? null },
  { header: 'rationale', value: (r) => r.rationale },
];

export const dispositionsCsvChunks = (rows: Iterable<DispositionCsvRow>) => csvChunks(DISPOSITION_COLUMNS, rows);
/** dispositions.csv: one row per released disposition. */
export const dispositionsCsv = (rows: Iterable<DispositionCsvRow>): string => csvText(DISPOSITION_COLUMNS, rows);
