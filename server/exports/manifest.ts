/**
 * MANIFEST.sha256: one line per file, `<64 lowercase hex>  <path>\n`, which is the text form
 * `sha256sum` writes and `sha256sum -c MANIFEST.sha256` checks (two spaces: text mode). GNU
 * coreutils escapes a name holding a backslash or a line break; the archive's names never hold
 * either (ZipWriter refuses them), so such a path is refused here rather than escaped.
 */

export const MANIFEST_NAME = 'MANIFEST.sha256';

const HEX64 = /^[0-9a-f]{64}$/;

/** The manifest text, entries in the order given (the archive's order). */
export function manifestText(entries: { path: string; sha256: string }[]): string {
  const seen = new Set<string>();
  return entries.map(({ path, sha256 }) => {
    if (!HEX64.test(sha256)) throw new Error(`manifest: ${JSON.stringify(path)} has no lowercase hex SHA-256 (${JSON.stringify(sha256)})`);
    if (!path || /[\\\n\r\0]/.test(path)) throw new Error(`manifest: the path ${JSON.stringify(path)} cannot be written in sha256sum form`);
    if (path === MANIFEST_NAME) throw new Error('manifest: the manifest does not list itself');
    if (seen.has(path)) throw new Error(`manifest: ${JSON.stringify(path)} is listed twice`);
    seen.add(path);
    return `${sha256}  ${path}\n`;
  }).join('');
}

/** One parsed manifest line, or why it is not one (verify.ts reads the archive's manifest with it). */
export function parseManifestLine(line: string): { path: string; sha256: string } | { error: string } {
  const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
  if (!m) return { error: 'not a "<sha256>  <path>" line' };
  return { sha256: m[1]!.toLowerCase(), path: m[2]! };
}
