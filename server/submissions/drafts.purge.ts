import type { Db } from '../db/database';
import { SYSTEM_CONTEXT, recordAudit } from '../audit/audit.service';
import { LEGAL_HOLD_SQLSTATE } from '../db/legal-hold-tables';
import { ContentStore } from '../documents/content-store';
import {
  abandonedDrafts, countHeldAbandonedDrafts, deleteDraft, draftDocuments, lockAbandonedDraft, type PurgeKey,
} from './drafts-purge.repository';

/** What one purge pass did (logged by the job, asserted by the tests). */
export interface PurgeReport {
  purged: number;
  documents: number;
  filesRemoved: number;
  /** Abandoned drafts left alone because their proceeding is under a legal hold. */
  heldSkipped: number;
  /** Drafts that were being edited, or that something still refers to: tried again next pass. */
  busySkipped: number;
}

export interface PurgeOptions {
  /** DRAFT_RETENTION_DAYS: a draft untouched (no edit, no upload) for this long is abandoned. */
  retentionDays: number;
  uploadsDir: string;
  now?: Date;
  /** Drafts read per query. */
  batch?: number;
}

const DAY_MS = 86_400_000;
type Outcome = { purged: true; documents: number; keys: string[] } | { purged: false; held: boolean };

/**
 * The retention job for drafts (docs/legal-hold.md): deletes drafts nobody touched for the
 * retention period, with their documents and then their files (unless another row shares the
 * content). Never filed material (the freeze triggers refuse it anyway) and never anything of a
 * proceeding under a legal hold: those drafts are not selected, and if a hold is placed while the
 * pass runs the database refuses the delete (VPH01) and the draft is counted as held.
 * Each draft goes in a transaction of its own with its `submission.draft_purged` audit event.
 */
export async function purgeAbandonedDrafts(db: Db, opts: PurgeOptions): Promise<PurgeReport> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.retentionDays * DAY_MS);
  const store = new ContentStore(opts.uploadsDir);
  const report: PurgeReport = { purged: 0, documents: 0, filesRemoved: 0, heldSkipped: await countHeldAbandonedDrafts(db, cutoff), busySkipped: 0 };
  const batch = opts.batch ?? 100;
  let after: PurgeKey | undefined;
  for (;;) {
    const drafts = await abandonedDrafts(db, cutoff, after, batch);
    for (const d of drafts) {
      const outcome = await purgeOne(db, d.id, cutoff, opts.retentionDays);
      if (outcome.purged) {
        report.purged += 1;
        report.documents += outcome.documents;
        // After the commit, under each key's lock; a failure leaves an orphan for the hourly sweep.
        for (const key of outcome.keys) if (await store.removeIfUnreferenced(db, key).catch(() => false)) report.filesRemoved += 1;
      } else if (outcome.held) report.heldSkipped += 1;
      else report.busySkipped += 1;
    }
    const last = drafts.at(-1);
    if (!last || drafts.length < batch) return report;
    after = { updatedAt: last.updated_at, id: last.id };
  }
}

async function purgeOne(db: Db, id: string, cutoff: Date, retentionDays: number): Promise<Outcome> {
  try {
    return await db.transaction().execute(async (trx): Promise<Outcome> => {
      const draft = await lockAbandonedDraft(trx, id, cutoff);
      if (!draft) return { purged: false, held: false };
      const docs = await draftDocuments(trx, id);
      await deleteDraft(trx, id);
      await recordAudit(trx, SYSTEM_CONTEXT, {
        action: 'submission.draft_purged', subjectType: 'submission', subjectId: id,
        data: {
          docket: draft.docket, organizationId: draft.organization_id, kind: draft.kind, title: draft.title,
          createdAt: draft.created_at.toISOString(), lastTouchedBefore: cutoff.toISOString(), retentionDays,
          documents: docs.map((d) => ({ id: d.id, label: d.label, originalName: d.original_name, sha256: d.sha256, size: Number(d.size) })),
        },
      });
      return { purged: true, documents: docs.length, keys: [...new Set(docs.map((d) => d.storage_key))] };
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === LEGAL_HOLD_SQLSTATE) return { purged: false, held: true };
    // 23503: another row still refers to the draft (nothing should); keep it and say so in the report.
    if (code === '23503') return { purged: false, held: false };
    throw err;
  }
}
