import type { Db } from '../db/database';
import { badRequest } from '../http/errors';
import { formatUtc } from '../http/format';
import { canonicalJson } from './canonical-json';
import { parseAuditQuery, type AuditQuery } from './audit.filters';
import { actorsByIds, userIdByEmail, type AuditEventRow } from './audit.repository';

/**
 * The audit browser's form as typed (query string of GET /record/audit) and what the pages show of
 * each event. Kept apart from the router so the pages file stays a list of routes.
 */

export interface BrowseForm { subject: string; actor: string; action: string; actionOther: string; from: string; to: string }

export const FORM_FIELDS = ['subject', 'actor', 'action', 'actionOther', 'from', 'to', 'cursor'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const readBrowseForm = (q: Record<string, string | undefined>): BrowseForm => ({
  subject: q['subject'] ?? '', actor: q['actor'] ?? '', action: q['action'] ?? '', actionOther: q['actionOther'] ?? '',
  from: q['from'] ?? '', to: q['to'] ?? '',
});

/** The action asked for: typed text wins over the list (the list only offers actions already seen). */
export const chosenAction = (f: BrowseForm): string => f.actionOther.trim() || f.action.trim();

/** Which form field a refused API parameter belongs to (the error summary links to it). */
export const FIELD_OF: Record<string, keyof BrowseForm> = { subjectId: 'subject', actorId: 'actor', action: 'action', from: 'from', to: 'to' };

/**
 * The form read into the API's filters: the actor by user id or by e-mail address (an address
 * nobody has is a 400 naming the field, like any other bad filter), dates as the API reads them.
 */
export async function browseQuery(db: Db, f: BrowseForm, cursor: string | undefined): Promise<AuditQuery> {
  const actor = f.actor.trim();
  let actorId: string | undefined;
  if (actor && UUID.test(actor)) actorId = actor;
  else if (actor.includes('@')) {
    actorId = await userIdByEmail(db, actor.slice(0, 320));
    if (!actorId) throw badRequest('invalid_parameter', `No account has the e-mail address ${actor.slice(0, 320)}. Check it, or give the person's user id.`, [{ field: 'actorId', problem: 'unknown' }]);
  } else if (actor) {
    throw badRequest('invalid_parameter', 'Give the actor as an e-mail address (name@agency.gov) or a user id (a UUID).', [{ field: 'actorId', problem: 'format' }]);
  }
  return parseAuditQuery({ subjectId: f.subject, actorId, action: chosenAction(f), from: f.from, to: f.to, cursor, limit: '50' });
}

/** The link to another page of the same search: every filter kept, as typed. */
export function pageHref(f: BrowseForm, cursor: string | null): string {
  const params = new URLSearchParams();
  const action = chosenAction(f);
  for (const [k, v] of Object.entries({ subject: f.subject, actor: f.actor, action, from: f.from, to: f.to })) if (v.trim()) params.set(k, v.trim());
  if (cursor) params.set('cursor', cursor);
  const qs = params.toString();
  return `/record/audit${qs ? `?${qs}` : ''}`;
}

/** A hash as the tables show it: the first 12 digits visibly, all 64 for screen readers and copying. */
export const hashView = (h: string) => ({ short: `${h.slice(0, 12)}…`, full: h });

type Actors = Awaited<ReturnType<typeof actorsByIds>>;

/** Who acted, in words: the person's name and address, or the portal itself / the command line. */
function actorLabel(r: AuditEventRow, actors: Actors): string {
  const person = r.actor_id ? actors.get(r.actor_id) : undefined;
  if (person) return `${person.name} <${person.email}>`;
  if (r.actor_id) return `User ${r.actor_id}`;
  return r.actor_role === 'cli' ? 'Command line' : 'The portal (system)';
}

/** One row of the results table. */
export const eventRow = (r: AuditEventRow, actors: Actors) => ({
  seq: Number(r.seq), href: `/record/audit/events/${r.seq}`, time: formatUtc(r.occurred_at), iso: r.occurred_at.toISOString(),
  actor: actorLabel(r, actors), role: r.actor_role, action: r.action,
  subject: [r.subject_type, r.subject_id].filter(Boolean).join(' '), prevHash: hashView(r.prev_hash), hash: hashView(r.hash),
});

/**
 * The event's data as indented JSON. Data of any depth can be stored (the chain hashes it with a
 * stack, not recursion); what JSON.stringify cannot indent that deep is shown in canonical form.
 */
export function prettyData(data: unknown): { text: string; compact: boolean } {
  try {
    return { text: JSON.stringify(data, null, 2), compact: false };
  } catch {
    return { text: canonicalJson(data), compact: true };
  }
}

/** The detail view's model: every column, the actor in words, and the data pretty-printed. */
export const eventDetail = (r: AuditEventRow, actors: Actors) => ({
  ...eventRow(r, actors), actorId: r.actor_id, subjectType: r.subject_type, subjectId: r.subject_id,
  requestId: r.request_id, ip: r.ip, userAgent: r.user_agent, data: prettyData(r.data),
});
