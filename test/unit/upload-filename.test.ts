import { attachmentHeader, sanitizeFilename } from '../../server/documents/filename';

describe('hostile file names are kept as data', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['/etc/shadow', 'shadow'],
    ['C:\\Users\\x\\evidence.pdf', 'evidence.pdf'],
    ['evil\0.pdf', 'evil.pdf'],
    ['line\r\nbreak.pdf', 'linebreak.pdf'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['..', 'unnamed'],
    ['', 'unnamed'],
    ['   ', 'unnamed'],
    ['CON', 'CON'],
    ['say "hi".pdf', 'say "hi".pdf'],
  ])('when the client names the file %j, then the stored name is %j', (raw, stored) => {
    expect(sanitizeFilename(raw)).toBe(stored);
  });

  it('when NFC and NFD spellings of a name arrive, then both are stored identically (NFC)', () => {
    const nfc = 'Re\u0301sume\u0301.pdf'.normalize('NFC');
    expect(sanitizeFilename('Re\u0301sume\u0301.pdf')).toBe(nfc);
    expect(sanitizeFilename(nfc)).toBe(nfc);
  });

  it('when the name is 300 characters long, then it is cut to 255 with the extension kept', () => {
    const name = sanitizeFilename(`${'a'.repeat(296)}.pdf`);
    expect([...name]).toHaveLength(255);
    expect(name.endsWith('.pdf')).toBe(true);
  });

  it('when a name has astral characters, then the cut never splits one', () => {
    const name = sanitizeFilename(`${'🙂'.repeat(300)}.pdf`);
    expect(name).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('Content-Disposition for downloads (RFC 6266)', () => {
  it.each([
    ['plain.pdf', 'attachment; filename="plain.pdf"; filename*=UTF-8\'\'plain.pdf'],
    ['Résumé (final).pdf', 'attachment; filename="Resume (final).pdf"; filename*=UTF-8\'\'R%C3%A9sum%C3%A9%20%28final%29.pdf'],
    ['say "hi";x=1.pdf', 'attachment; filename="say _hi__x=1.pdf"; filename*=UTF-8\'\'say%20%22hi%22%3Bx%3D1.pdf'],
    ['CON.pdf', 'attachment; filename="_CON.pdf"; filename*=UTF-8\'\'CON.pdf'],
    ['日本語.pdf', 'attachment; filename="___.pdf"; filename*=UTF-8\'\'%E6%97%A5%E6%9C%AC%E8%AA%9E.pdf'],
  ])('when the stored name is %j, then the header is %s', (name, header) => {
    expect(attachmentHeader(name)).toBe(header);
  });

  it('when a name somehow still carries CR, LF, quotes or backslashes, then none reaches the header', () => {
    const header = attachmentHeader('a\r\nSet-Cookie: x=1\\"\u202e.pdf');
    expect(header).not.toMatch(/[\r\n\u202e]/);
    expect(header.match(/"/g)).toHaveLength(2);
    expect(header).not.toContain('\\');
  });
});
