import { StandardFontEmbedder, StandardFonts } from '@cantoo/pdf-lib';
import { textWidth } from './pdf-incremental';
import { winAnsiBytes } from './win-ansi';

/**
 * Text layout for the PDFs the export writes itself (slip sheets, the certified index): the
 * standard fonts' metrics, line breaking, and PDF string forms. Text passed here is WinAnsi-safe
 * (win-ansi.ts) already.
 */
const font = (n: StandardFonts) => StandardFontEmbedder.for(n as unknown as Parameters<typeof StandardFontEmbedder.for>[0]);
export const REGULAR = font(StandardFonts.Helvetica);
export const BOLD = font(StandardFonts.HelveticaBold);
export const OBLIQUE = font(StandardFonts.HelveticaOblique);
export const MONO = font(StandardFonts.Courier);

export const fmt = (v: number): string => (Math.round(v * 100) / 100).toString();
/** A WinAnsi hex string operand. */
export const hex = (text: string): string => `<${winAnsiBytes(text).toString('hex')}>`;

/** PDF text string in UTF-16BE with a byte-order mark (any character, exactly): for /Info and /T. */
export const textString = (s: string): string => {
  const b = Buffer.from(`\ufeff${s}`, 'utf16le');
  b.swap16();
  return `<${b.toString('hex')}>`;
};
export const pdfDate = (d: Date): string => `(D:${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z)`;

/**
 * Greedy line breaking by width: at spaces; a word that does not fit where it is starts the next
 * line; a word too long for any line (a long path) is cut where it reaches the edge. `first` is
 * the room taken on the first line (by a bold label). Linear in the text's length.
 */
export function wrap(text: string, font: StandardFontEmbedder, size: number, width: number, first = 0): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  let room = width - first;
  const w = (s: string) => textWidth(font, s, size);
  const space = w(' ');
  const breakLine = () => { lines.push(line); line = ''; used = 0; room = width; };
  for (const word of text.split(' ')) {
    const ww = w(word);
    const gap = line ? space : 0;
    if (used + gap + ww <= room) { line += (line ? ' ' : '') + word; used += gap + ww; continue; }
    if (line || (room < width && ww <= width)) breakLine();
    if (ww <= room) { line = word; used = ww; continue; }
    for (const ch of word) {
      const cw = w(ch);
      if (used + cw > room && line) breakLine();
      line += ch;
      used += cw;
    }
  }
  lines.push(line);
  return lines;
}

