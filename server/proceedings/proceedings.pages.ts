import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import { notFound } from '../http/errors';
import { singleQuery } from '../http/pagination';
import { timeLeft } from './deadline';
import { listProceedings } from './proceedings.list';
import { findProceedingByDocket, listNoticeDocuments } from './proceedings.repository';
import { proceedingJson, type proceedingSummaryJson } from './proceeding.view';
import { DOCKET } from './proceedings.schemas';

type Summary = ReturnType<typeof proceedingSummaryJson>;
type Status = 'open' | 'upcoming' | 'closed';

const SECTIONS: Record<Status, string> = { open: 'Open for responses', upcoming: 'Opening soon', closed: 'Closed' };
const LATE_POLICY: Record<string, string> = {
  reject: 'Responses must arrive before the deadline. A response received after it is refused.',
  accept_flagged: 'A response received after the deadline is still accepted, but it is marked late on the record and on its receipt.',
};

/** "2017-11-04T04:59:00Z": the UTC instant to the second (deadlines are set to the minute). */
const utc = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

/** "10 MiB (10,485,760 bytes)": binary units as upload limits are set, with the exact byte count. */
export function humanBytes(n: number): string {
  const exact = `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
  const units = [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const;
  const unit = units.find(([, size]) => n >= size);
  return unit ? `${Number((n / unit[1]).toFixed(1))} ${unit[0]} (${exact})` : exact;
}

/**
 * A proceeding as the pages show it: the window in the proceeding's zone and in UTC, and where it
 * stands now. Built from the API's own JSON, so page and API never disagree.
 */
export function proceedingCard(p: Summary, now: Date) {
  return {
    docket: p.docket, title: p.title, summary: p.summary, href: `/proceedings/${encodeURIComponent(p.docket)}`,
    windowState: p.windowState,
    opens: { local: p.opensAtLocal, utc: utc(p.opensAt) },
    closes: { local: p.closesAtLocal, utc: utc(p.closesAt) },
    timeLeft: p.windowState === 'open' ? p.timeLeft : null,
    opensIn: p.windowState === 'not_open' ? timeLeft(now, new Date(p.opensAt)) : null,
    latePolicy: p.latePolicy, latePolicyText: LATE_POLICY[p.latePolicy] ?? p.latePolicy,
  };
}

/** One proceeding as lists and the notice page show it. */
export type ProceedingCard = ReturnType<typeof proceedingCard>;

/** The proceedings open for responses now, nearest deadline first (the home page's list). */
export async function openProceedingCards(db: Db, now: Date, limit = 10) {
  const page = await listProceedings(db, { status: 'open', limit: String(limit) }, now);
  return { items: page.items.map((p) => proceedingCard(p, now)), more: page.nextCursor !== null };
}

/** Notice text as paragraphs (split on blank lines), each a list of lines; the template escapes them. */
export function noticeParagraphs(text: string): string[][] {
  return text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\s+$/g, ''))
    .filter((p) => p.trim() !== '')
    .map((p) => p.split('\n'));
}

/** What the notice page offers: start a response (vendors), sign in or register (everyone else). */
function callToAction(actor: Actor | undefined, card: ProceedingCard) {
  const startHref = `${card.href}/submissions/new`;
  if (!actor) return { kind: 'signed_out', signInHref: `/sign-in?next=${encodeURIComponent(card.href)}`, startHref };
  if (actor.role !== 'vendor') return { kind: 'staff', startHref };
  const accepting = card.windowState !== 'closed' || card.latePolicy === 'accept_flagged';
  return { kind: accepting ? 'vendor' : 'closed', startHref };
}

/** The notice page's model: the card, the notice text, limits in words, the documents relied on. */
async function noticeModel(deps: Deps, req: Request, docket: string) {
  const row = DOCKET.test(docket) ? await findProceedingByDocket(deps.db, docket) : undefined;
  if (!row) throw notFound('proceeding');
  const now = new Date();
  const json = proceedingJson(row, await listNoticeDocuments(deps.db, [row.id]), now);
  const card = proceedingCard(json, now);
  return {
    title: `${json.docket}: ${json.title}`, proceeding: card, paragraphs: noticeParagraphs(json.noticeText),
    limits: { file: humanBytes(json.limits.maxFileBytes), files: json.limits.maxFiles, total: humanBytes(json.limits.maxTotalBytes) },
    documents: json.noticeDocuments.map((d) => ({ ...d, size: humanBytes(d.size) })),
    cta: callToAction(req.actor, card),
  };
}

/** One section of the list page (one status), with a link to its next page when there is one. */
async function section(db: Db, status: Status, cursor: string | undefined, now: Date) {
  const page = await listProceedings(db, cursor ? { status, cursor } : { status }, now);
  const more = page.nextCursor ? `/proceedings?${new URLSearchParams({ status, cursor: page.nextCursor })}` : null;
  return { status, heading: SECTIONS[status], items: page.items.map((p) => proceedingCard(p, now)), more };
}

/** Public notice pages: the proceedings by window state, and each notice with its deadline and documents. */
export function proceedingPages(deps: Deps): Router {
  const router = Router();

  router.get('/proceedings', async (req, res) => {
    const q = singleQuery(req.query, ['status', 'cursor']);
    const now = new Date();
    // An unknown status is refused by listProceedings (400 invalid_status), like the API.
    const statuses = q['status'] ? [q['status'] as Status] : (Object.keys(SECTIONS) as Status[]);
    const sections = await Promise.all(statuses.map((s) => section(deps.db, s, q['status'] ? q['cursor'] : undefined, now)));
    const title = q['status'] ? `Proceedings: ${SECTIONS[q['status'] as Status].toLowerCase()}` : 'Proceedings';
    res.render('proceedings/index', { title, sections, filtered: Boolean(q['status']) });
  });

  router.get('/proceedings/:docket', async (req, res) => {
    res.render('proceedings/notice', await noticeModel(deps, req, String(req.params['docket'])));
  });

  return router;
}
