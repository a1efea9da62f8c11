/**
 * The characters the standard PDF fonts (Helvetica and friends, WinAnsiEncoding) can show, and a
 * visible stand-in for the rest: document names are data and may hold any character (CJK, emoji,
 * bidi overrides, control characters), which a standard font would draw as the wrong glyph or
 * not at all. Such a character is written as `<U+XXXX>`, so the page still says exactly what the
 * name is; the index files carry the name itself.
 */

/** WinAnsiEncoding's 0x80-0x9F block (ISO 32000-1, Annex D.2); the rest is Latin-1. */
const HIGH: Record<number, number> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
  0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91,
  0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98,
  0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

/** The WinAnsi byte of a code point, or -1 when the standard fonts cannot show it. */
export function winAnsiCode(cp: number): number {
  if (cp >= 0x20 && cp <= 0x7e) return cp;
  if (cp >= 0xa0 && cp <= 0xff) return cp;
  return HIGH[cp] ?? -1;
}

const standIn = (cp: number) => `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;

/** The text with every character a standard font cannot show written as `<U+XXXX>`. */
export function winAnsiSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += winAnsiCode(cp) < 0 ? standIn(cp) : ch;
  }
  return out;
}

/** The WinAnsi bytes of a text (after `winAnsiSafe`, so every character has one). */
export function winAnsiBytes(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = winAnsiCode(text.charCodeAt(i));
    if (code < 0) return winAnsiBytesSlow(text);
    out[n] = code;
    n += 1;
  }
  return out.subarray(0, n);
}

function winAnsiBytesSlow(text: string): Buffer {
  const out: number[] = [];
  for (const ch of winAnsiSafe(text)) out.push(winAnsiCode(ch.codePointAt(0)!));
  return Buffer.from(out);
}
