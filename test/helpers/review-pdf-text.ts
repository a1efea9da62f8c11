import { inflateSync } from 'node:zlib';

/**
 * The text a pdfkit PDF shows, without a PDF library: each FlateDecode stream is inflated and the
 * hex strings of its TJ/Tj operators (standard fonts: one byte per character, WinAnsi) are decoded
 * and joined, one line per text operator. Good enough to assert that a word is, or is not, on the
 * page; pdftotext is not installed here.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  const streams = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = streams.exec(raw)) !== null) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue; // not a deflated stream (an image or font program): no text in it
    }
    for (const op of content.matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hex = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('') : op[2]!;
      lines.push(Buffer.from(hex, 'hex').toString('latin1'));
    }
    streams.lastIndex = end;
  }
  return lines.join('\n');
}
