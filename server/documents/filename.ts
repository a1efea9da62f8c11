/**
 * Client file names are data (SECURITY.md, Uploads): kept for people to read, never used as a path,
 * and never placed raw in a header, log line or e-mail. Files live under a server-made key.
 */

const MAX_NAME_LENGTH = 255;

// C0 and C1 controls, DEL, bidirectional overrides and isolates (the U+202E "exe.pdf" trick),
// zero-width no-break space, line and paragraph separators. Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The name as stored: NFC (so NFC/NFD twins are one name), no control or bidi characters, no
 * directory part, at most 255 characters with the extension kept. Never empty.
 */
export function sanitizeFilename(raw: string | undefined): string {
  let name = (raw ?? '').replace(LONE_SURROGATE, '\ufffd').normalize('NFC').replace(UNSAFE_CHARS, '');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).trim();
  if (name === '' || name === '.' || name === '..') return 'unnamed';
  return truncateKeepingExtension(name, MAX_NAME_LENGTH);
}

function truncateKeepingExtension(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? [...name.slice(dot)] : [];
  return chars.slice(0, max - ext.length).join('').trimEnd() + ext.join('');
}

/** Strips the controls a label or title must not carry (line breaks too). */
export const cleanLine = (s: string): string => s.replace(LONE_SURROGATE, '\ufffd').normalize('NFC').replace(UNSAFE_CHARS, ' ').trim();

/** Like cleanLine, but keeps line breaks and tabs (descriptions are paragraphs). */
export const cleanText = (s: string): string =>
  s.replace(LONE_SURROGATE, '\ufffd').normalize('NFC').replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu, '').trim();

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

/** ASCII stand-in for old clients: accents dropped, anything else unsafe in a quoted string becomes `_`. */
function asciiFallback(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return WINDOWS_DEVICE.test(ascii) || ascii.startsWith('.') ? `_${ascii}` : ascii;
}

/** RFC 8187 value: percent-encoded UTF-8 with only attr-chars left bare. */
const extValue = (name: string): string =>
  encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `Content-Disposition: attachment` per RFC 6266: an ASCII `filename` fallback plus the exact name
 * as `filename*=UTF-8''...`. Safe for any input: no CR, LF, quote or backslash can reach the header.
 */
export function attachmentHeader(name: string): string {
  const safe = sanitizeFilename(name);
  return `attachment; filename="${asciiFallback(safe)}"; filename*=UTF-8''${extValue(safe)}`;
}
