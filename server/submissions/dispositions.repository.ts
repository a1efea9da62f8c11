import type { DbOrTrx } from '../db/database';

/*
 * The vendor's side of a disposition: only the one in force (issued), and only the columns a
 * vendor may read. Drafts, approvals and the people involved stay in server/review, above.
 */

const vendorColumns = ['id', 'submission_id', 'outcome', 'rationale', 'issued_at', 'supersedes_id', 'supersede_reason'] as const;

/** The issued disposition of a submission, or undefined while none has been issued. */
export function findIssuedDisposition(db: DbOrTrx, submissionId: string) {
  return db.selectFrom('dispositions').select(vendorColumns)
    .where('submission_id', '=', submissionId).where('status', '=', 'issued').executeTakeFirst();
}

/** What the vendor may know of an issued disposition. */
export type IssuedDisposition = NonNullable<Awaited<ReturnType<typeof findIssuedDisposition>>>;
