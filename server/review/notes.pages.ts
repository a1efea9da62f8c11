import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { allows, authorize } from '../access/authorize';
import type { AppError } from '../http/errors';
import { auditContext } from '../http/context';
import { formatUtc } from '../http/format';
import { createGuards } from '../http/guards';
import { NOT_IN_FORM, formString, refusalToShow, signedIn } from '../http/pages';
import { singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { findSubmission, type SubmissionRow } from '../submissions/submissions.repository';
import { listNotes } from './notes.repository';
import { NOTE_MAX, createNoteSchema } from './notes.schemas';
import { addNote } from './notes.service';

const parseCreate = parser(createNoteSchema);

/** The submission a review page is about, as the page heading names it. */
export const reviewSubject = (sub: SubmissionRow) => ({
  id: sub.id, title: sub.title, trackingNumber: sub.tracking_number, docket: sub.docket,
});

/** Staff pages for a submission's internal notes: the list, newest last, and the add form. */
export function notesPages(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);

  const render = async (req: Request, res: Response, o: { status?: number; error?: AppError; body?: string } = {}) => {
    const actor = signedIn(req);
    const id = uuidParam(req.params['id'], 'submission');
    const sub = await authorize(askerFor(req), 'note.read', { type: 'submission', id }, await findSubmission(deps.db, id));
    const notes = (await listNotes(deps.db, id)).map((n) => ({ id: n.id, body: n.body, author: n.author_name, at: formatUtc(n.created_at), iso: n.created_at.toISOString() }));
    const { added } = o.status ? { added: undefined } : singleQuery(req.query, ['added']);
    res.status(o.status ?? 200).render('review/notes', {
      title: `Notes: ${sub.tracking_number ?? sub.title}`, sub: reviewSubject(sub), notes,
      canAdd: allows(actor, 'note.add', sub), maxLength: NOTE_MAX, body: o.body ?? '', error: o.error,
      notice: added === '1' ? 'Note added. Notes are internal: the vendor never sees them.' : null,
    });
  };

  router.get('/review/submissions/:id/notes', requirePermission('note.read'), async (req, res) => {
    await render(req, res);
  });

  router.post('/review/submissions/:id/notes', requirePermission('note.write'), async (req, res) => {
    const id = uuidParam(req.params['id'], 'submission');
    const body = formString(req.body, 'body');
    try {
      await addNote(deps.db, auditContext(req), signedIn(req), id, parseCreate({ body }));
      res.redirect(303, `/review/submissions/${id}/notes?added=1#notes-heading`);
    } catch (err) {
      const error = refusalToShow(err, NOT_IN_FORM);
      await render(req, res, { status: error.status, error, body });
    }
  });

  return router;
}
