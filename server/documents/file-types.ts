/**
 * The allowlist of evidence types and the magic-byte table that recognises them (SECURITY.md,
 * Uploads). The client's Content-Type is never trusted; the extension only states a claim that
 * the bytes must confirm.
 */

/** A type the portal accepts, by what its bytes prove it to be. */
export type AllowedKind = 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'txt' | 'csv' | 'png' | 'jpeg' | 'tiff';

/** What the first bytes say. `zip` and `text` are settled only at the end of the stream. */
export type HeadVerdict =
  | { class: 'pdf' | 'png' | 'jpeg' | 'tiff' | 'zip' | 'text' }
  | { class: 'archive'; name: string }
  | { class: 'forbidden'; name: string };

export const MEDIA_TYPES: Readonly<Record<AllowedKind, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  png: 'image/png',
  jpeg: 'image/jpeg',
  tiff: 'image/tiff',
};

/** Extension (lower case, no dot) -> the kind it claims. Anything else is refused before a byte is stored. */
export const EXTENSIONS: Readonly<Record<string, AllowedKind>> = {
  pdf: 'pdf', docx: 'docx', xlsx: 'xlsx', pptx: 'pptx', txt: 'txt', csv: 'csv',
  png: 'png', jpg: 'jpeg', jpeg: 'jpeg', tif: 'tiff', tiff: 'tiff',
};

/** Extensions of containers we refuse by name alone (the bytes are checked as well). */
export const ARCHIVE_EXTENSIONS = new Set(['zip', '7z', 'rar', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'jar', 'cab', 'iso']);

/** The head classes each claimed kind may have; OOXML and text kinds are refined at the end. */
export const HEAD_CLASS_FOR: Readonly<Record<AllowedKind, string>> = {
  pdf: 'pdf', docx: 'zip', xlsx: 'zip', pptx: 'zip', txt: 'text', csv: 'text', png: 'png', jpeg: 'jpeg', tiff: 'tiff',
};

interface Magic { offset: number; bytes: number[]; verdict: HeadVerdict }

const m = (offset: number, bytes: number[] | string, verdict: HeadVerdict): Magic =>
  ({ offset, bytes: typeof bytes === 'string' ? [...Buffer.from(bytes, 'latin1')] : bytes, verdict });

// Order matters only where signatures overlap (none here). Sources: the formats' specifications and
// the WHATWG MIME Sniffing standard.
const MAGIC: readonly Magic[] = [
  m(0, '%PDF-', { class: 'pdf' }),
  m(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], { class: 'png' }),
  m(0, [0xff, 0xd8, 0xff], { class: 'jpeg' }),
  m(0, [0x49, 0x49, 0x2a, 0x00], { class: 'tiff' }),
  m(0, [0x4d, 0x4d, 0x00, 0x2a], { class: 'tiff' }),
  m(0, [0x50, 0x4b, 0x03, 0x04], { class: 'zip' }),
  m(0, [0x50, 0x4b, 0x05, 0x06], { class: 'archive', name: 'empty zip' }),
  m(0, [0x50, 0x4b, 0x07, 0x08], { class: 'archive', name: 'spanned zip' }),
  m(0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], { class: 'archive', name: '7z' }),
  m(0, 'Rar!\x1a\x07', { class: 'archive', name: 'rar' }),
  m(0, [0x1f, 0x8b], { class: 'archive', name: 'gzip' }),
  m(0, 'BZh', { class: 'archive', name: 'bzip2' }),
  m(0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], { class: 'archive', name: 'xz' }),
  m(0, [0x28, 0xb5, 0x2f, 0xfd], { class: 'archive', name: 'zstd' }),
  m(0, 'MSCF', { class: 'archive', name: 'cab' }),
  m(257, 'ustar', { class: 'archive', name: 'tar' }),
  m(0, 'MZ', { class: 'forbidden', name: 'Windows executable' }),
  m(0, [0x7f, 0x45, 0x4c, 0x46], { class: 'forbidden', name: 'ELF executable' }),
  m(0, [0xcf, 0xfa, 0xed, 0xfe], { class: 'forbidden', name: 'Mach-O executable' }),
  m(0, [0xca, 0xfe, 0xba, 0xbe], { class: 'forbidden', name: 'Java class or Mach-O' }),
  m(0, '#!', { class: 'forbidden', name: 'script' }),
  m(0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], { class: 'forbidden', name: 'legacy Office (OLE2) document' }),
  m(0, '{\\rtf', { class: 'forbidden', name: 'RTF document' }),
];

/** Bytes needed before the head can be judged (the tar signature sits at offset 257). */
export const HEAD_BYTES = 512;

const startsAt = (head: Buffer, { offset, bytes }: Magic) =>
  head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);

/**
 * Classifies a file by its first bytes (up to HEAD_BYTES, fewer only when the file is shorter).
 * Text is anything without a signature, without NUL in the head, that does not open like markup:
 * HTML, SVG and XML dressed as .txt are refused here, because browsers and viewers sniff them.
 */
export function sniffHead(head: Buffer): HeadVerdict {
  for (const magic of MAGIC) if (startsAt(head, magic)) return magic.verdict;
  if (head.includes(0)) return { class: 'forbidden', name: 'unrecognised binary data' };
  if (looksLikeMarkup(head)) return { class: 'forbidden', name: 'HTML, SVG or XML markup' };
  return { class: 'text' };
}

/** True when the first non-blank character (after a BOM) is `<`: the start of HTML, SVG or XML. */
function looksLikeMarkup(head: Buffer): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x0c)) i += 1;
  return head[i] === 0x3c;
}

/** The lower-case extension of a (sanitised) file name, ignoring trailing dots and spaces; '' when none. */
export function extensionOf(name: string): string {
  const trimmed = name.replace(/[.\s]+$/u, '');
  const dot = trimmed.lastIndexOf('.');
  return dot > 0 ? trimmed.slice(dot + 1).toLowerCase() : '';
}
