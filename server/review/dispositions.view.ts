import type { Response } from 'express';
import type { Actor } from '../access/actor';
import { allows } from '../access/authorize';
import { judge, type Refusal } from '../access/decisions';
import type { Db } from '../db/database';
import type { AppError } from '../http/errors';
import { formatUtc } from '../http/format';
import { formString } from '../http/pages';
import { OUTCOME_LABELS } from '../submissions/disposition.page-model';
import { STATUS_LABELS } from '../submissions/submission.display';
import { namesOf, type DispositionRow } from './dispositions.repository';
import type { DispositionCase } from './dispositions.lock';
import { composeRelease, type ReleaseEnv } from './dispositions.release';
import { OUTCOMES } from './dispositions.schemas';

/** Renders a view to a string with the app's Nunjucks (the API preview returns the vendor partial's HTML). */
export const renderHtml = (res: Response, view: string, locals: object): Promise<string> => new Promise((resolve, reject) => {
  res.app.render(view, locals, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html ?? '')));
});

export interface DispositionPageOptions { status?: number; error?: AppError; posted?: unknown; form?: 'words' | 'supersede'; notice?: string }

/** Why the decision says no, to explain it on the page (the decision itself is the rule). */
const refusalCode = (verdict: true | Refusal): string | undefined => (verdict === true ? undefined : verdict.error?.code);

const STATUS_WORDS = { draft: 'Draft', approved: 'Approved, not issued', issued: 'Issued', superseded: 'Superseded' } as const;

function rowModel(d: DispositionRow, names: Map<string, string>) {
  const who = (id: string | null) => (id ? names.get(id) ?? id : null);
  return {
    id: d.id, status: d.status, statusLabel: STATUS_WORDS[d.status], version: d.version, outcomeLabel: OUTCOME_LABELS[d.outcome],
    rationale: d.rationale, draftedBy: who(d.drafted_by), editors: d.editors.map((e) => who(e)).join(', '),
    approvedBy: who(d.approved_by), approvedAt: formatUtc(d.approved_at), issuedBy: who(d.issued_by), issuedAt: formatUtc(d.issued_at),
    supersedeReason: d.supersede_reason, updatedAt: formatUtc(d.updated_at),
  };
}

/**
 * The staff disposition page: the pending words with their form (version hidden for If-Match),
 * the preview (the vendor's partial and the e-mail, from composeRelease, as issuing sends them),
 * Approve and Issue only where the access decisions allow them, and the supersede form.
 */
export async function renderDispositionPage(res: Response, db: Db, actor: Actor, env: ReleaseEnv,
  c: DispositionCase & { history: DispositionRow[] }, o: DispositionPageOptions = {}): Promise<void> {
  const { sub, pending } = c;
  const names = await namesOf(db, c.history.flatMap((d) => [d.drafted_by, ...d.editors, d.approved_by ?? '', d.issued_by ?? '']));
  const preview = pending ? await composeRelease(db, sub, pending, env, new Date()) : null;
  const posted = (field: string, fallback: string) => (o.posted && o.form !== 'supersede' ? formString(o.posted, field) : fallback);
  const canDraft = allows(actor, 'disposition.draft', c);
  const offerWords = canDraft && (pending !== undefined || (!c.issued && sub.kind === 'response' && ['submitted', 'in_review'].includes(sub.status)));
  res.status(o.status ?? 200).render('review/disposition', {
    title: `Disposition: ${sub.tracking_number ?? sub.title}`,
    sub: { id: sub.id, title: sub.title, trackingNumber: sub.tracking_number, docket: sub.docket, status: sub.status, statusLabel: STATUS_LABELS[sub.status] },
    pending: pending ? rowModel(pending, names) : null,
    issued: c.issued ? rowModel(c.issued, names) : null,
    history: c.history.map((d) => rowModel(d, names)),
    offerWords,
    words: { outcome: posted('outcome', pending?.outcome ?? ''), rationale: posted('rationale', pending?.rationale ?? ''), version: o.posted && o.form === 'words' ? formString(o.posted, 'version') : pending ? String(pending.version) : '' },
    outcomes: OUTCOMES.map((value) => ({ value, label: OUTCOME_LABELS[value] })),
    preview,
    canApprove: pending?.status === 'draft' && allows(actor, 'disposition.approve', c),
    twoPersonBlocked: pending?.status === 'draft' && refusalCode(judge(actor, 'disposition.approve', c)) === 'two_person_rule',
    canIssue: pending?.status === 'approved' && allows(actor, 'disposition.issue', c),
    offerSupersede: canDraft && !pending && Boolean(c.issued) && sub.status === 'decided',
    supersede: o.form === 'supersede' ? { outcome: formString(o.posted, 'outcome'), rationale: formString(o.posted, 'rationale'), reason: formString(o.posted, 'reason') } : { outcome: '', rationale: '', reason: '' },
    notice: o.notice, error: o.error,
  });
}
