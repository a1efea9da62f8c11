import type { AppError } from '../http/errors';
import { unprocessable } from '../http/errors';
import { acceptsResponses, describeDeadline, windowState } from '../proceedings/deadline';
import { responseFieldsProblem, responseValidator } from '../proceedings/response-schema';
import type { DocumentRow } from '../documents/documents.repository';
import type { SubmissionRow } from './submissions.repository';

/**
 * The filing rules as a dry run: every reason a draft cannot be filed right now, each as the very
 * AppError (status, code, message, details) that filing would throw. The review page lists them
 * all before the vendor signs; submit.service.ts throws the first of the same list, so the
 * rules are written once.
 */

/** The proceeding columns the filing rules read (a ProceedingRow has them all). */
export interface FilingProceeding {
  id: string;
  version: number;
  response_schema: object | null;
  opens_at: Date;
  closes_at: Date;
  time_zone: string;
  late_policy: string;
}

type FilingSubmission = Pick<SubmissionRow, 'kind' | 'argument' | 'fields'>;

/** What must be in the draft: something to file, the proceeding's fields, paired confidential documents. */
function contentProblems(sub: FilingSubmission, docs: DocumentRow[], proceeding: FilingProceeding): AppError[] {
  const problems: AppError[] = [];
  if (!sub.argument.trim() && docs.length === 0) {
    problems.push(unprocessable('incomplete_submission', 'Write your argument or attach at least one document before filing.'));
  }
  if (sub.kind === 'response') {
    const problem = responseFieldsProblem(responseValidator(proceeding.id, proceeding.version, proceeding.response_schema), sub.fields);
    if (problem) problems.push(unprocessable('incomplete_submission', problem.message, [{ field: problem.field }]));
  }
  const unpaired = unpairedConfidential(docs);
  if (unpaired.length) {
    problems.push(unprocessable('public_version_missing',
      `Attach a public (redacted) version of each confidential document before filing: ${unpaired.map((d) => d.label).join(', ')}.`,
      unpaired.map((d) => ({ documentId: d.id, label: d.label }))));
  }
  return problems;
}

type Pairing = Pick<DocumentRow, 'id' | 'confidential' | 'public_version_of'>;

/** True when a public (redacted) version is attached for `doc`. */
export const hasPublicVersion = (doc: Pick<DocumentRow, 'id'>, docs: readonly Pairing[]): boolean =>
  docs.some((p) => p.public_version_of === doc.id);

/** Confidential documents still waiting for their public version: filing refuses while any is left. */
export const unpairedConfidential = <D extends Pairing>(docs: readonly D[]): D[] =>
  docs.filter((d) => d.confidential && !hasPublicVersion(d, docs));

/** A supplement or a reply attaches to a filed response that has not been withdrawn. */
export const takesSupplements = (parent: Pick<SubmissionRow, 'kind' | 'status'>): boolean =>
  parent.kind === 'response' && parent.status !== 'draft' && parent.status !== 'withdrawn';

/** The open information request on the parent response that lets a reply or supplement through. */
export interface OpenRequest { due_at: Date }

/**
 * Whether filing `now` would be late, or the refusal when the window or late policy forbids it.
 * A reply needs an open information request on its response; a supplement needs the window open,
 * or such a request.
 */
function windowCheck(sub: Pick<SubmissionRow, 'kind'>, p: FilingProceeding, now: Date, openRequest?: OpenRequest): { late: boolean; problem?: AppError } {
  if (sub.kind === 'reply_to_request') {
    return openRequest ? { late: false }
      : { late: false, problem: unprocessable('no_information_request', 'There is no open information request on this response to answer: a request closes when it is answered or at its due date.') };
  }
  const state = windowState(now, p.opens_at, p.closes_at);
  if (state === 'not_open') return { late: false, problem: unprocessable('window_not_open', `Responses are accepted from ${describeDeadline(p.opens_at, p.time_zone)}.`) };
  if (state === 'open') return { late: false };
  if (sub.kind === 'supplement') {
    if (openRequest) return { late: false };
    return { late: true, problem: unprocessable('window_closed', `Supplements closed with the response window on ${describeDeadline(p.closes_at, p.time_zone)}; they can be filed later only while an information request on the response is open.`) };
  }
  if (!acceptsResponses(state, p.late_policy)) {
    return { late: true, problem: unprocessable('deadline_passed', `The response window closed on ${describeDeadline(p.closes_at, p.time_zone)}. This proceeding does not accept late responses.`) };
  }
  return { late: true };
}

/**
 * Why a draft of this kind cannot be started `now`, if the window rule forbids it: the same rule
 * as filing, except that preparing one before the window opens is fine (a draft that could never
 * be filed helps nobody; one that must wait for the window can).
 */
export function startProblem(sub: Pick<SubmissionRow, 'kind'>, p: FilingProceeding, now: Date, openRequest?: OpenRequest): AppError | undefined {
  const { problem } = windowCheck(sub, p, now, openRequest);
  return problem?.code === 'window_not_open' ? undefined : problem;
}

/**
 * Every blocking problem in the order filing meets them (e-mail, content, window), and whether
 * a filing now would be marked late. The certification is not checked: it is signed at filing.
 */
export function filingProblems(sub: FilingSubmission, docs: DocumentRow[], proceeding: FilingProceeding,
  user: { email_verified_at: Date | null }, now: Date, openRequest?: OpenRequest): { problems: AppError[]; late: boolean } {
  const problems: AppError[] = [];
  if (!user.email_verified_at) problems.push(unprocessable('email_not_verified', 'Verify your e-mail address (use the link we sent) before filing.'));
  problems.push(...contentProblems(sub, docs, proceeding));
  const window = windowCheck(sub, proceeding, now, openRequest);
  if (window.problem) problems.push(window.problem);
  return { problems, late: window.late };
}
