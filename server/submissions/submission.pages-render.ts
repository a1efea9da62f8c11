import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Deps } from '../deps';
import { AppError, notFound } from '../http/errors';
import { createGuards } from '../http/guards';
import { uuidParam } from '../http/params';
import { allows } from '../access/authorize';
import { findProceedingByDocket, type ProceedingRow } from '../proceedings/proceedings.repository';
import { CERTIFICATION_STATEMENT } from './certification';
import { visibleSubmission } from './drafts.service';
import { filingProblems, startProblem, takesSupplements } from './filing.check';
import { canMove } from './submission.transitions';
import { listDocuments, type DocumentRow } from '../documents/documents.repository';
import type { SubmissionRow } from './submissions.repository';
import { draftTextFromForm, responseFormFields } from './submission.form';
import { limitBytes } from '../http/format';
import { formString } from '../http/pages';
import { confidentialChoices, documentModels, fieldSummary, proceedingModel, submissionModel } from './submission.page-model';
import { listRequests, requestStatus, type RequestRow } from './information-requests.repository';
import { requestModels } from './information-requests.page-model';
import { findIssuedDisposition, type IssuedDisposition } from './dispositions.repository';
import { issuedDispositionModel } from './disposition.page-model';

/**
 * Loading and rendering the three faces of one submission (draft editor, read-only view, review
 * before filing). Each is rendered both by its GET and by the POSTs that fail back to it, so a
 * refused form always comes back with the same page, the error summary and what was typed.
 */

/** One submission as its pages need it; `mayAct` is true for members of the submitting organization. */
export interface PageData {
  sub: SubmissionRow; docs: DocumentRow[]; proceeding: ProceedingRow; mayAct: boolean;
  /** Information requests on the response: this one's, or for a supplement or reply its parent's. */
  requests: RequestRow[];
  /** The issued disposition (never a draft or an approval), when there is one. */
  disposition: IssuedDisposition | undefined;
}

/** How a page is rendered: the status, and after a refused form its error and what was sent. */
export interface RenderOptions {
  status?: number;
  error?: AppError;
  /** The form that was refused, shown again as typed. */
  posted?: unknown;
  /** The upload form's text fields when an upload was refused (the file itself must be chosen again). */
  uploadPosted?: unknown;
  notice?: string;
}

/** Loads a submission the signed-in actor may see (a denial is audited and answered 404). */
export function pageLoader(deps: Deps) {
  const { askerFor } = createGuards(deps.db);
  return async (req: Request, rawId: unknown): Promise<PageData> => {
    const asker = askerFor(req);
    const sub = await visibleSubmission(deps.db, asker, uuidParam(rawId, 'submission'));
    const [docs, proceeding, requests, disposition] = await Promise.all([
      listDocuments(deps.db, sub.id), findProceedingByDocket(deps.db, sub.docket), listRequests(deps.db, sub.parent_id ?? sub.id),
      findIssuedDisposition(deps.db, sub.id),
    ]);
    if (!proceeding) throw notFound('proceeding');
    return { sub, docs, proceeding, requests, disposition, mayAct: allows(asker.actor, 'submission.act', sub) };
  };
}

/** True when this page should be the editor: a draft, and the viewer may act for its organization. */
export const isEditable = (d: PageData): boolean => d.mayAct && d.sub.status === 'draft';

// In the units of the upload refusals (413), so the hint and a refusal name the same numbers.
const limitsText = (p: ProceedingRow): string =>
  `Up to ${limitBytes(p.limits.maxFileBytes)} per file, ${p.limits.maxFiles} files and ${limitBytes(p.limits.maxTotalBytes)} in total. `
  + 'PDF, DOCX, XLSX, PPTX, TXT, CSV, PNG, JPEG or TIFF.';

