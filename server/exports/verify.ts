import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GENESIS_HASH, chainHash, type ChainedEvent } from '../audit/audit.chain';
import { AUDIT_LOG_PATH, CHAIN_PATH, HEAD_PATH } from './audit-files';
import { MANIFEST_NAME, parseManifestLine } from './manifest';
import { ZipReader, UnreadableArchiveError, type ZipEntryInfo } from './zip-reader';
import { unsafeNameReason } from './zip-writer';

export { UnreadableArchiveError };

/**
 * `portal export verify FILE` (docs/export-format.md "Verifying"): re-checks a production with
 * nothing but the file.
 *
 * 1. Every entry is streamed once (never the archive whole) and hashed; its CRC-32 is checked
 *    against the directory, its SHA-256 against MANIFEST.sha256. Changed, missing (in the
 *    manifest, not in the archive) and extra (in the archive, not in the manifest) files are named.
 * 2. index.json: Bates ranges well formed with the production's prefix, pages = range length,
 *    and the ranges, sorted, follow on from the lowest without gap or overlap (the first number
 *    missing or claimed twice is named); each item's produced/native/text file is in the archive
 *    and the produced file's SHA-256 is the one the index states.
 * 3. The audit files: every event in audit-log.jsonl recomputes to its hash (docs/audit.md) and
 *    matches chain.jsonl at its seq; chain.jsonl links from seq 1 (genesis) to head.json; and
 *    head.json's hash is index.json's auditHeadHash. The two JSONL files are read side by side as
 *    streams (both are in seq order), so a chain of millions of events needs no memory.
 */

export interface Problem { file?: string; bates?: string; message: string }
export interface VerifyReport {
  ok: boolean;
  problems: Problem[];
  checked: { files: number; items: number; auditEvents: number };
}

const INDEX_PATH = 'index.json';
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const MAX_INDEX_BYTES = 256 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;
/** Beyond this many problems of one kind the rest are counted, not listed. */
const MAX_LISTED = 200;

/** Verifies the production at `file`; throws UnreadableArchiveError when it is not a ZIP that can be read at all. */
export async function verifyProduction(file: string): Promise<VerifyReport> {
  const zip = await ZipReader.open(file);
  const problems: Problem[] = [];
  const byName = new Map<string, ZipEntryInfo>();
  // Directory entries (a name ending in "/", no data), which other tools add when re-zipping, hold no file.
  const isDirectory = (e: ZipEntryInfo) => e.name.endsWith('/') && e.size === 0;
  const entries = zip.entries.filter((e) => !isDirectory(e));
  for (const e of zip.entries) {
    const why = unsafeNameReason(isDirectory(e) ? e.name.slice(0, -1) : e.name);
    if (why) problems.push({ file: e.name, message: `unsafe entry name: ${why}` });
    if (byName.has(e.name)) problems.push({ file: e.name, message: 'the archive holds two entries of this name' });
    if (!isDirectory(e)) byName.set(e.name, e);
  }

  const manifest = await readManifest(zip, byName.get(MANIFEST_NAME), problems);
  const hashes = new Map<string, string>();
  let files = 0;
  for (const e of entries) {
    if (e.name === MANIFEST_NAME) continue;
    let digest: string;
    try {
      digest = await sha256Of(await zip.stream(e));
    } catch (err) {
      problems.push({ file: e.name, message: `unreadable: ${(err as Error).message}` });
      continue;
    }
    files += 1;
    hashes.set(e.name, digest);
    if (!manifest) continue;
    const listed = manifest.get(e.name);
    if (listed === undefined) problems.push({ file: e.name, message: `extra file: in the archive but not in ${MANIFEST_NAME}` });
    else if (listed !== digest) problems.push({ file: e.name, message: `changed: its SHA-256 is ${digest}, ${MANIFEST_NAME} says ${listed}` });
  }
  if (manifest) {
    for (const name of manifest.keys()) {
      if (!byName.has(name)) problems.push({ file: name, message: `missing: listed in ${MANIFEST_NAME} but not in the archive` });
    }
  }

  const index = await readJson(zip, byName.get(INDEX_PATH), INDEX_PATH, MAX_INDEX_BYTES, problems);
  const items = index ? checkIndex(index, byName, hashes, problems) : 0;
  const auditEvents = await checkAudit(zip, byName, index, problems);
  return { ok: problems.length === 0, problems: capped(problems), checked: { files, items, auditEvents } };
}

/** At most MAX_LISTED problems with the same message start, then one line saying how many more. */
function capped(problems: Problem[]): Problem[] {
  const seen = new Map<string, number>();
  const out: Problem[] = [];
  for (const p of problems) {
    const kind = p.message.split(':')[0]!;
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    if (n <= MAX_LISTED) out.push(p);
  }
  for (const [kind, n] of seen) if (n > MAX_LISTED) out.push({ message: `${n - MAX_LISTED} more problems of the kind "${kind}" not listed` });
  return out;
}

