import type { Db } from '../db/database';
import type { Asker } from '../access/authorize';

/** The part of a submission its receipt routes read. */
export interface ReceiptHolder { id: string; status: string; receipt: unknown }

/**
 * The submission a receipt belongs to, if the asker may see it; otherwise the denial is audited
 * and 404 thrown. Receipts sit below submissions and never import them: the composition root
 * (app.ts) passes the submissions feature's `visibleSubmission` in.
 */
export type VisibleSubmission = (db: Db, asker: Asker, id: string) => Promise<ReceiptHolder>;
