import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import { recordAudit, type AuditContext } from '../audit/audit.service';
import { notFound } from '../http/errors';
import { discardStored, type ContentStore } from './content-store';
import { parseNoticeFields } from './documents.schemas';
import { noticeDocumentJson } from '../proceedings/proceeding.json';
import { findProceedingByDocket, listNoticeDocuments, type NoticeDocumentRow } from '../proceedings/proceedings.repository';
import { findNotice, insertNotice, type NoticeRow } from './documents.repository';
import { cleanLine } from './filename';
import type { Received } from './upload-receive';

/** Notice documents (the agency's public notice package): same storage and type rules as evidence. */
export const NOTICE_MAX_BYTES = 100 * 1024 * 1024;

/**
 * Public JSON of a notice document: the proceeding's own notice-document shape, with when it was
 * added; `flags` are known at upload time only (the table keeps none).
 */
const noticeJson = (n: NoticeDocumentRow, docket: string, flags?: string[]) => ({
  ...noticeDocumentJson(docket, n), createdAt: n.created_at.toISOString(), ...(flags ? { flags } : {}),
});

/** The proceeding's id by docket, or 404. */
export async function proceedingId(db: Db, docket: string): Promise<string> {
  const p = await findProceedingByDocket(db, docket);
  if (!p) throw notFound('proceeding');
  return p.id;
}

/** Stores an uploaded notice document (admin); the row and its audit event commit together. */
export async function addNotice(db: Db, store: ContentStore, ctx: AuditContext, actor: Actor,
  proceeding: { id: string; docket: string }, received: Received) {
  const { stored } = received;
  const { id, docket } = proceeding;
  try {
    const fields = parseNoticeFields(received.fields);
    const row = await db.transaction().execute(async (trx) => {
      await store.ensureInPlace(trx, stored.placement);
      const notice = await insertNotice(trx, {
        proceedingId: id, title: cleanLine(fields.title ?? '') || stored.originalName, originalName: stored.originalName,
        mediaType: stored.mediaType, size: stored.size, sha256: stored.sha256, storageKey: stored.placement.key, createdBy: actor.userId,
      });
      await recordAudit(trx, ctx, {
        action: 'notice_document.uploaded', subjectType: 'notice_document', subjectId: notice.id,
        data: { ...noticeJson(notice, docket, stored.flags), docket },
      });
      return notice;
    });
    return noticeJson(row, docket, stored.flags);
  } catch (err) {
    await discardStored(db, store, stored);
    throw err;
  } finally {
    await store.dropTemp(stored.placement.keptTemp).catch(() => undefined);
  }
}

/** One notice document of a proceeding (public), or 404. */
export async function publicNotice(db: Db, docket: string, id: string): Promise<NoticeRow> {
  const notice = await findNotice(db, await proceedingId(db, docket), id);
  if (!notice) throw notFound('notice document');
  return notice;
}

/** The proceeding's notice documents in upload order (public). */
export async function publicNotices(db: Db, docket: string) {
  return (await listNoticeDocuments(db, [await proceedingId(db, docket)])).map((n) => noticeJson(n, docket));
}
