import { DAT_FIELDS, datFile, datValue, optFile } from '../../server/exports/load-files';
import { item } from '../helpers/export-items';

/**
 * The load files (issue 10): Concordance DAT (þ quote, ASCII 20 separator, UTF-8, header row) and
 * the Opticon page cross-reference, read back the way a review platform reads them.
 */

/** Reads a DAT as a loader does: rows split on CRLF, fields on þ ASCII-20 þ, the outer þ stripped, þþ back to þ. */
function parseDat(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  const body = text.slice(1, -2);
  return body.split('\r\n').map((line) => {
    expect(line.startsWith('\u00fe') && line.endsWith('\u00fe')).toBe(true);
    // Split on separators outside quotes: a separator never occurs inside a value.
    return line.slice(1, -1).split('\u00fe\u0014\u00fe').map((v) => v.replace(/\u00fe\u00fe/g, '\u00fe'));
  });
}

describe('record.dat', () => {
  it('when written, then it has a BOM, the header row of the eleven fields, and one row per produced item in order, withheld ones left out', () => {
    const items = [
      item(),
      item({ begBates: 'DHS20170037000005', endBates: 'DHS20170037000005', pages: 1, status: 'withheld', producedPath: null, sha256Produced: null }),
      item({
        begBates: 'DHS20170037000006', endBates: 'DHS20170037000006', pages: 1, status: 'slip_sheet', trackingNumber: null, organization: null, filedAt: null,
        kind: 'notice', producedPath: 'notice/001-map.png.slip.pdf', nativePath: 'notice/001-map.png', textPath: null, sha256Produced: 'c'.repeat(64),
      }),
    ];
    const rows = parseDat(datFile(items));
    expect(rows[0]).toEqual([...DAT_FIELDS]);
    expect(rows).toHaveLength(3);
    const rec = (r: string[]) => Object.fromEntries(DAT_FIELDS.map((f, i) => [f, r[i]]));
    expect(rec(rows[1]!)).toEqual({
      BEGBATES: 'DHS20170037000001', ENDBATES: 'DHS20170037000004', TRACKING: 'DHS-2017-0037-000001', CUSTODIAN: 'Acme LLC',
      DATEFILED: '2026-11-30T12:00:00.000Z', TITLE: 'Exhibit A', FILENAME: 'exhibit-a.pdf', SHA256: 'b'.repeat(64), CONFIDENTIALITY: 'public',
      NATIVEPATH: '', TEXTPATH: 'submissions/DHS-2017-0037-000001/argument.txt',
    });
    expect(rec(rows[2]!)).toMatchObject({ BEGBATES: 'DHS20170037000006', TRACKING: '', CUSTODIAN: '', NATIVEPATH: 'notice/001-map.png' });
  });

  it('when values hold þ, ASCII 20, other control characters or line breaks, then every row still has eleven fields and the value reads back as documented', () => {
    const hostile = 'þorn\u0014sep\r\nnext\nline\rcr\u2028ls\u0000nul';
    const rows = parseDat(datFile([item({ title: hostile, documentName: 'þþ.pdf', organization: '\u0014' })]));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveLength(DAT_FIELDS.length);
    expect(rows[1]![5]).toBe('þorn sep®next®line®cr®ls nul');
    expect(rows[1]![6]).toBe('þþ.pdf');
    expect(rows[1]![3]).toBe(' ');
    expect(datValue(null)).toBe('');
    expect(datValue(12)).toBe('12');
  });

  it('when names hold any Unicode, then it is UTF-8 and the value is kept', () => {
    const rows = parseDat(Buffer.from(datFile([item({ documentName: '中文 😀 Ünïcödé.pdf' })]), 'utf8').toString('utf8'));
    expect(rows[1]![6]).toBe('中文 😀 Ünïcödé.pdf');
  });
});

/** Reads an OPT: one page per CRLF line, seven comma-separated fields. */
const parseOpt = (text: string) => {
  expect(text.endsWith('\r\n')).toBe(true);
  return text.slice(0, -2).split('\r\n').map((l) => l.split(','));
};

describe('record.opt', () => {
  it('when written, then there is one line per page, the first page of each document has Y and its page count, withheld items have none', () => {
    const lines = parseOpt(optFile([
      item({ begBates: 'DHS20170037000001', endBates: 'DHS20170037000003', pages: 3, producedPath: 'submissions/T-1/001-a.pdf' }),
      item({ begBates: 'DHS20170037000004', endBates: 'DHS20170037000004', pages: 1, status: 'withheld', producedPath: null }),
      item({ begBates: 'DHS20170037000005', endBates: 'DHS20170037000005', pages: 1, status: 'slip_sheet', producedPath: 'submissions/T-1/002-b.png.slip.pdf' }),
    ]));
    expect(lines).toEqual([
      ['DHS20170037000001', 'VOL001', 'submissions/T-1/001-a.pdf', 'Y', '', '', '3'],
      ['DHS20170037000002', 'VOL001', 'submissions/T-1/001-a.pdf', '', '', '', ''],
      ['DHS20170037000003', 'VOL001', 'submissions/T-1/001-a.pdf', '', '', '', ''],
      ['DHS20170037000005', 'VOL001', 'submissions/T-1/002-b.png.slip.pdf', 'Y', '', '', '1'],
    ]);
    expect(optFile([item({ pages: 4 })], { volume: 'DHS20170037' }).split('\r\n')[0]).toContain(',DHS20170037,');
  });

  it('when a path holds a comma or a range does not fit its page count, then it refuses rather than write a line a loader would misread', () => {
    expect(() => optFile([item({ producedPath: 'a,b.pdf' })])).toThrow(/comma/);
    expect(() => optFile([item({ pages: 3 })])).toThrow(/do not fit/);
    expect(() => optFile([item({ producedPath: null })])).toThrow(/no produced path/);
  });
});
