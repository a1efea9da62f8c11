import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import { notFound, type AppError } from '../http/errors';
import type { Actor } from './actor';
import { judge, type Decision, type Refusal, type RowOf } from './decisions';

/** What a decision is about, as the audit trail names it (`subject_type`, `subject_id`). */
export interface Subject { type: string; id: string }

/** One `access.denied` event, written by the caller's audit writer. */
export interface Denial { subjectType: string; subjectId: string; data: { decision: Decision; reason: string } }

/**
 * Who asks, and where their refusals go. `recordDenial` must commit in a transaction of its own
 * (audit.service.ts `deniedNow`), so the event outlives the refused work's rollback. It is passed
 * in because access/ sits below every other module and imports none of them but db and http errors.
 */
export interface Asker { actor: Actor; recordDenial: (denial: Denial) => Promise<unknown> }

/** True when the decision allows it: for what a page offers (buttons, links), never to refuse. */
export function allows<D extends Decision>(actor: Actor, decision: D, row: RowOf<D>): boolean {
  return judge(actor, decision, row) === true;
}

async function refuse(asker: Asker, decision: Decision, subject: Subject, refusal: Refusal, answer?: AppError): Promise<AppError> {
  await asker.recordDenial({ subjectType: subject.type, subjectId: subject.id, data: { decision, reason: refusal.reason } });
  return answer ?? refusal.error ?? notFound(subject.type);
}

/**
 * The one way an object-level decision is made: the row when `decision` allows it for the asker;
 * otherwise the refusal is audited and its error thrown (404 `not_found` unless the decision says
 * otherwise, or `answer` when the caller must keep a different answer so nothing leaks). A row that
 * does not exist is a plain 404: there is nothing to protect and nothing to record.
 */
export async function authorize<D extends Decision, Row extends RowOf<D>>(asker: Asker, decision: D, subject: Subject,
  row: Row | undefined, opts: { answer?: AppError } = {}): Promise<Row> {
  if (row === undefined) throw opts.answer ?? notFound(subject.type);
  const verdict = judge(asker.actor, decision, row);
  if (verdict !== true) throw await refuse(asker, decision, subject, verdict, opts.answer);
  return row;
}

/** Thrown inside the transaction so it rolls back; turned into the audited refusal outside it. */
class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

/**
 * A use case on one row: opens the transaction, locks the row (`lock`), decides, and runs `work`
 * with the row. A refusal rolls the transaction back first and is audited after, on its own
 * connection: the lock and the connection are released before the audit writer needs one, so
 * refused requests can neither hold rows nor exhaust the pool while their denial is written.
 */
export async function inAuthorizedTransaction<D extends Decision, Row extends RowOf<D>, R>(db: Db, asker: Asker,
  ask: { decision: D; subject: Subject; lock: (trx: Transaction<Database>) => Promise<Row | undefined> },
  work: (trx: Transaction<Database>, row: Row) => Promise<R>): Promise<R> {
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await ask.lock(trx);
      if (row === undefined) throw notFound(ask.subject.type);
      const verdict = judge(asker.actor, ask.decision, row);
      if (verdict !== true) throw new Refused(verdict);
      return work(trx, row);
    });
  } catch (err) {
    if (err instanceof Refused) throw await refuse(asker, ask.decision, ask.subject, err.refusal);
    throw err;
  }
}
