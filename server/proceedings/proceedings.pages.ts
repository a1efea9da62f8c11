import { Router, type Request } from 'express';
import type { Deps } from '../deps';
import type { Db } from '../db/database';
import { isStaff, type Actor } from '../access/actor';
import { notFound } from '../http/errors';
import { bytesWithExact } from '../http/format';
import { singleQuery } from '../http/pagination';
import { acceptsResponses } from './deadline';
import { listProceedings } from './proceedings.list';
import { findProceedingByDocket, listNoticeDocuments } from './proceedings.repository';
import { proceedingJson } from './proceeding.json';
import { noticeParagraphs, proceedingCard, type ProceedingCard } from './proceedings.page-model';
import { DOCKET } from './proceedings.schemas';
import { staffHoldView } from './legal-hold.page-model';

type Status = 'open' | 'upcoming' | 'closed';

const SECTIONS: Record<Status, string> = { open: 'Open for responses', upcoming: 'Opening soon', closed: 'Closed' };

/** What the notice page offers: start a response (vendors), sign in or register (everyone else). */
function callToAction(actor: Actor | undefined, card: ProceedingCard) {
  const startHref = `${card.href}/submissions/new`;
  if (!actor) return { kind: 'signed_out', signInHref: `/sign-in?next=${encodeURIComponent(card.href)}`, startHref };
  if (actor.role !== 'vendor') return { kind: 'staff', startHref };
  return { kind: acceptsResponses(card.windowState, card.latePolicy) ? 'vendor' : 'closed', startHref };
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
    limits: { file: bytesWithExact(json.limits.maxFileBytes), files: json.limits.maxFiles, total: bytesWithExact(json.limits.maxTotalBytes) },
    documents: json.noticeDocuments.map((d) => ({ ...d, size: bytesWithExact(d.size) })),
    cta: callToAction(req.actor, card),
    legalHold: req.actor && isStaff(req.actor.role) ? await staffHoldView(deps.db, req.actor, row.id, row.docket) : null,
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
