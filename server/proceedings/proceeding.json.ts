import { formatInZone, timeLeft, windowState } from './deadline';
import { DEFAULT_RESPONSE_SCHEMA } from './response-schema';
import type { NoticeDocumentRow, ProceedingRow } from './proceedings.repository';

/** Where a notice document's bytes are served (the documents feature owns that route). */
const noticeDocumentUrl = (docket: string, id: string): string =>
  `/api/v1/proceedings/${encodeURIComponent(docket)}/notice-documents/${id}/content`;

/** The public JSON of a notice document (here and in the notices API); the storage key never leaves the server. */
export const noticeDocumentJson = (docket: string, d: NoticeDocumentRow) => ({
  id: d.id, title: d.title, originalName: d.original_name, mediaType: d.media_type,
  size: Number(d.size), sha256: d.sha256, url: noticeDocumentUrl(docket, d.id),
});

/**
 * What lists show: the window in UTC and in the proceeding's own zone, and where it stands `now`
 * (one clock for the whole response, so a list filter and the states it shows agree).
 */
export const proceedingSummaryJson = (p: ProceedingRow, now: Date) => ({
  id: p.id,
  docket: p.docket,
  title: p.title,
  summary: p.summary,
  opensAt: p.opens_at.toISOString(),
  closesAt: p.closes_at.toISOString(),
  timeZone: p.time_zone,
  opensAtLocal: formatInZone(p.opens_at, p.time_zone),
  closesAtLocal: formatInZone(p.closes_at, p.time_zone),
  windowState: windowState(now, p.opens_at, p.closes_at),
  timeLeft: timeLeft(now, p.closes_at),
  latePolicy: p.late_policy,
  limits: p.limits,
  version: p.version,
});

/** One proceeding with its whole notice package: the text, the schema, the documents relied on. */
export const proceedingJson = (p: ProceedingRow, docs: readonly NoticeDocumentRow[], now: Date) => ({
  ...proceedingSummaryJson(p, now),
  noticeText: p.notice_text,
  // Rows made before the default was stored (or by factories) carry null: show what actually applies.
  responseSchema: p.response_schema ?? DEFAULT_RESPONSE_SCHEMA,
  noticeDocuments: docs.filter((d) => d.proceeding_id === p.id).map((d) => noticeDocumentJson(p.docket, d)),
  createdAt: p.created_at.toISOString(),
  updatedAt: p.updated_at.toISOString(),
});
