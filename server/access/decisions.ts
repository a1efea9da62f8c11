import { AppError, forbidden } from '../http/errors';
import { isStaff, type Actor } from './actor';
import { can, type Permission } from './policies';
import { canActForOrganization, canSeeSubmission, type SubmissionOwnership } from './submission.policy';
import { canSeeOrganization, inviteDecision, membershipDecision } from './organization.policy';

/**
 * A "no": why (for the audit trail) and the error to answer with. Without `error` the answer is
 * 404, as for an id that does not exist, so a refusal never confirms that something exists.
 */
export interface Refusal { reason: string; error?: AppError }

type Rule<Row> = (actor: Actor, row: Row) => true | Refusal;
const rule = <Row>(r: Rule<Row>): Rule<Row> => r;
/** The audit reason of every refusal caused by a declared conflict of interest. */
export const RECUSED = 'recused: declared conflict';
const or404 = (allowed: boolean, reason: string): true | Refusal => allowed || { reason };

const STAFF_DO_NOT_INVITE = 'Members of an organization invite their colleagues; staff do not.';
const membershipRefusal = (actor: Actor, decision: 'hide' | 'forbid'): Refusal => (decision === 'hide'
  ? { reason: 'not a member of the organization' }
  : { reason: `role ${actor.role} does not invite vendor members`, error: forbidden(STAFF_DO_NOT_INVITE) });

/** Staff recused from the organization are told apart in the record: their 404 is a recusal. */
const seeRefusal = (actor: Actor, sub: SubmissionOwnership): string =>
  (isStaff(actor.role) && actor.recusedFrom.includes(sub.organization_id) ? RECUSED : 'not visible to actor');

/**
 * A decision about a submission the actor must first be able to see: a hidden one (recusal, a
 * draft, another organization's) is refused for that reason, so every recusal is recorded as one;
 * only then is `allowed` asked, refused with `reason`. Both answer 404.
 */
const onVisible = (actor: Actor, sub: SubmissionOwnership, allowed: boolean, reason: string): true | Refusal =>
  (canSeeSubmission(actor, sub) ? or404(allowed, reason) : { reason: seeRefusal(actor, sub) });

/**
 * Disposition work: hidden (404) from vendors and from staff recused from the organization; other
 * staff without the review permission are told no (403).
 */
function reviewing(actor: Actor, sub: SubmissionOwnership): true | Refusal {
  if (actor.role === 'vendor' || !canSeeSubmission(actor, sub)) return { reason: seeRefusal(actor, sub) };
  return can(actor, 'submission.review') || { reason: `role ${actor.role} does not review`, error: forbidden('Only reviewers and supervisors work on dispositions.') };
}

/**
 * Every object-level decision by name: the row it is about -> yes, or how to say no. Role-level
 * permissions (policies.ts) are asked here too when a decision needs both, so a use case asks one
 * question. Callers go through authorize.ts, which writes every "no" to the audit trail.
 */
