import type { Transaction } from 'kysely';
import type { Database, DbOrTrx, ProceedingLimits } from '../db/database';
import { lockName } from '../db/locks';
import type { AppError } from '../http/errors';
import { fileTooLarge, quotaExceeded, tooManyFiles, totalTooLarge } from './upload-errors';
// Used when a proceeding's stored limits lack a value (the proceedings API normally fills them).
import { DEFAULT_LIMITS } from '../proceedings/proceedings.schemas';
import { findProceedingById } from '../proceedings/proceedings.repository';
import { organizationBytes, submissionUsage } from './documents.repository';

const GiB = 1024 * 1024 * 1024;

/** Storage one organization may hold across all its drafts and filings (per document row, identical files included). */
export const ORG_QUOTA_BYTES = 5 * GiB;


/** The largest file this upload may carry, and the refusal to give when it is larger. */
export interface Budget { limit: number; tooLarge: () => AppError }

interface Owner { id: string; proceeding_id: string; organization_id: string }
interface Usage { limits: ProceedingLimits; files: number; bytes: number; orgBytes: number }

function limitsOf(raw: unknown): ProceedingLimits {
  const r = (raw ?? {}) as Partial<Record<keyof ProceedingLimits, unknown>>;
  const pick = (k: keyof ProceedingLimits) => (Number.isSafeInteger(r[k]) && (r[k] as number) > 0 ? (r[k] as number) : DEFAULT_LIMITS[k]);
  return { maxFileBytes: pick('maxFileBytes'), maxFiles: pick('maxFiles'), maxTotalBytes: pick('maxTotalBytes') };
}

async function usage(db: DbOrTrx, sub: Owner): Promise<Usage> {
  const [proceeding, mine, orgBytes] = await Promise.all([
    findProceedingById(db, sub.proceeding_id), submissionUsage(db, sub.id), organizationBytes(db, sub.organization_id),
  ]);
  return { limits: limitsOf(proceeding?.limits), ...mine, orgBytes };
}

/**
 * Before the body is read: refuses a submission that is already full, and otherwise returns the
 * tightest of the three limits (per file, submission total, organization quota) so the upload
 * stops at the first byte too many, with the code of the limit that bound it.
 */
export async function uploadBudget(db: DbOrTrx, sub: Owner): Promise<Budget> {
  const u = await usage(db, sub);
  if (u.files >= u.limits.maxFiles) throw tooManyFiles(u.limits.maxFiles);
  const room = [
    { limit: u.limits.maxFileBytes, tooLarge: () => fileTooLarge(u.limits.maxFileBytes) },
    { limit: u.limits.maxTotalBytes - u.bytes, tooLarge: () => totalTooLarge(u.limits.maxTotalBytes) },
    { limit: ORG_QUOTA_BYTES - u.orgBytes, tooLarge: () => quotaExceeded(ORG_QUOTA_BYTES) },
  ];
  const tightest = room.reduce((a, b) => (b.limit < a.limit ? b : a));
  if (tightest.limit <= 0) throw tightest.tooLarge();
  return tightest;
}

/**
 * Inside the inserting transaction (submission row locked): checks again with the real size, as
 * concurrent uploads may have used the room. The organization lock serialises its drafts' inserts.
 */
export async function assertFits(trx: Transaction<Database>, sub: Owner, size: number): Promise<void> {
  await lockName(trx, `org-quota:${sub.organization_id}`);
  const u = await usage(trx, sub);
  if (u.files + 1 > u.limits.maxFiles) throw tooManyFiles(u.limits.maxFiles);
  if (size > u.limits.maxFileBytes) throw fileTooLarge(u.limits.maxFileBytes);
  if (u.bytes + size > u.limits.maxTotalBytes) throw totalTooLarge(u.limits.maxTotalBytes);
  if (u.orgBytes + size > ORG_QUOTA_BYTES) throw quotaExceeded(ORG_QUOTA_BYTES);
}
