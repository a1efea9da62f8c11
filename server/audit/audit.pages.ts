import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { notFound } from '../http/errors';
import { formatUtc } from '../http/format';
import { refusalToShow } from '../http/pages';
import { singleQuery } from '../http/pagination';
import { nextCursorOf } from './audit.filters';
import {
  FIELD_OF, FORM_FIELDS, browseQuery, chosenAction, eventDetail, eventRow, pageHref, readBrowseForm, type BrowseForm,
} from './audit.page-model';
import { recordBrowsed, recordEventViewed, runVerification } from './audit.record';
import { actorsByIds, findEvent, knownActions, latestEvent, listEvents } from './audit.repository';

const MAX_SEQ_DIGITS = 15;

/**
 * The audit browser for legal staff (/record/audit): filter, page through in sequence order, open
 * one event; and the chain verification (/record/audit/verify, legal and administrators). Each
 * page shown and each verification run leaves an event of its own (audit.record.ts).
 */
export function auditPages(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);

  const renderList = async (res: Response, form: BrowseForm, extra: Record<string, unknown>) => {
    const actions = await knownActions(deps.db);
    const action = chosenAction(form);
    const listed = actions.includes(action);
    res.render('audit/list', {
      title: 'Audit trail', form: { ...form, action: listed ? action : '', actionOther: listed ? '' : action }, actions,
      fieldErrors: {}, ...extra,
    });
  };

  router.get('/record/audit', requirePermission('audit.read'), async (req: Request, res: Response) => {
    const q = singleQuery(req.query, FORM_FIELDS);
    const form = readBrowseForm(q);
    let query;
    try {
      query = await browseQuery(deps.db, form, q['cursor']);
    } catch (thrown) {
      const error = refusalToShow(thrown, [401, 403, 404]);
      const named = error.details[0]?.['field'];
      const field = typeof named === 'string' ? FIELD_OF[named] : undefined;
      res.status(error.status);
      return renderList(res, form, { title: 'Error: Audit trail', error, fieldErrors: field ? { [field]: error.message } : {}, searched: false });
    }
    const rows = await listEvents(deps.db, query.filter, query.after, query.limit);
    const page = rows.slice(0, query.limit);
    const actors = await actorsByIds(deps.db, page.flatMap((r) => (r.actor_id ? [r.actor_id] : [])));
    await recordBrowsed(deps.db, auditContext(req), query.filter, query.after, page.length);
    const next = nextCursorOf(rows, query.limit);
    await renderList(res, form, {
      searched: true, events: page.map((r) => eventRow(r, actors)),
      nextHref: next ? pageHref(form, next) : null, firstHref: query.after > 0 ? pageHref(form, null) : null,
    });
  });

  router.get('/record/audit/events/:seq', requirePermission('audit.read'), async (req, res) => {
    const raw = String(req.params['seq']);
    if (!new RegExp(`^[1-9][0-9]{0,${MAX_SEQ_DIGITS - 1}}$`).test(raw)) throw notFound('audit event');
    const row = await findEvent(deps.db, Number(raw));
    if (!row) throw notFound('audit event');
    const actors = await actorsByIds(deps.db, row.actor_id ? [row.actor_id] : []);
    await recordEventViewed(deps.db, auditContext(req), Number(row.seq));
    const seq = Number(row.seq);
    res.render('audit/event', {
      title: `Audit event ${seq}`, event: eventDetail(row, actors),
      previousHref: seq > 1 ? `/record/audit/events/${seq - 1}` : null, nextHref: `/record/audit/events/${seq + 1}`,
    });
  });

  const lastRun = async () => {
    const row = await latestEvent(deps.db, 'audit.verified');
    return row ? { seq: Number(row.seq), time: formatUtc(row.occurred_at), data: row.data } : null;
  };

  router.get('/record/audit/verify', requirePermission('audit.verify'), async (_req, res) => {
    res.render('audit/verify', { title: 'Verify the audit trail', lastRun: await lastRun() });
  });

  router.post('/record/audit/verify', requirePermission('audit.verify'), async (req, res) => {
    const result = await runVerification(deps.db, auditContext(req), 'page');
    res.render('audit/verify', { title: result.ok ? 'Audit trail intact' : 'Audit trail broken', result, lastRun: await lastRun() });
  });

  return router;
}
