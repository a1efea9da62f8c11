import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import type { AppError } from '../http/errors';

/** The part of a submission its receipt routes read. */
export interface ReceiptHolder { id: string; status: string; receipt: unknown }

/**
 * The submission a receipt belongs to, if the actor may see it; otherwise the denial is audited
 * (through `deny`) and 404 thrown. Receipts sit below submissions and never import them: the
 * composition root (app.ts) passes the submissions feature's `visibleSubmission` in.
 */
export type VisibleSubmission = (db: Db, actor: Actor, id: string,
  deny: (subject: { type: string; id: string }) => Promise<AppError>) => Promise<ReceiptHolder>;
