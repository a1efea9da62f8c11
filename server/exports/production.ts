import type { Logger } from 'pino';
import type { Db } from '../db/database';
import { ContentStore } from '../documents/content-store';
import { MANIFEST_NAME, manifestText } from './manifest';
import { writeAuditFiles } from './audit-files';
import { batesPrefix, findBatesRanges, lastBatesNumber } from './bates.repository';
import {
  dispositionsCsvChunks, indexCsvChunks, indexJsonChunks, withheldLogCsvChunks,
  type DispositionCsvRow, type IndexHead, type IndexItem, type WithheldLogRow,
} from './index-files';
import { datChunks, optChunks } from './load-files';
import { certifiedIndexPdf } from './certified-index';
import { readmeText } from './readme-text';
import { ordinal, safeName } from './archive-paths';
import { ExportError } from './export-error';
import { Numbering, Producer, type Doc } from './producer';
import { RecordingZip } from './recording-zip';
import {
  findRecordProceeding, findRecordSubmission, listRecordDispositions, listRecordDocuments, listRecordNotice,
  listRecordRequests, listRecordSubmissions, listWithheldMaterial,
  type RecordDisposition, type RecordDocument, type RecordProceeding, type RecordRequest, type RecordSubmission, type RecordSubmissionText,
} from './record.repository';

export { ExportError, exportErrorOf } from './export-error';
export { CONFIDENTIAL_LEGEND } from './producer';

/**
 * Writes one proceeding's record as a production ZIP (EXPORT.md, docs/exports.md): every entry
 * streamed through ZipWriter in order, MANIFEST.sha256 last, each file read once. Bates ranges are
 * the stored ones; documents without one are numbered as the production reaches them and the
 * numbers stored after the documents (Numbering, producer.ts), so they stay stable across exports
 * and scopes. Nothing whole-archive is held in memory: documents stream from the content store
 * through a bounded read-ahead (read-ahead.ts); only the index rows (metadata) grow with the record. A PDF that cannot be read or stamped is produced natively
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

const PRIVILEGE = 'Deliberative process privilege (pre-decisional, deliberative agency material)';

/** What writeProduction calls per step: `done` of `total` units (a document, a submission folder, a file). */
export type ProgressCallback = (done: number, total: number) => void;

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
  const ranges = await findBatesRanges(db, allDocs.map((d) => d.id));
  const numbering = new Numbering(await lastBatesNumber(db, proceeding.id));
  const numberedAt = Date.now();

  // Units: each document, each submission folder, and the ten files written at the end (audit ... manifest).
  const total = allDocs.length + submissions.length + 10;
  let done = 0;
  const step = () => { done += 1; onProgress(Math.min(done, total), total); };
  onProgress(0, total);

  const zip = new RecordingZip(out, generatedAt);
  const producer = new Producer(zip, store, prefix, ranges, numbering, scope.includeConfidential, allDocs);
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

  await numbering.store(db, proceeding.id);

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

/** Text chunks as the Buffers ZipWriter streams. */
async function* chunked(chunks: Iterable<string>): AsyncIterable<Buffer> {
  for (const c of chunks) yield Buffer.from(c, 'utf8');
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
