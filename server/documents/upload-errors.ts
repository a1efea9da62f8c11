import { AppError } from '../http/errors';
import { limitBytes } from '../http/format';

/**
 * The refusals an upload can meet, each with its stable code (API.md "Errors") and a message
 * that tells the person what to do. Messages never echo the client's file name.
 */

export const fileTooLarge = (limit: number) =>
  new AppError(413, 'file_too_large', `The file is larger than this proceeding allows (${limitBytes(limit)} per file). Split it or reduce its size.`, [{ limitBytes: limit }]);
export const tooManyFiles = (max: number) =>
  new AppError(413, 'too_many_files', `This submission already has the most documents the proceeding allows (${max}). Combine or remove some first.`, [{ maxFiles: max }]);
export const totalTooLarge = (max: number) =>
  new AppError(413, 'total_too_large', `With this file the submission's documents would exceed ${limitBytes(max)} in total. Remove or reduce documents first.`, [{ maxTotalBytes: max }]);
export const quotaExceeded = (quota: number) =>
  new AppError(413, 'quota_exceeded', `Your organization's storage quota (${limitBytes(quota)} across all its submissions) would be exceeded. Remove documents from drafts, or contact the agency.`, [{ quotaBytes: quota }]);
export const oneFilePerRequest = () =>
  new AppError(413, 'too_many_files', 'Send one file per request, in the "file" field.');
export const tooManyParts = () => new AppError(413, 'too_many_parts', 'The form has more parts or fields than an upload needs.');
export const fieldTooLarge = () => new AppError(413, 'field_too_large', 'A form field is too long.');

export const emptyFile = () => new AppError(422, 'empty_file', 'The file is empty (0 bytes). Choose the file again; it may not have saved correctly.');

export const archiveNotAllowed = (what: string) =>
  new AppError(415, 'archive_not_allowed', `Archives (${what}) are not accepted. Upload each document on its own (PDF, DOCX, XLSX, PPTX, TXT, CSV, PNG, JPEG or TIFF).`);
export const typeNotAllowed = () =>
  new AppError(415, 'type_not_allowed', 'This type of file is not accepted. Upload PDF, DOCX, XLSX, PPTX, TXT, CSV, PNG, JPEG or TIFF, named with its usual extension.');
export const typeMismatch = (claimed: string, found: string) =>
  new AppError(415, 'type_mismatch', `The file is named as ${claimed.toUpperCase()} but its contents are ${found}. Upload the real document, saved in the format its name says.`, [{ claimed, found }]);
export const unsafeArchive = (why: string) =>
  new AppError(415, 'unsafe_document', `The document's internal structure is unsafe (${why}). Save it again from its application and retry.`);
/** The package's directory cannot be read or disagrees with itself, so its contents cannot be checked. */
export const unreadableArchive = (why: string) =>
  new AppError(422, 'unreadable_document', `The document's internal structure cannot be checked (${why}). Save it again from its application and retry.`);

export const multipartRequired = () =>
  new AppError(415, 'multipart_required', 'Send the upload as multipart/form-data with the document in the "file" field.');
export const fileRequired = () => new AppError(400, 'file_required', 'Choose a file to upload (form field "file").');
/** The body stalled or trickled (http/body-pace.ts); the connection closes after this answer. */
export function uploadTooSlow(slowness: 'stalled' | 'too_slow', pace: { stallMs: number; minBytesPerSecond: number; windowMs: number }): AppError {
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} seconds`;
  const why = slowness === 'stalled'
    ? `no data arrived for ${seconds(pace.stallMs)}`
    : `it arrived at less than ${limitBytes(pace.minBytesPerSecond)} per second over ${seconds(pace.windowMs)}`;
  return new AppError(408, 'upload_too_slow', `The upload was stopped because ${why}. Nothing was saved. Check your connection and send the file again.`,
    [{ reason: slowness, stallSeconds: pace.stallMs / 1000, minBytesPerSecond: pace.minBytesPerSecond, windowSeconds: pace.windowMs / 1000 }]);
}
export const malformedUpload = (detail: string) => new AppError(400, 'malformed_upload', `The upload could not be read (${detail}). Try again.`);
export const invalidFieldName = (code: string, message: string) => new AppError(400, code, message);

/** A rare race (another request removed identical content at the same moment): safe to retry. */
export const retryUpload = () =>
  new AppError(503, 'upload_retry', 'The upload met a concurrent change to identical content. Send it again.', [{ retryAfterSeconds: 1 }]);