async function sha256Of(stream: Readable): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function readManifest(zip: ZipReader, entry: ZipEntryInfo | undefined, problems: Problem[]): Promise<Map<string, string> | null> {
  if (!entry) {
    problems.push({ file: MANIFEST_NAME, message: 'missing: the archive has no manifest; no file could be checked against it' });
    return null;
  }
  let text: string;
  try {
    text = (await zip.read(entry, MAX_MANIFEST_BYTES)).toString('utf8');
  } catch (err) {
    problems.push({ file: MANIFEST_NAME, message: `unreadable: ${(err as Error).message}` });
    return null;
  }
  const listed = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const parsed = parseManifestLine(line);
    if ('error' in parsed) problems.push({ file: MANIFEST_NAME, message: `line ${i + 1}: ${parsed.error}` });
    else if (listed.has(parsed.path)) problems.push({ file: MANIFEST_NAME, message: `line ${i + 1}: ${parsed.path} is listed twice` });
    else listed.set(parsed.path, parsed.sha256);
  });
  return listed;
}

async function readJson(zip: ZipReader, entry: ZipEntryInfo | undefined, name: string, max: number, problems: Problem[]): Promise<Record<string, unknown> | null> {
  if (!entry) {
    problems.push({ file: name, message: 'missing: the archive has no such file' });
    return null;
  }
  try {
    const value: unknown = JSON.parse((await zip.read(entry, max)).toString('utf8'));
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    problems.push({ file: name, message: `unreadable: ${(err as Error).message}` });
    return null;
  }
}

// ---- index.json: Bates continuity and the files it names -------------------------------------------

interface Range { first: number; last: number; item: number }

const label = (prefix: string, n: number) => `${prefix}${String(n).padStart(6, '0')}`;

/** Checks the index; returns the number of items read. */
export function checkIndex(index: Record<string, unknown>, byName: Map<string, unknown>, hashes: Map<string, string>, problems: Problem[]): number {
  const at = (i: number) => `${INDEX_PATH} item ${i + 1}`;
  if (index['format'] !== 'vrp-production/1') problems.push({ file: INDEX_PATH, message: `format is ${JSON.stringify(index['format'])}, expected "vrp-production/1"` });
  const prefix = typeof index['batesPrefix'] === 'string' ? index['batesPrefix'] : '';
  if (!prefix) problems.push({ file: INDEX_PATH, message: 'batesPrefix is missing' });
  const items = Array.isArray(index['items']) ? (index['items'] as unknown[]) : null;
  if (!items) {
    problems.push({ file: INDEX_PATH, message: 'items is missing or not a list' });
    return 0;
  }
  const number = (v: unknown): number | null => {
    if (typeof v !== 'string' || !v.startsWith(prefix)) return null;
    const digits = v.slice(prefix.length);
    return /^\d{6,}$/.test(digits) ? Number(digits) : null;
  };
  const ranges: Range[] = [];
  items.forEach((raw, i) => {
    const item = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const first = number(item['begBates']);
    const last = number(item['endBates']);
    if (first === null || last === null) {
      problems.push({ file: INDEX_PATH, bates: String(item['begBates'] ?? ''), message: `${at(i)}: begBates/endBates ${JSON.stringify(item['begBates'])}..${JSON.stringify(item['endBates'])} are not ${prefix} and six digits` });
      return;
    }
    if (last < first) {
      problems.push({ file: INDEX_PATH, bates: label(prefix, first), message: `${at(i)}: endBates ${label(prefix, last)} is before begBates ${label(prefix, first)}` });
      return;
    }
    if (item['pages'] !== undefined && item['pages'] !== last - first + 1) {
      problems.push({ file: INDEX_PATH, bates: label(prefix, first), message: `${at(i)}: ${String(item['pages'])} pages but the range ${label(prefix, first)}-${label(prefix, last)} holds ${last - first + 1} numbers` });
    }
    ranges.push({ first, last, item: i });
    checkItemFiles(item, at(i), label(prefix, first), byName, hashes, problems);
  });
  ranges.sort((a, b) => a.first - b.first || a.last - b.last);
  for (let k = 1; k < ranges.length; k += 1) {
    const prev = ranges[k - 1]!;
    const next = ranges[k]!;
    if (next.first > prev.last + 1) {
      const gap = next.first - 1 > prev.last + 1 ? `${label(prefix, prev.last + 1)}-${label(prefix, next.first - 1)}` : label(prefix, prev.last + 1);
      problems.push({ file: INDEX_PATH, bates: label(prefix, prev.last + 1), message: `Bates gap: ${gap} missing (between ${at(prev.item)} and ${at(next.item)})` });
    } else if (next.first <= prev.last) {
      problems.push({ file: INDEX_PATH, bates: label(prefix, next.first), message: `Bates overlap: ${label(prefix, next.first)} is in both ${at(prev.item)} and ${at(next.item)}` });
    }
  }
  return items.length;
}

