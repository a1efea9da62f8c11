import { describeDeadline, formatInZone, timeLeft, windowState } from '../proceedings/deadline';
import { DEFAULT_RESPONSE_SCHEMA } from '../proceedings/response-schema';
import type { DocumentRow } from '../documents/documents.repository';
import type { SubmissionRow } from './submissions.repository';
import { exactBytes, formatBytes, formatUtc } from '../http/format';
import { KIND_LABELS, STATUS_LABELS, flagLabel } from './submission.display';
import { hasPublicVersion, unpairedConfidential } from './filing.check';

/**
 * What the vendor pages render, built from rows: plain values only, so templates contain no
 * logic and never see a storage key or other column a vendor must not read.
 */

/** The proceeding columns the pages show. */
export interface PageProceeding {
  docket: string;
  title: string;
  opens_at: Date;
  closes_at: Date;
  time_zone: string;
  late_policy: string;
  response_schema: object | null;
}

/** The response window as people need it: local to the proceeding and UTC, and what is left. */
export function proceedingModel(p: PageProceeding, now: Date) {
  const state = windowState(now, p.opens_at, p.closes_at);
  return {
    docket: p.docket, title: p.title, windowState: state, latePolicy: p.late_policy,
    opens: describeDeadline(p.opens_at, p.time_zone),
    closes: describeDeadline(p.closes_at, p.time_zone),
    closesLocal: formatInZone(p.closes_at, p.time_zone),
    timeLeft: state === 'open' ? timeLeft(now, p.closes_at) : null,
  };
}

/** A submission's header facts (status words, dates in UTC). */
export function submissionModel(s: SubmissionRow) {
  return {
    id: s.id, docket: s.docket, title: s.title, summary: s.summary, argument: s.argument,
    kind: s.kind, kindLabel: KIND_LABELS[s.kind], status: s.status, statusLabel: STATUS_LABELS[s.status],
    trackingNumber: s.tracking_number, submittedAt: formatUtc(s.submitted_at), late: s.late,
    withdrawnAt: formatUtc(s.withdrawn_at), withdrawalReason: s.withdrawal_reason,
    updatedAt: formatUtc(s.updated_at), version: s.version, hasReceipt: Boolean(s.receipt),
  };
}

/** Evidence rows: the original name is data (escaped by the template), sizes exact, hashes whole. */
export function documentModels(docs: DocumentRow[]) {
  return docs.map((d) => {
    const original = d.public_version_of ? docs.find((x) => x.id === d.public_version_of) : undefined;
    const size = Number(d.size);
    return {
      id: d.id, label: d.label, description: d.description, originalName: d.original_name, mediaType: d.media_type.split(';')[0],
      size: formatBytes(size), exactSize: exactBytes(size), sha256: d.sha256, confidential: d.confidential,
      publicVersionOf: original?.label ?? null, hasPublicVersion: hasPublicVersion(d, docs),
      flags: (Array.isArray(d.flags) ? d.flags : []).map(flagLabel),
    };
  });
}

/** Confidential documents still waiting for their public version (the filing rule): the upload form's choices. */
export const confidentialChoices = (docs: DocumentRow[]) => unpairedConfidential(docs).map((d) => ({ id: d.id, label: d.label }));

/**
 * The structured fields for reading (review page, filed view): schema titles where the schema has
 * them, every stored value shown, lists as lists.
 */
export function fieldSummary(schema: object | null, values: Record<string, unknown>) {
  const props = ((schema ?? DEFAULT_RESPONSE_SCHEMA) as { properties?: Record<string, { title?: unknown }> }).properties ?? {};
  // Own keys only: a stored field called `constructor` is shown, never taken for Object's member.
  const keys = [...Object.keys(props), ...Object.keys(values).filter((k) => !Object.hasOwn(props, k))];
  return keys.map((key) => {
    const v = Object.hasOwn(values, key) ? values[key] : undefined;
    const title = Object.hasOwn(props, key) ? props[key]?.title : undefined;
    const items = v === undefined || v === null ? [] : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
      : [typeof v === 'string' ? v : JSON.stringify(v)];
    return { label: typeof title === 'string' && title ? title : key, items, list: Array.isArray(v) };
  });
}
