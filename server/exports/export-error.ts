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
  if (code === 'EEXIST') return { code: 'file_exists', message: 'The export file already exists. Choose another name, or remove that file, and start the export again.' };
  if (code === 'EACCES' || code === 'EROFS') return { code: 'storage_unwritable', message: 'The export file could not be written (permissions or a read-only disk).' };
  return { code: 'export_failed', message: 'The export stopped on an unexpected error, which has been logged. Start it again; if it fails again, tell an administrator.' };
}

export const missingFile = (documentId: string) => new ExportError('document_missing',
  `The stored file of document ${documentId} is missing from UPLOADS_DIR; the record cannot be produced whole.`);
export const corruptFile = (documentId: string) => new ExportError('document_corrupt',
  `The stored file of document ${documentId} no longer matches its recorded SHA-256; the record cannot be produced faithfully.`);