function checkItemFiles(item: Record<string, unknown>, where: string, bates: string, byName: Map<string, unknown>, hashes: Map<string, string>, problems: Problem[]) {
  const status = item['status'];
  if (!['produced', 'slip_sheet', 'withheld'].includes(String(status))) {
    problems.push({ file: INDEX_PATH, bates, message: `${where}: status ${JSON.stringify(status)} is not produced, slip_sheet or withheld` });
  }
  const named = (key: string) => (typeof item[key] === 'string' && item[key] !== '' ? (item[key] as string) : null);
  const produced = named('producedPath');
  if (status === 'withheld') {
    if (produced) problems.push({ file: produced, bates, message: `${where}: withheld, yet it names a produced file` });
  } else if (!produced) {
    problems.push({ file: INDEX_PATH, bates, message: `${where}: ${String(status)} but no producedPath` });
  }
  for (const key of ['producedPath', 'nativePath', 'textPath']) {
    const p = named(key);
    if (p && !byName.has(p)) problems.push({ file: p, bates, message: `${where}: ${key} names a file that is not in the archive` });
  }
  const check = (p: string | null, key: string) => {
    const expected = item[key];
    const actual = p ? hashes.get(p) : undefined;
    if (p && actual && typeof expected === 'string' && HEX64.test(expected) && actual !== expected) {
      problems.push({ file: p, bates, message: `${where}: the file's SHA-256 is ${actual}, the index's ${key} is ${expected}` });
    }
  };
  check(produced, 'sha256Produced');
  check(named('nativePath'), 'sha256Original');
}

// ---- The audit files --------------------------------------------------------------------------------

/** The lines of a stream (UTF-8, '\n'-separated, a final line without '\n' included), pulled one at a time. */
async function* lines(stream: Readable): AsyncGenerator<string> {
  let rest = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) {
    rest += chunk;
    let nl = rest.indexOf('\n');
    let from = 0;
    while (nl >= 0) {
      yield rest.slice(from, nl);
      from = nl + 1;
      nl = rest.indexOf('\n', from);
    }
    rest = rest.slice(from);
  }
  if (rest !== '') yield rest;
}

const FIELDS = ['seq', 'occurredAt', 'actorId', 'actorRole', 'action', 'subjectType', 'subjectId', 'requestId', 'ip', 'userAgent', 'data'] as const;

interface LogEvent { line: number; seq: number; prevHash: string; hash: string }

/** The next event of audit-log.jsonl that parses and recomputes to its hash; bad ones are reported and skipped. */
async function nextEvent(log: AsyncGenerator<string>, state: { line: number; lastSeq: number; count: number }, problems: Problem[]): Promise<LogEvent | null> {
  for (;;) {
    const next = await log.next();
    if (next.done) return null;
    state.line += 1;
    if (next.value.trim() === '') continue;
    const where = `line ${state.line}`;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(next.value) as Record<string, unknown>;
      if (!row || typeof row !== 'object' || Array.isArray(row)) throw new Error('not a JSON object');
    } catch (err) {
      problems.push({ file: AUDIT_LOG_PATH, message: `${where}: unreadable: ${(err as Error).message}` });
      continue;
    }
    const seq = row['seq'];
    if (!Number.isSafeInteger(seq) || (seq as number) < 1 || typeof row['hash'] !== 'string' || typeof row['prevHash'] !== 'string'
      || FIELDS.some((f) => !(f in row))) {
      problems.push({ file: AUDIT_LOG_PATH, message: `${where}: not an audit event (seq, the hashed fields, prevHash and hash are needed)` });
      continue;
    }
    if ((seq as number) <= state.lastSeq) {
      problems.push({ file: AUDIT_LOG_PATH, message: `${where}: seq ${String(seq)} is out of order (after seq ${state.lastSeq})` });
      continue;
    }
    state.lastSeq = seq as number;
    state.count += 1;
    const event = Object.fromEntries(FIELDS.map((f) => [f, row[f]])) as unknown as ChainedEvent;
    let recomputed: string;
    try {
      recomputed = chainHash(row['prevHash'] as string, event);
    } catch (err) {
      problems.push({ file: AUDIT_LOG_PATH, message: `${where} (seq ${String(seq)}): cannot be hashed: ${(err as Error).message}` });
      continue;
    }
    if (recomputed !== row['hash']) {
      problems.push({ file: AUDIT_LOG_PATH, message: `${where}: audit event seq ${String(seq)} does not hash to its recorded hash: the event was altered` });
    }
    return { line: state.line, seq: seq as number, prevHash: row['prevHash'] as string, hash: row['hash'] as string };
  }
}

