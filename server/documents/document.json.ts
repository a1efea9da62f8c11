import type { DocumentRow } from './documents.repository';

/** The public JSON shape of a document (API.md). Storage keys never leave the server. */
export const documentJson = (d: DocumentRow) => ({
  id: d.id, label: d.label, description: d.description, originalName: d.original_name, mediaType: d.media_type,
  size: Number(d.size), sha256: d.sha256, confidential: d.confidential, publicVersionOf: d.public_version_of,
  flags: d.flags, createdAt: d.created_at.toISOString(),
});
