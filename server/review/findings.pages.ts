import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { allows } from '../access/authorize';
import type { AppError } from '../http/errors';
import { auditContext } from '../http/context';
import { formatUtc } from '../http/format';
import { createGuards } from '../http/guards';
import { NOT_IN_FORM, formString, refusalToShow, signedIn } from '../http/pages';
import { singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { ADD_ROW, PAGE_ROWS, inputFromRows, rowsFor, rowsFromForm, withBlankRow, type FormRow } from './findings.form';
import { RULING_LABELS } from './findings.labels';
import { RULINGS, saveFindingsSchema } from './findings.schemas';
import { findingsOf, saveFindings } from './findings.service';
import { suggestArguments } from './findings.suggest';
import { reviewSubject } from './notes.pages';

const parseSave = parser(saveFindingsSchema);
const REVIEWABLE = ['submitted', 'in_review'];

/**
 * The findings page of a response: the current findings, the form to save a new version
 * (pre-filled from the latest version, or from the vendor's own numbering when there is none),
 * and every earlier version.
 */
export function findingsPages(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);

  const render = async (req: Request, res: Response, o: { status?: number; error?: AppError; rows?: FormRow[]; notice?: string } = {}) => {
    const actor = signedIn(req);
    const { sub, versions } = await findingsOf(deps.db, askerFor(req), uuidParam(req.params['id'], 'submission'));
    const { saved } = o.status || o.rows ? { saved: undefined } : singleQuery(req.query, ['saved']);
    const latest = versions[versions.length - 1];
    const source = latest ? latest.arguments : suggestArguments(sub.argument);
    const rows = o.rows ?? rowsFor(source);
    const label = (a: { ruling: keyof typeof RULING_LABELS }) => RULING_LABELS[a.ruling];
    res.status(o.status ?? 200).render('review/findings', {
      title: `Findings: ${sub.tracking_number ?? sub.title}`, sub: reviewSubject(sub), error: o.error,
      current: latest ? { version: latest.version, by: latest.created_by_name, at: formatUtc(latest.created_at), arguments: latest.arguments.map((a) => ({ ...a, rulingLabel: label(a) })) } : null,
      history: versions.slice().reverse().map((v) => ({ version: v.version, by: v.created_by_name, at: formatUtc(v.created_at), count: v.arguments.length })),
      canSave: allows(actor, 'findings.save', sub) && sub.kind === 'response' && REVIEWABLE.includes(sub.status),
      prefilledFrom: latest ? `version ${latest.version}` : 'the vendor\'s own numbering',
      rows, full: rows.length >= PAGE_ROWS, maxRows: PAGE_ROWS,
      rulings: RULINGS.map((value) => ({ value, label: RULING_LABELS[value] })),
      notice: o.notice ?? (saved && /^\d{1,6}$/.test(saved) ? `Findings saved as version ${saved}.` : null),
    });
  };

  router.get('/review/submissions/:id/findings', requirePermission('findings.read'), async (req, res) => {
    await render(req, res);
  });

  router.post('/review/submissions/:id/findings', requirePermission('findings.write'), async (req, res) => {
    const id = uuidParam(req.params['id'], 'submission');
    const rows = rowsFromForm(req.body);
    if (formString(req.body, 'action') === ADD_ROW) {
      // "Add another argument": the same form again with what was typed and one more blank row; nothing is saved.
      const more = withBlankRow(rows);
      await render(req, res, { rows: more, notice: more.length > rows.length
        ? `Row ${more.length} added at the end of the form. Nothing is saved until you press Save findings.`
        : `The form holds at most ${PAGE_ROWS} arguments.` });
      return;
    }
    try {
      const saved = await saveFindings(deps.db, auditContext(req), signedIn(req), id, parseSave(inputFromRows(rows)));
      res.redirect(303, `/review/submissions/${id}/findings?saved=${saved.version}`);
    } catch (err) {
      const error = refusalToShow(err, NOT_IN_FORM);
      await render(req, res, { status: error.status, error, rows });
    }
  });

  return router;
}
