/**
 * Names inside a production (EXPORT.md "Archive layout"): ASCII only, no `..`, no leading `/`, no
 * backslash, whatever the vendor called the file. The vendor's name stays data (index.json
 * `documentName`); the path is made from it, never trusted.
 */

const MAX_BASE = 60;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** A file name's ASCII-safe form: letters, digits, `.`, `_`, `-`; accents dropped; at most ~70 characters. */
export function safeName(raw: string, fallback = 'document'): string {
  const ascii = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const dot = ascii.lastIndexOf('.');
  const hasExt = dot > 0 && ascii.length - dot <= 9;
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/\.{2,}/g, '.').replace(/_{2,}/g, '_').replace(/^[._-]+|[._-]+$/g, '');
  let base = clean(hasExt ? ascii.slice(0, dot) : ascii).slice(0, MAX_BASE).replace(/[._-]+$/g, '');
  const ext = hasExt ? clean(ascii.slice(dot + 1)).toLowerCase().slice(0, 8) : '';
  if (!base || WINDOWS_DEVICE.test(base)) base = base ? `_${base}` : fallback;
  return ext ? `${base}.${ext}` : base;
}

/** `name` without its extension and with `ext` instead (`scan.png` -> `scan.pdf`). */
export const withExtension = (name: string, ext: string): string => {
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}.${ext}`;
};

/** `001`, `002`, ...: a document's place in its folder, so names never collide and sort in order. */
export const ordinal = (n: number): string => String(n).padStart(3, '0');

/** True for a path the archive may carry (defence in depth: every name is built, then checked). */
export function isSafeArchivePath(p: string): boolean {
  return /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(p) && !p.split('/').some((s) => s === '.' || s === '..');
}
