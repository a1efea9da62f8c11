import { PDF_FLAGS, PdfActiveContentScanner } from '../../server/documents/pdf-scan';
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

  it('when names only start like the tokens (/JSON, /AAPL:Keywords, /JSX, /JavaScripts, /OpenActions), then nothing is flagged', () => {
    expect(scan('%PDF-1.4\n<< /JSON 1 /AAPL:Keywords [] /JSX 2 /Javascripts 3 /JavaScripts 4 /OpenActions 5 /LaunchPad 6 >>\n', 3)).toEqual([]);
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

/** `#xx` for one byte, upper- or lower-case hex. */
const esc = (ch: string, lower = false) => {
  const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
  return `#${lower ? hex.toLowerCase() : hex.toUpperCase()}`;
};

/** Many ways to write one PDF name: plain, each character escaped alone (both hex cases), all escaped, alternating. */
function spellings(name: string): string[] {
  const chars = [...name];
  const out = new Set([name, chars.map((c) => esc(c)).join(''), chars.map((c) => esc(c, true)).join('')]);
  chars.forEach((_, k) => {
    out.add(chars.map((c, i) => (i === k ? esc(c) : c)).join(''));
    out.add(chars.map((c, i) => (i === k ? esc(c, true) : c)).join(''));
  });
  out.add(chars.map((c, i) => (i % 2 ? esc(c, i % 4 === 1) : c)).join(''));
  return [...out];
}

describe('PDF names are decoded before they are matched', () => {
  const TOKENS: Array<[string, string]> = [
    ['JavaScript', 'pdf_javascript'], ['JS', 'pdf_javascript'], ['OpenAction', 'pdf_open_action'], ['AA', 'pdf_additional_actions'],
    ['Launch', 'pdf_launch'], ['EmbeddedFile', 'pdf_embedded_file'], ['EmbeddedFiles', 'pdf_embedded_file'], ['FileAttachment', 'pdf_embedded_file'],
    ['RichMedia', 'pdf_rich_media'], ['SubmitForm', 'pdf_submit_form'], ['ImportData', 'pdf_import_data'],
    ['GoToR', 'pdf_remote_goto'], ['GoToE', 'pdf_remote_goto'], ['XFA', 'pdf_xfa'],
  ];

  it('when the list of names is read, then every flag it can set is covered here', () => {
    expect([...new Set(TOKENS.map(([, f]) => f))].sort()).toEqual(PDF_FLAGS);
  });

  it.each(TOKENS)('when /%s is written in any of its escaped spellings, then it is flagged', (name, flag) => {
    const all = spellings(name);
    expect(all.length).toBeGreaterThanOrEqual(name.length + 2);
    for (const spelled of all) {
      for (const size of [1, 3, 4096]) expect([spelled, size, scan(`%PDF-1.7\n<< /S /${spelled} 2 0 R >>\n`, size)]).toEqual([spelled, size, [flag]]);
    }
  });

  it.each(['/Open#41ction 5 0 R', '/J#61vaScript 7 0 R', '/#4A#53 (x)', '/#4a#53(x)', '/#4A#61#76#61#53#63#72#69#70#74 1 0 R', '/Op#65nA#63tion[', '/A#41<<'])(
    'when %s is split across two chunks at every position, then it is flagged exactly as unsplit',
    (written) => {
      const text = `%PDF-1.7\n1 0 obj << /Type /Catalog ${written} >> endobj\n`;
      const whole = scan(text, text.length);
      expect(whole).toHaveLength(1);
      for (let cut = 0; cut <= text.length; cut += 1) {
        const s = new PdfActiveContentScanner();
        s.push(Buffer.from(text.slice(0, cut), 'latin1'));
        s.push(Buffer.from(text.slice(cut), 'latin1'));
        expect([cut, s.flags()]).toEqual([cut, whole]);
      }
    },
  );

  it('when an escaped name is split across three chunks of a long stream, then it is flagged', () => {
    const s = new PdfActiveContentScanner();
    s.push(Buffer.from(`%PDF-1.7\n${'x'.repeat(70_000)}/Op#`, 'latin1'));
    s.push(Buffer.from('6', 'latin1'));
    s.push(Buffer.from('5nAct#69on 5 0 R', 'latin1'));
    expect(s.flags()).toEqual(['pdf_open_action']);
  });

  it.each([
    ['a longer name that starts like one', '/JavaScriptX 1'], ['an escaped longer name', '/J#61vaScripts 1'], ['an escaped space inside', '/Java#20Script 1'],
    ['an escaped delimiter after the name', '/JS#28x) 1'], ['an escape that is not hex', '/Open#4Gction 1'], ['a lone #', '/J#S 1'],
    ['another case (names are case-sensitive)', '/javascript /openaction /Js /aa'], ['a name that only contains one', '/MyJS /XAA /NotLaunch'],
    ['a prefix of one', '/Java /Open /Emb /GoTo /Rich'], ['an escape cut off by the end of the file', '/J#5'],
  ])('when the file has %s (%s), then nothing is flagged', (_what, names) => {
    for (const size of [1, 2, 5, 1000]) expect(scan(`%PDF-1.4\n<< ${names} >>\n`, size)).toEqual([]);
  });

  it('when escaped short names end the file, then they still count', () => {
    expect(scan('%PDF-1.4\n<< /#4a#53', 3)).toEqual(['pdf_javascript']);
    expect(scan('%PDF-1.4\n<< /A#41', 1)).toEqual(['pdf_additional_actions']);
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
