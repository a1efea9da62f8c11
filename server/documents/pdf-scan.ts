/**
 * Flags PDF active content for reviewers while the bytes stream past (SECURITY.md: flagged, not
 * refused). Names are decoded as a PDF reader decodes them (`#xx` escapes, hex digits in either
 * case, ISO 32000-1 7.3.5) and must match a whole name: `/J#61vaScript` and `/#4A#53` count,
 * `/JSON` and `/JavaScripts` do not. A name split across chunks is carried over to the next one.
 *
 * Deliberately over-flags in one way: it does not track strings, comments or stream data, so a
 * name written inside one of those flags too. It cannot see inside compressed object streams.
 */

/** Decoded name -> flag. PDF names are case-sensitive, so these are exact. */
const NAMES = new Map<string, string>([
  ['JavaScript', 'pdf_javascript'], ['JS', 'pdf_javascript'],
  ['OpenAction', 'pdf_open_action'],
  ['AA', 'pdf_additional_actions'],
  ['Launch', 'pdf_launch'],
  ['EmbeddedFile', 'pdf_embedded_file'], ['EmbeddedFiles', 'pdf_embedded_file'], ['FileAttachment', 'pdf_embedded_file'],
  ['RichMedia', 'pdf_rich_media'],
  ['SubmitForm', 'pdf_submit_form'],
  ['ImportData', 'pdf_import_data'],
  ['GoToR', 'pdf_remote_goto'], ['GoToE', 'pdf_remote_goto'],
  ['XFA', 'pdf_xfa'],
]);
const ALL_FLAGS = new Set(NAMES.values());
/** Every flag the scanner can set, for documentation and tests. */
export const PDF_FLAGS: readonly string[] = [...ALL_FLAGS].sort();

const SLASH = 0x2f;
const HASH = 0x23;

// A byte trie over the decoded names: NEXT[node * 256 + byte] is the child node, or -1.
const NODES = [...NAMES.keys()].reduce((n, name) => n + name.length, 1);
const NEXT = new Int16Array(NODES * 256).fill(-1);
const FLAG_AT: Array<string | undefined> = [undefined];
for (const [name, flag] of NAMES) {
  let node = 0;
  for (const byte of Buffer.from(name, 'latin1')) {
    if (NEXT[node * 256 + byte]! < 0) NEXT[node * 256 + byte] = FLAG_AT.push(undefined) - 1;
    node = NEXT[node * 256 + byte]!;
  }
  FLAG_AT[node] = flag;
}

// PDF white space and delimiters end a name (ISO 32000-1, 7.2.2 and 7.2.3).
const ENDS_NAME = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) ENDS_NAME[c] = 1;
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i += 1) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** A flagged name is at most 14 characters, 3 bytes each when escaped: this many more bytes always decide it. */
const LOOKAHEAD = 48;
/** The name runs past the end of the bytes seen so far: the next chunk decides. */
const UNDECIDED = Symbol('undecided');
type Outcome = string | null | typeof UNDECIDED;

/**
 * Reads the name that starts after the slash at `at - 1`: its flag, null for any other name, or
 * UNDECIDED. `atEnd`: the file ends here, which ends the name too.
 */
function readName(buf: Buffer, at: number, atEnd: boolean): Outcome {
  let node = 0;
  let i = at;
  for (;;) {
    if (i >= buf.length) return atEnd ? FLAG_AT[node] ?? null : UNDECIDED;
    let c = buf[i]!;
    if (ENDS_NAME[c] === 1) return FLAG_AT[node] ?? null;
    if (c === HASH) {
      if (i + 2 >= buf.length) return atEnd ? null : UNDECIDED;
      const hi = HEX[buf[i + 1]!]!;
      const lo = HEX[buf[i + 2]!]!;
      // Readers keep a `#` without two hex digits as it is; no flagged name contains one.
      if (hi < 0 || lo < 0) return null;
      c = (hi << 4) | lo;
      i += 3;
    } else {
      i += 1;
    }
    node = NEXT[node * 256 + c]!;
    if (node < 0) return null;
  }
}

/** Streaming scanner: push() each chunk in order, then read flags(). */
export class PdfActiveContentScanner {
  private readonly found = new Set<string>();
  /** The bytes of a name (from its slash) that ran to the end of the last chunk; at most a few dozen. */
  private pending?: Buffer;

  push(chunk: Buffer): void {
    if (this.found.size === ALL_FLAGS.size) return;
    if (this.pending && !this.settlePending(chunk)) return;
    for (let i = chunk.indexOf(SLASH); i !== -1; i = chunk.indexOf(SLASH, i + 1)) {
      // Fast path: most slashes start a name no flagged name begins with.
      const next = chunk[i + 1];
      if (next !== undefined && next !== HASH && NEXT[next]! < 0) continue;
      const outcome = readName(chunk, i + 1, false);
      if (outcome === UNDECIDED) {
        this.pending = Buffer.from(chunk.subarray(i));
        return;
      }
      if (outcome) this.found.add(outcome);
    }
  }

  /** Flags found, in a stable order. Call after the last chunk: a name at the very end counts. */
  flags(): string[] {
    if (this.pending) this.record(readName(this.pending, 1, true));
    this.pending = undefined;
    return [...this.found].sort();
  }

  /**
   * Decides the carried name with the start of this chunk. False when the whole chunk belongs to
   * that name (no delimiter in it, so no other name starts there) and it is still undecided.
   */
  private settlePending(chunk: Buffer): boolean {
    const joined = Buffer.concat([this.pending!, chunk.subarray(0, LOOKAHEAD)]);
    const outcome = readName(joined, 1, false);
    if (outcome === UNDECIDED && chunk.length <= LOOKAHEAD) {
      this.pending = joined;
      return false;
    }
    this.pending = undefined;
    this.record(outcome);
    return true;
  }

  private record(outcome: Outcome): void {
    if (typeof outcome === 'string') this.found.add(outcome);
  }
}