/** The draft editor: text, structured fields, evidence and the upload form. */
export function renderEditor(res: Response, d: PageData, o: RenderOptions = {}): void {
  const { sub, proceeding } = d;
  const text = o.posted ? draftTextFromForm(o.posted) : { title: sub.title, summary: sub.summary, argument: sub.argument };
  // After a refused save the form keeps the version it was made from: a stale form stays stale
  // until the person reloads, so a second click can never overwrite someone else's edit.
  const postedVersion = o.posted ? formString(o.posted, 'version') : '';
  const csrf = String(res.locals['csrfToken'] ?? '');
  res.status(o.status ?? 200).render('submissions/editor', {
    title: `Edit draft: ${sub.title}`, sub: submissionModel(sub), proceeding: proceedingModel(proceeding, new Date()),
    text, version: /^\d{1,9}$/.test(postedVersion) ? postedVersion : String(sub.version),
    fields: sub.kind === 'response' ? responseFormFields(proceeding.response_schema, sub.fields, o.posted) : [],
    documents: documentModels(d.docs), confidentialChoices: confidentialChoices(d.docs),
    upload: {
      action: `/submissions/${sub.id}/documents?_csrf=${encodeURIComponent(csrf)}`,
      api: `/api/v1/submissions/${sub.id}/documents`,
      limits: limitsText(proceeding),
      label: formString(o.uploadPosted, 'label'),
      description: formString(o.uploadPosted, 'description'),
    },
    notice: o.notice, error: o.error,
  });
}

/** The read-only view: filed, withdrawn or decided submissions, and anything staff look at. */
export function renderView(res: Response, d: PageData, o: RenderOptions = {}): void {
  const { sub, proceeding } = d;
  const now = new Date();
  // The links to a supplement or a reply follow the rules createDraft applies to them.
  const open = d.requests.find((r) => requestStatus(r, now) === 'open');
  const childLink = (kind: 'supplement' | 'reply_to_request', param: string) =>
    (d.mayAct && takesSupplements(sub) && !startProblem({ kind }, proceeding, now, open)
      ? `/proceedings/${encodeURIComponent(sub.docket)}/submissions/new?${param}=${sub.id}` : null);
  res.status(o.status ?? 200).render('submissions/view', {
    title: sub.tracking_number ? `${sub.tracking_number}: ${sub.title}` : sub.title,
    sub: submissionModel(sub), proceeding: proceedingModel(proceeding, now),
    fieldList: fieldSummary(proceeding.response_schema, sub.fields), documents: documentModels(d.docs),
    canWithdraw: d.mayAct && canMove(sub.status, 'withdraw'),
    supplementUrl: childLink('supplement', 'supplementTo'),
    requests: sub.kind === 'response' ? requestModels(d.requests, proceeding.time_zone, now) : [],
    replyUrl: childLink('reply_to_request', 'replyTo'),
    disposition: d.disposition ? issuedDispositionModel(d.disposition, proceeding.time_zone) : null,
    reason: o.posted ? formString(o.posted, 'reason') : '',
    notice: o.notice, error: o.error,
  });
}

/** The page of a submission: the editor for a draft the viewer may act on, the read-only view otherwise. */
export function renderSubmission(res: Response, d: PageData, o: RenderOptions = {}): void {
  if (isEditable(d)) renderEditor(res, d, o);
  else renderView(res, d, o);
}

/**
 * Review before filing: everything that will be filed, every rule that blocks filing now, and
 * the certification. A new Idempotency-Key per render makes a double click file once, while a
 * fresh visit after a refusal is a new request.
 */
export function renderReview(res: Response, d: PageData, user: { email_verified_at: Date | null }, o: RenderOptions = {}): void {
  const { sub, proceeding } = d;
  const now = new Date();
  const open = d.requests.find((r) => requestStatus(r, now) === 'open');
  const check = sub.status === 'draft' ? filingProblems(sub, d.docs, proceeding, user, now, open) : { problems: [], late: false };
  res.status(o.status ?? 200).render('submissions/review', {
    title: `Review and file: ${sub.title}`, sub: submissionModel(sub), proceeding: proceedingModel(proceeding, now),
    fieldList: sub.kind === 'response' ? fieldSummary(proceeding.response_schema, sub.fields) : [],
    documents: documentModels(d.docs), problems: check.problems, late: check.late,
    statement: CERTIFICATION_STATEMENT, idempotencyKey: randomBytes(18).toString('base64url'),
    signature: o.posted ? formString(o.posted, 'signature') : '', accepted: o.posted ? formString(o.posted, 'accept') === 'yes' : false,
    error: o.error,
  });
}
