import type { IndexItem } from '../../server/exports/index-files';

/** Index items and a CSV reader for the export tests. */

/** A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF rows), to read our files back. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  for (; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 1; } else cell += c;
  }
  if (cell !== '' || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

/** An index item (produced, four pages) with any field overridden. */
export function item(over: Partial<IndexItem> = {}): IndexItem {
  return {
    begBates: 'DHS20170037000001', endBates: 'DHS20170037000004', pages: 4, trackingNumber: 'DHS-2017-0037-000001', organization: 'Acme LLC',
    filedAt: '2026-11-30T12:00:00.000Z', kind: 'response', title: 'Exhibit A', documentName: 'exhibit-a.pdf', mediaType: 'application/pdf',
    bytes: 1234, sha256Original: 'a'.repeat(64), sha256Produced: 'b'.repeat(64), confidentiality: 'public', late: false, disposition: 'sustained',
    status: 'produced', producedPath: 'submissions/DHS-2017-0037-000001/001-exhibit-a.pdf', nativePath: null,
    textPath: 'submissions/DHS-2017-0037-000001/argument.txt', reason: null, ...over,
  };
}
