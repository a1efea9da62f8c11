import type { Db } from '../db/database';
import { timeLeft } from './deadline';
import { listProceedings } from './proceedings.list';
import type { proceedingSummaryJson } from './proceeding.json';

/**
 * Proceedings as pages show them (the notice pages here, and the home page's list): built from
 * the API's own JSON, so page and API never disagree.
 */

type Summary = ReturnType<typeof proceedingSummaryJson>;

const LATE_POLICY: Record<string, string> = {
  reject: 'Responses must arrive before the deadline. A response received after it is refused.',
  accept_flagged: 'A response received after the deadline is still accepted, but it is marked late on the record and on its receipt.',
};

/** "2017-11-04T04:59:00Z": the UTC instant to the second (deadlines are set to the minute). */
const utc = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

/** A proceeding as the pages show it: the window in the proceeding's zone and in UTC, and where it stands now. */
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

