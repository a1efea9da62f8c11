/** The longest summary of one argument (findings.schemas.ts checks the same bound). */
export const SUMMARY_MAX = 2000;
/** The highest argument number. */
export const NUMBER_MAX = 200;

/** One suggested argument: the vendor's own number and its text, for the reviewer to confirm or edit. */
export interface SuggestedArgument { number: number; summary: string }

/**
 * A line that opens a numbered argument: optional indentation, then `1.`, `1)` or `(1)`, then a
 * space. `1.1`, `2017.` (out of range) and a number inside a sentence do not open one.
 */
const MARKER = /^[ \t]*(?:\((\d{1,3})\)|(\d{1,3})[.)])[ \t]+(?=\S)/;

/**
 * Splits a response's argument on the vendor's own numbering. A marker counts only when its number
 * is higher than the previous one, so a nested "1. 2." list inside argument 3 stays part of 3; gaps
 * (1, 2, 4) keep the vendor's numbers. Text before the first marker is the preamble and is left
 * out; text with no numbering at all is one argument, number 1. Summaries are the argument's text
 * with whitespace collapsed, cut at SUMMARY_MAX characters.
 */
export function suggestArguments(text: string): SuggestedArgument[] {
  const found: { number: number; lines: string[] }[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const m = MARKER.exec(line);
    const n = m ? Number(m[1] ?? m[2]) : 0;
    const last = found[found.length - 1];
    if (m && n >= 1 && n <= NUMBER_MAX && (!last || n > last.number)) {
      found.push({ number: n, lines: [line.slice(m[0].length)] });
    } else if (last) {
      last.lines.push(line);
    }
  }
  if (found.length === 0) {
    const all = squeeze(text);
    return all ? [{ number: 1, summary: all }] : [];
  }
  return found.map((a) => ({ number: a.number, summary: squeeze(a.lines.join(' ')) }));
}

function squeeze(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > SUMMARY_MAX ? `${flat.slice(0, SUMMARY_MAX - 1)}…` : flat;
}
