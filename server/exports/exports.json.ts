import type { ExportRow } from './exports.repository';

/** The API's shape of one export (exports.schemas.ts exportResponse). */
export const exportJson = (e: ExportRow) => ({
  id: e.id,
  docket: e.docket,
  includeConfidential: e.include_confidential,
  status: e.status,
  progress: e.progress,
  items: e.items,
  bytes: Number(e.bytes),
  manifestSha256: e.manifest_sha256,
  auditHeadHash: e.audit_head_hash,
  requestedBy: { id: e.requested_by, name: e.requested_by_name },
  createdAt: e.created_at.toISOString(),
  startedAt: e.started_at?.toISOString() ?? null,
  finishedAt: e.finished_at?.toISOString() ?? null,
  downloadUrl: e.status === 'done' ? `/api/v1/exports/${e.id}/download` : null,
  ...(e.status === 'failed' && e.error_code ? { error: { code: e.error_code, message: e.error_message ?? '' } } : {}),
});

/** The scope's word, as the archive and the pages name it. */
export const scopeOf = (includeConfidential: boolean): 'confidential' | 'public' => (includeConfidential ? 'confidential' : 'public');
