/**
 * Flags PDF active content for reviewers while the bytes stream past (SECURITY.md: flagged, not
 * refused). It sees PDF syntax as written: names inside compressed object streams, or spelled
 * with `#xx` escapes, are beyond a streaming scan and are left to a later deep inspection.
 */

interface Token { rest: Buffer; flag: string; delimited: boolean }

// Short names (/JS, /AA) count only when the name ends there, so /JSON or /AAPL:Keywords do not flag.
const TOKENS: readonly Token[] = [
  { rest: Buffer.from('JavaScript'), flag: 'pdf_javascript', delimited: false },
  { rest: Buffer.from('JS'), flag: 'pdf_javascript', delimited: true },
  { rest: Buffer.from('OpenAction'), flag: 'pdf_open_action', delimited: false },
  { rest: Buffer.from('AA'), flag: 'pdf_additional_actions', delimited: true },
  { rest: Buffer.from('Launch'), flag: 'pdf_launch', delimited: false },
  { rest: Buffer.from('EmbeddedFile'), flag: 'pdf_embedded_file', delimited: false },
];
const ALL_FLAGS = new Set(TOKENS.map((t) => t.flag));
const SLASH = 0x2f;
/** Longest token with its slash and one delimiter byte: the overlap kept between chunks. */
const SEAM = Math.max(...TOKENS.map((t) => t.rest.length)) + 2;

// PDF delimiters and white space (ISO 32000-1, 7.2.2 and 7.2.3).
const ENDS_NAME = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) ENDS_NAME[c] = 1;

const BY_FIRST = new Map<number, Token[]>();
for (const t of TOKENS) BY_FIRST.set(t.rest[0]!, [...(BY_FIRST.get(t.rest[0]!) ?? []), t]);

/** Streaming scanner: push() each chunk in order, then read flags(). */
export class PdfActiveContentScanner {
  private readonly found = new Set<string>();
  private carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    if (this.found.size === ALL_FLAGS.size) return;
    if (this.carry.length) this.scan(Buffer.concat([this.carry, chunk.subarray(0, SEAM)]), false);
    this.scan(chunk, false);
    // Keep the last SEAM bytes of everything seen so far: a token split across chunks lies in the seam.
    this.carry = chunk.length >= SEAM ? Buffer.from(chunk.subarray(chunk.length - SEAM)) : Buffer.concat([this.carry, chunk]).subarray(-SEAM);
  }

  /** Flags found, in a stable order. Call after the last chunk: a short name at the very end counts. */
  flags(): string[] {
    this.scan(this.carry, true);
    return [...this.found].sort();
  }

  private scan(buf: Buffer, atEnd: boolean): void {
    for (let i = buf.indexOf(SLASH); i !== -1; i = buf.indexOf(SLASH, i + 1)) {
      const candidates = BY_FIRST.get(buf[i + 1] ?? -1);
      if (!candidates) continue;
      for (const t of candidates) {
        if (!this.found.has(t.flag) && matches(buf, i + 1, t, atEnd)) this.found.add(t.flag);
      }
    }
  }
}

function matches(buf: Buffer, at: number, t: Token, atEnd: boolean): boolean {
  const end = at + t.rest.length;
  if (end > buf.length || buf.compare(t.rest, 0, t.rest.length, at, end) !== 0) return false;
  if (!t.delimited) return true;
  // The byte after the name decides; when it has not arrived yet, a later seam or chunk decides.
  return end < buf.length ? ENDS_NAME[buf[end]!] === 1 : atEnd;
}
