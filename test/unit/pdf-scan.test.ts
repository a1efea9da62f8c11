import { PdfActiveContentScanner } from '../../server/documents/pdf-scan';
import { Utf8TextCheck } from '../../server/documents/utf8-check';

function scan(text: string, chunkSize: number): string[] {
  const s = new PdfActiveContentScanner();
  const data = Buffer.from(text, 'latin1');
  for (let i = 0; i < data.length; i += chunkSize) s.push(data.subarray(i, i + chunkSize));
  return s.flags();
}

describe('PDF active content flags', () => {
  const active = '%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 2 0 R /AA << /O 3 0 R >> >> endobj\n'
    + '2 0 obj << /S /JavaScript /JS (app.alert\\(1\\)) >> endobj\n3 0 obj << /S /Launch /F (cmd.exe) >> endobj\n'
    + '4 0 obj << /Type /EmbeddedFile /Length 0 >> stream\nendstream endobj\n%%EOF\n';
  const all = ['pdf_additional_actions', 'pdf_embedded_file', 'pdf_javascript', 'pdf_launch', 'pdf_open_action'];

  it.each([1, 2, 3, 5, 7, 11, 13, 64, 4096])('when the file arrives in chunks of %i bytes, then every token is found, split or not', (size) => {
    expect(scan(active, size)).toEqual(all);
  });

  it('when names only start like the tokens (/JSON, /AAPL:Keywords, /JSX), then nothing is flagged', () => {
    expect(scan('%PDF-1.4\n<< /JSON 1 /AAPL:Keywords [] /JSX 2 /Javascripts 3 >>\n', 3)).toEqual([]);
  });

  it('when a short name ends the file or is followed by a delimiter in the next chunk, then it still counts', () => {
    expect(scan('%PDF-1.4\n<< /JS', 4)).toEqual(['pdf_javascript']);
    expect(scan('%PDF-1.4\n<</AA<<>>>>', 15)).toEqual(['pdf_additional_actions']);
  });

  it('when an /OpenAction is split across two chunk boundaries of a long stream, then it is found', () => {
    const s = new PdfActiveContentScanner();
    s.push(Buffer.from('%PDF-1.7\n' + 'x'.repeat(70_000) + '/Op', 'latin1'));
    s.push(Buffer.from('enAc', 'latin1'));
    s.push(Buffer.from('tion 5 0 R', 'latin1'));
    expect(s.flags()).toEqual(['pdf_open_action']);
  });
});

describe('UTF-8 text check', () => {
  const check = (data: Buffer, size: number) => {
    const c = new Utf8TextCheck();
    for (let i = 0; i < data.length; i += size) c.push(data.subarray(i, i + size));
    return c.end();
  };
  const text = Buffer.from('naïve café — 日本語 — 🙂🙂, "quoted", tabs\tand lines\r\n');

  it.each([1, 2, 3, 4, 5, 1000])('when multi-byte characters are split across chunks of %i, then the text is valid', (size) => {
    expect(check(text, size)).toBe(true);
  });

  it.each([
    ['a NUL byte', Buffer.from([0x61, 0x00, 0x62])],
    ['an overlong encoding', Buffer.from([0xc0, 0xaf])],
    ['a lone continuation byte', Buffer.from([0x61, 0x80])],
    ['a truncated final character', Buffer.from([0x61, 0xf0, 0x9f, 0x99])],
    ['a UTF-16 surrogate', Buffer.from([0xed, 0xa0, 0x80])],
  ])('when the text contains %s, then it is not text', (_what, data) => {
    expect(check(data, 1)).toBe(false);
    expect(check(data, 100)).toBe(false);
  });
});