export const DECISIONS = {
  /** Start a response or supplement in a proceeding: members of a vendor organization only. */
  'submission.prepare': rule<{ docket: string }>((actor) => (actor.role === 'vendor' && actor.organizationId !== null)
    || { reason: `role ${actor.role} does not prepare responses`, error: forbidden('Only members of a vendor organization prepare responses.') }),
  /** Ask for a new e-mail confirmation link: vendors only (staff addresses are confirmed at creation). */
  'account.resend_verification': rule<{ id: string }>((actor) => actor.role === 'vendor'
    || { reason: `role ${actor.role} has no address to confirm`, error: forbidden('Staff addresses are confirmed when the account is created.') }),
  /** Read a submission, its documents, receipt and information requests. */
  'submission.see': rule<SubmissionOwnership>((actor, sub) => or404(canSeeSubmission(actor, sub), seeRefusal(actor, sub))),
  /** Edit, upload to, file, supplement or withdraw: the submitting organization's members. */
  'submission.act': rule<Pick<SubmissionOwnership, 'organization_id'>>((actor, sub) => or404(canActForOrganization(actor, sub),
    actor.role === 'vendor' ? 'not a member of the submitting organization' : `role ${actor.role} does not act for vendor organizations`)),
  /** Ask the organization behind a response a question: a reviewing role, on a submission it may see. */
  'information_request.create': rule<SubmissionOwnership>((actor, sub) => onVisible(actor, sub,
    can(actor, 'information_request.create'), `role ${actor.role} may not ask about this submission`)),
  /** An organization's profile: its members, and staff not recused from it (a recusal is audited as one). */
  'organization.see': rule<{ id: string }>((actor, org) => or404(canSeeOrganization(actor, org.id),
    isStaff(actor.role) && actor.recusedFrom.includes(org.id) ? RECUSED : 'not visible to actor')),
  /** List and manage the members of one's own organization (`id` null: the actor has none). */
  'organization.members': rule<{ id: string | null }>((actor, org) => {
    const decision = membershipDecision(actor, org.id);
    return decision === 'allow' || membershipRefusal(actor, decision);
  }),
  'organization.invite': rule<{ id: string; inviterVerified: boolean }>((actor, org) => {
    const decision = inviteDecision(actor, org.id, org.inviterVerified);
    if (decision === 'allow') return true;
    if (decision !== 'unverified') return membershipRefusal(actor, decision);
    return { reason: 'inviter e-mail not verified', error: new AppError(403, 'email_not_verified', 'Confirm your own e-mail address (use the link we sent you) before inviting colleagues.') };
  }),
  // --- notes, findings, response-to-arguments ---
  /** Read a submission's internal notes: staff with note.read who may see it (never a vendor). */
  'note.read': rule<SubmissionOwnership>((actor, sub) => staffMay(actor, 'note.read', sub)),
  /** Add an internal note: a reviewing role on a submission it may see. */
  'note.add': rule<SubmissionOwnership>((actor, sub) => staffMay(actor, 'note.write', sub)),
  /** Read a submission's findings and their history. */
  'findings.read': rule<SubmissionOwnership>((actor, sub) => staffMay(actor, 'findings.read', sub)),
  /** Save a new version of a submission's findings. */
  'findings.save': rule<SubmissionOwnership>((actor, sub) => staffMay(actor, 'findings.write', sub)),
  // --- conflicts ---
  /** End a declared conflict: only the person who declared it (anyone else: 404, as if none existed). */
  'conflict.end': rule<{ user_id: string }>((actor, c) => or404(actor.userId === c.user_id, 'not the declarer of the conflict')),
  // --- dispositions ---
  /** Read, draft, edit or supersede a disposition: a reviewing role on a submission it may see (vendors: 404). */
  'disposition.draft': rule<SubmissionOwnership>((actor, sub) => reviewing(actor, sub)),
  /** Approve: a supervisor who neither drafted nor edited it (the two-person rule). */
  'disposition.approve': rule<SubmissionOwnership & { drafted_by: string; editors: readonly string[] }>((actor, d) => {
    const seen = reviewing(actor, d);
    if (seen !== true) return seen;
    if (!can(actor, 'disposition.approve')) return { reason: `role ${actor.role} does not approve dispositions`, error: forbidden('Only a supervisor approves a disposition.') };
    if (d.drafted_by === actor.userId || d.editors.includes(actor.userId)) {
      return { reason: 'two-person rule: approver drafted or edited it', error: new AppError(403, 'two_person_rule', 'You drafted or edited this disposition: another supervisor must approve it.') };
    }
    return true;
  }),
  /** Issue an approved disposition (release it to the vendor): a supervisor. */
  'disposition.issue': rule<SubmissionOwnership>((actor, sub) => {
    const seen = reviewing(actor, sub);
    if (seen !== true) return seen;
    return can(actor, 'disposition.issue') || { reason: `role ${actor.role} does not issue dispositions`, error: forbidden('Only a supervisor issues a disposition.') };
  }),
  // --- exports (docs/exports.md "Who may export") ---
  /**
   * Export a proceeding's record: legal staff (export.create) with no declared conflict with ANY
   * organization that filed in it. A production carries every filing, so one conflict is enough
   * to refuse the whole record: 403 `recused`, which says why (the docket is public; the export
   * reveals nothing by being refused).
   */
  exportProceeding: rule<ExportScope>((actor, p) => {
    if (!can(actor, 'export.create')) return { reason: `role ${actor.role} does not export the record`, error: forbidden('Only legal staff export a proceeding\'s record.') };
    return notRecusedFrom(actor, p) || {
      reason: RECUSED,
      error: new AppError(403, 'recused', `You declared a conflict of interest with an organization that filed in ${p.docket}, so you may not export its record. Ask another member of legal staff, or end the conflict if it no longer applies.`),
    };
  }),
  /**
   * See or download an export already made: legal staff not recused from any filer of its
   * proceeding (the archive holds their filings). Others' exports included; a recused one is 404.
   */
  exportDownload: rule<ExportScope>((actor, p) => (can(actor, 'export.create') && notRecusedFrom(actor, p))
    || { reason: can(actor, 'export.create') ? RECUSED : `role ${actor.role} does not export the record` }),
};

/** A proceeding as the export decisions read it: its docket and every organization that filed in it. */
export interface ExportScope { docket: string; filingOrganizations: readonly string[] }
const notRecusedFrom = (actor: Actor, p: ExportScope): boolean => !p.filingOrganizations.some((o) => actor.recusedFrom.includes(o));

/** A staff permission on a submission the actor may see (recusal and drafts hide it): else 404. */
function staffMay(actor: Actor, permission: Permission, sub: SubmissionOwnership): true | Refusal {
  return onVisible(actor, sub, actor.role !== 'vendor' && can(actor, permission),
    `role ${actor.role} may not ${permission.replace('.', ' ')} this submission`);
}

export type Decision = keyof typeof DECISIONS;
/** The row a decision reads. */
export type RowOf<D extends Decision> = Parameters<(typeof DECISIONS)[D]>[1];

/** The decision's answer for this actor and row. */
export function judge<D extends Decision>(actor: Actor, decision: D, row: RowOf<D>): true | Refusal {
  return (DECISIONS[decision] as Rule<RowOf<D>>)(actor, row);
}
