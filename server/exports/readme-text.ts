import type { ProductionHeader } from './index-files';

/**
 * README.txt of a production: what is inside (the layout of EXPORT.md) and how to check it with
 * standard tools. Plain ASCII apart from the data it quotes, CRLF-free (LF), wrapped at 80 columns
 * by hand.
 */
export interface ReadmeModel extends ProductionHeader {
  /** First and last Bates labels of the production (null when the record has no documents). */
  firstBates: string | null;
  lastBates: string | null;
  counts: { items: number; produced: number; slipSheets: number; withheld: number; submissions: number };
  auditHeadHash: string;
  auditHeadSeq?: number;
  /** The archive's file name, for the commands (default production.zip). */
  fileName?: string;
  /** The command line of the independent audit check (step 5); `python3 verify_audit.py production FILE` by default. */
  auditVerifyCommand?: string;
}

export function readmeText(m: ReadmeModel): string {
  const zip = m.fileName ?? 'production.zip';
  const scope = m.scope === 'public'
    ? 'PUBLIC production: material designated confidential is NOT included. Each confidential\n'
      + 'document keeps its row in the index (status "withheld") and its Bates numbers, so the\n'
      + 'numbering has no gap; it is also listed in withheld-log.csv.'
    : 'CONFIDENTIAL production: includes material designated confidential. Its pages carry the\n'
      + 'legend "CONFIDENTIAL - SUBJECT TO PROTECTIVE ORDER"; handle it accordingly.';
  const range = m.firstBates && m.lastBates ? `${m.firstBates} through ${m.lastBates}` : 'none (the record has no documents)';
  return `ADMINISTRATIVE RECORD PRODUCTION
Proceeding:   ${m.docket}
Title:        ${m.title}
Export:       ${m.exportId}
Generated:    ${m.generatedAt}
Bates:        ${range} (prefix ${m.batesPrefix}, six digits)
Items:        ${m.counts.items} documents (${m.counts.produced} produced as Bates-stamped PDF,
              ${m.counts.slipSheets} produced natively behind a slip sheet, ${m.counts.withheld} withheld)
              from ${m.counts.submissions} submissions
Audit head:   ${m.auditHeadSeq !== undefined ? `event ${m.auditHeadSeq}, ` : ''}hash ${m.auditHeadHash}

${scope}

WHAT IS INSIDE
  README.txt            this file
  index.csv             one row per document of the record: Bates range, tracking number,
  index.json            organization, filed time, kind, title, document name, media type,
                        bytes, SHA-256 of the original and of the produced file,
                        confidentiality, late flag, disposition, status and paths.
                        index.csv holds the same columns; a cell that a spreadsheet would
                        take as a formula starts with an apostrophe (').
  submissions/<tracking number>/
    submission.json     every field of the submission as filed
    argument.txt        the argument as text
    <NNN>-<name>        each document as produced: a PDF with every page stamped with its
                        Bates number (and, for confidential material, the legend); or, for
                        a file that is not a PDF or cannot be read as one, a one-page slip
                        sheet PDF carrying the Bates number and saying why, with the file
                        itself unchanged beside it (index: producedPath is the slip sheet,
                        nativePath the file)
  notice/notice.txt     the notice, and notice/<NNN>-<name> the documents respondents saw
  loadfiles/record.dat  Concordance load file (UTF-8 with BOM; fields quoted with U+00FE,
                        separated by U+0014; a line break inside a value is written as
                        U+00AE; fields BEGBATES ENDBATES TRACKING CUSTODIAN DATEFILED TITLE
                        FILENAME SHA256 CONFIDENTIALITY NATIVEPATH TEXTPATH)
  loadfiles/record.opt  Opticon page cross-reference, one line per page
  dispositions.csv      the dispositions issued in the proceeding
  withheld-log.csv      what is withheld and why: date, author, type, description, basis
                        (deliberative material such as internal notes and draft dispositions)
  audit/audit-log.jsonl the audit events about this proceeding, with their chain fields
  audit/chain.jsonl     seq, prevHash and hash of every audit event up to the head, so the
                        included events can be checked against the whole chain
  audit/head.json       the chain head at export time (also in index.json)
  certified-index.pdf   the certified index of the administrative record, signed off by the
                        certifying official
  MANIFEST.sha256       the SHA-256 of every other file (the last entry of the archive)

Paths inside are relative, ASCII and use forward slashes; a vendor's file name is kept in the
index, and shortened or replaced by safe characters in the path.

HOW TO VERIFY
  1. The archive is intact (every entry's CRC):
         unzip -t ${zip}
  2. Every file is the one produced (run in the folder the archive was unpacked to):
         unzip ${zip} -d production && cd production
         sha256sum -c MANIFEST.sha256
     Every line must say OK. On macOS: shasum -a 256 -c MANIFEST.sha256
  3. A produced document is the filed one: for a slip-sheeted item the native file's SHA-256
     equals sha256Original in the index; for a stamped PDF, sha256Original is the filed PDF's
     hash (kept by the agency) and sha256Produced the stamped file's.
  4. With the portal's command line, all of the above plus Bates continuity (the ranges in the
     index, sorted, follow on without gap or overlap) and the audit chain:
         portal export verify ${zip}
     It exits 0 when everything checks, and otherwise names the file or Bates number at fault.
  5. The audit chain, independently of the portal (Python 3.6+, standard library only): the
     verifier published with the portal (docs/verify_audit.py) recomputes each event of
     audit/audit-log.jsonl (RFC 8785 canonical JSON, SHA-256; see docs/audit.md), matches it
     against audit/chain.jsonl and follows the links to the head hash above:
         ${m.auditVerifyCommand ?? `python3 verify_audit.py production ${zip}`}
`;
}