/** Checks audit-log.jsonl against chain.jsonl, chain.jsonl from genesis to head.json, and head.json against the index. */
async function checkAudit(zip: ZipReader, byName: Map<string, ZipEntryInfo>, index: Record<string, unknown> | null, problems: Problem[]): Promise<number> {
  const headJson = await readJson(zip, byName.get(HEAD_PATH), HEAD_PATH, 1 << 20, problems);
  const head = headJson && Number.isSafeInteger(headJson['seq']) && typeof headJson['hash'] === 'string'
    ? { seq: headJson['seq'] as number, hash: headJson['hash'] as string } : null;
  if (headJson && !head) problems.push({ file: HEAD_PATH, message: 'unreadable: seq and hash are needed' });
  if (head && index && index['auditHeadHash'] !== head.hash) {
    problems.push({ file: INDEX_PATH, message: `auditHeadHash ${JSON.stringify(index['auditHeadHash'])} is not the head in ${HEAD_PATH} (${head.hash})` });
  }
  const logEntry = byName.get(AUDIT_LOG_PATH);
  const chainEntry = byName.get(CHAIN_PATH);
  if (!logEntry) problems.push({ file: AUDIT_LOG_PATH, message: 'missing: the archive has no such file' });
  if (!chainEntry) {
    problems.push({ file: CHAIN_PATH, message: 'missing: the archive has no such file; the audit events cannot be linked to the head' });
    return 0;
  }
  let log: AsyncGenerator<string> | null = null;
  let chain: AsyncGenerator<string>;
  try {
    chain = lines(await zip.stream(chainEntry));
    if (logEntry) log = lines(await zip.stream(logEntry));
  } catch (err) {
    problems.push({ file: CHAIN_PATH, message: `unreadable: ${(err as Error).message}` });
    return 0;
  }
  const state = { line: 0, lastSeq: 0, count: 0 };
  const pull = async () => (log ? nextEvent(log, state, problems) : null);
  let event = await pull();
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let chainLine = 0;
  let broken = false;
  try {
    for await (const text of chain) {
      chainLine += 1;
      if (text.trim() === '') continue;
      let link: { seq?: unknown; prevHash?: unknown; hash?: unknown };
      try {
        link = JSON.parse(text) as typeof link;
      } catch {
        problems.push({ file: CHAIN_PATH, message: `line ${chainLine}: unreadable` });
        broken = true;
        break;
      }
      if (link.seq !== expectedSeq) {
        problems.push({ file: CHAIN_PATH, message: `line ${chainLine}: the chain is cut: expected seq ${expectedSeq}, found ${JSON.stringify(link.seq)}` });
        broken = true;
        break;
      }
      if (typeof link.hash !== 'string' || !HEX64.test(link.hash) || link.prevHash !== prev) {
        problems.push({ file: CHAIN_PATH, message: `line ${chainLine}: seq ${expectedSeq}'s prevHash is not the hash of seq ${expectedSeq - 1}: the chain is broken` });
        broken = true;
        break;
      }
      while (event && event.seq < expectedSeq) event = await pull(); // cannot happen in order; kept safe
      if (event && event.seq === expectedSeq) {
        if (event.hash !== link.hash || event.prevHash !== link.prevHash) {
          problems.push({ file: AUDIT_LOG_PATH, message: `line ${event.line}: audit event seq ${event.seq} does not match ${CHAIN_PATH} (hash or prevHash differs)` });
        }
        event = await pull();
      }
      prev = link.hash;
      expectedSeq += 1;
    }
  } catch (err) {
    problems.push({ file: CHAIN_PATH, message: `unreadable: ${(err as Error).message}` });
    broken = true;
  }
  const lastSeq = expectedSeq - 1;
  if (!broken && head) {
    if (lastSeq !== head.seq || (head.seq === 0 ? head.hash !== GENESIS_HASH : prev !== head.hash)) {
      problems.push({ file: CHAIN_PATH, message: `the chain ends at seq ${lastSeq} (${prev}), but ${HEAD_PATH} says seq ${head.seq} (${head.hash}): the chain is cut or the head is wrong` });
    }
  }
  // Whatever the chain did not reach: still hash-check the rest of the log, and say it is unlinked.
  while (event) {
    if (!broken) problems.push({ file: AUDIT_LOG_PATH, message: `line ${event.line}: audit event seq ${event.seq} is beyond the end of ${CHAIN_PATH} (seq ${lastSeq})` });
    event = await pull();
  }
  return state.count;
}
