import type { Db, DbOrTrx } from '../db/database';
import { GENESIS_HASH } from '../audit/audit.chain';
import { canonicalJson } from '../audit/canonical-json';
import { chainHead, chainTextAfter, proceedingEventsAfter } from './audit-export.repository';
import type { ZipWriter } from './zip-writer';

/**
 * The audit files of a production (docs/export-format.md "Audit files"):
 *
 * - `audit/audit-log.jsonl`: one line per event about the proceeding, oldest first, in the shape
 *   `GET /api/v1/audit` returns (the hashed fields plus `prevHash` and `hash`), canonical JSON.
 * - `audit/chain.jsonl`: `{"hash","prevHash","seq"}` for EVERY event from 1 to the head, so each
 *   event above can be recomputed and the links followed to the head.
 * - `audit/head.json`: `{"at","hash","seq"}`, the head read when the export began.
 *
 * Withheld (listed in chain.jsonl only, and returned in `withheld` for withheld-log.csv), because
 * the event itself would reveal deliberative or confidential material:
 * - `note.added`: an internal note (its data holds the body's SHA-256 and length; a short note's
 *   hash can be guessed, and the note's existence and timing are the deliberation);
 * - `disposition.drafted`, `disposition.updated`, `disposition.approved`: a draft disposition's
 *   outcome before it was issued (pre-decisional); the issued one (`disposition.issued`,
 *   `disposition.superseded`) is produced;
 * - `findings.saved`: the reviewers' ruling on each argument (the findings are withheld as
 *   deliberative material in withheld-log.csv, so their rulings must not come out through the trail);
 * - in a public production, every event whose subject is a confidential document (its name,
 *   label and description are in the upload event).
 * An event is withheld whole, never edited: an edited event would no longer hash to its chain
 * entry, and the chain entry alone still proves where it stood and that it was not changed.
 *
 * Rows are read in keyset batches by seq, up to the head fixed first; nothing holds more than a batch.
 */

export const AUDIT_LOG_PATH = 'audit/audit-log.jsonl';
export const CHAIN_PATH = 'audit/chain.jsonl';
export const HEAD_PATH = 'audit/head.json';

const EVENT_BATCH = 2_000;
const CHAIN_BATCH = 20_000;

export const DELIBERATIVE_BASES: Readonly<Record<string, string>> = {
  'note.added': 'Deliberative process: internal staff note',
  'disposition.drafted': 'Deliberative process: draft disposition (pre-decisional)',
  'disposition.updated': 'Deliberative process: draft disposition (pre-decisional)',
  'disposition.approved': 'Deliberative process: draft disposition (pre-decisional)',
  'findings.saved': 'Deliberative process: reviewer findings on the arguments (pre-decisional)',
};
export const CONFIDENTIAL_BASIS = 'Confidential business information: event about a confidential document, not in the public production';

/** An audit event left out of audit-log.jsonl; its seq and hash are in chain.jsonl. */
export interface WithheldEvent {
  seq: number;
  hash: string;
  occurredAt: string;
  action: string;
  actorId: string | null;
  actorRole: string | null;
  subjectType: string | null;
  subjectId: string | null;
  basis: string;
}

export interface AuditFilesResult {
  headSeq: number;
  headHash: string;
  /** Events written to audit-log.jsonl. */
  events: number;
  /** Events about the proceeding left out, with the basis (for withheld-log.csv). */
  withheld: WithheldEvent[];
  /** When the head was read (head.json `at`). */
  at: string;
}

export interface AuditFilesOptions {
  /** 'public' (the default, the safe one) also withholds events about confidential documents. */
  scope?: 'public' | 'confidential';
  /** Modification time of the three entries (default: when the head was read). */
  mtime?: Date;
}

/** Why an event is withheld, or null when it is produced. */
export function withholdingBasis(action: string, confidentialDocument: boolean, scope: 'public' | 'confidential'): string | null {
  return DELIBERATIVE_BASES[action] ?? (scope === 'public' && confidentialDocument ? CONFIDENTIAL_BASIS : null);
}

/** Writes the three audit files of `proceedingId` into `zip` (the head is read first and bounds both files). */
export async function writeAuditFiles(db: Db, proceedingId: string, zip: ZipWriter, opts: AuditFilesOptions = {}): Promise<AuditFilesResult> {
  const scope = opts.scope ?? 'public';
  const read = await chainHead(db);
  const head = { seq: read.seq, hash: read.hash ?? GENESIS_HASH };
  const at = new Date();
  const mtime = opts.mtime ?? at;
  const withheld: WithheldEvent[] = [];
  let events = 0;

  await zip.add(AUDIT_LOG_PATH, (async function* eventLines(conn: DbOrTrx) {
    let after = 0;
    for (;;) {
      const rows = await proceedingEventsAfter(conn, proceedingId, after, head.seq, EVENT_BATCH);
      const lines: string[] = [];
      for (const r of rows) {
        const event = {
          seq: Number(r.seq), occurredAt: r.occurred_at.toISOString(), actorId: r.actor_id, actorRole: r.actor_role,
          action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, requestId: r.request_id,
          ip: r.ip, userAgent: r.user_agent, data: r.data, prevHash: r.prev_hash, hash: r.hash,
        };
        const basis = withholdingBasis(r.action, r.confidential_document, scope);
        if (basis) {
          withheld.push({ seq: event.seq, hash: r.hash, occurredAt: event.occurredAt, action: r.action, actorId: r.actor_id,
            actorRole: r.actor_role, subjectType: r.subject_type, subjectId: r.subject_id, basis });
        } else {
          lines.push(`${canonicalJson(event)}\n`);
          events += 1;
        }
      }
      if (lines.length) yield Buffer.from(lines.join(''), 'utf8');
      if (rows.length < EVENT_BATCH) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  })(db), { mtime });

  await zip.add(CHAIN_PATH, (async function* chainLines(conn: DbOrTrx) {
    let after = 0;
    while (after < head.seq) {
      const batch = await chainTextAfter(conn, after, head.seq, CHAIN_BATCH);
      if (batch.last === null) return;
      yield Buffer.from(batch.text, 'utf8');
      after = batch.last;
    }
  })(db), { mtime });

  await zip.add(HEAD_PATH, `${canonicalJson({ seq: head.seq, hash: head.hash, at: at.toISOString() })}\n`, { mtime });
  return { headSeq: head.seq, headHash: head.hash, events, withheld, at: at.toISOString() };
}
