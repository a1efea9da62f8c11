import { Router } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { createNoteSchema } from './notes.schemas';
import { addNote, noteJson, notesOf } from './notes.service';

const parseCreate = parser(createNoteSchema);
const TAG = 'review';

/** Internal notes on a submission: staff only, never vendor-visible (docs/review-notes-findings.md). */
export function notesApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);

  describe({ method: 'post', path: '/submissions/:id/notes', tag: TAG, summary: 'Add an internal note to a submission (never shown to the vendor).', roles: ['reviewer', 'supervisor'], requestBody: createNoteSchema, response: { status: 201 } });
  router.post('/submissions/:id/notes', requirePermission('note.write'), async (req, res) => {
    const note = await addNote(deps.db, auditContext(req), req.actor!, uuidParam(req.params['id'], 'submission'), parseCreate(req.body));
    res.status(201).json(noteJson(note));
  });

  describe({ method: 'get', path: '/submissions/:id/notes', tag: TAG, summary: 'The internal notes on a submission, newest last, with author and time.', roles: ['reviewer', 'supervisor', 'legal'] });
  router.get('/submissions/:id/notes', requirePermission('note.read'), async (req, res) => {
    const notes = await notesOf(deps.db, askerFor(req), uuidParam(req.params['id'], 'submission'));
    res.json({ items: notes.map(noteJson) });
  });

  return router;
}
