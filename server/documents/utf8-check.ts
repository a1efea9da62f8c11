import { isUtf8 } from 'node:buffer';

/** Expected length of a UTF-8 sequence from its lead byte; 0 for a continuation or invalid byte. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Checks, chunk by chunk, that a stream is valid UTF-8 without NUL bytes (what TXT and CSV
 * evidence must be). A character split across chunks is carried to the next chunk, so the check
 * never holds more than three bytes besides the chunk in hand.
 */
export class Utf8TextCheck {
  private carry: Buffer = Buffer.alloc(0);
  private valid = true;

  push(chunk: Buffer): void {
    if (!this.valid) return;
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = incompleteTailStart(data);
    const body = data.subarray(0, cut);
    if (body.includes(0) || !isUtf8(body)) this.valid = false;
    this.carry = Buffer.from(data.subarray(cut));
  }

  /** True when everything pushed was valid UTF-8, no NUL, and no character was cut off at the end. */
  end(): boolean {
    return this.valid && this.carry.length === 0;
  }
}

/** Index where a trailing, not yet complete, multi-byte sequence starts (data.length when none). */
function incompleteTailStart(data: Buffer): number {
  for (let back = 1; back <= Math.min(3, data.length); back += 1) {
    const i = data.length - back;
    const byte = data[i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for its lead
    const need = sequenceLength(byte);
    return need > back ? i : data.length;
  }
  return data.length;
}
