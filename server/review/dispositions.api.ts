import { Router, type Response } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { ifMatchVersion } from '../http/if-match';
import { describe } from '../http/openapi';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { dispositionJson } from './dispositions.json';
import { dispositionSchema, supersedeSchema } from './dispositions.schemas';
import { draftCorrection, saveDisposition } from './dispositions.service';
import { approveDisposition, issueDisposition, previewDisposition, readDispositions } from './dispositions.workflow';
import type { DispositionRow } from './dispositions.repository';
import { renderHtml } from './dispositions.view';

const parseWords = parser(dispositionSchema);
const parseSupersede = parser(supersedeSchema);
const TAG = 'review';
const STAFF = ['reviewer', 'supervisor'];
const path = '/submissions/:id/disposition';

/**
 * Dispositions: drafted and edited (If-Match), approved by a second supervisor, previewed and
 * issued to the vendor, superseded by a correction. Vendors get 404 on all of these.
 */
export function dispositionsApi(deps: Deps): Router {
  const router = Router();
  const { requireSignIn } = createGuards(deps.db);
  const env = { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) };
  const send = (res: Response, d: DispositionRow, status = 200) => { res.status(status).set('ETag', `"${d.version}"`).json(dispositionJson(d)); };

  describe({ method: 'put', path, tag: TAG, summary: 'Draft the disposition, or edit the pending one (If-Match: <version> required once drafted; 428 without, 409 when stale). Editing an approved one returns it to draft.', roles: STAFF, requestBody: dispositionSchema });
  router.put(path, requireSignIn, async (req, res) => {
    const id = uuidParam(req.params['id']);
    const expected = ifMatchVersion(req);
    const row = await saveDisposition(deps.db, auditContext(req), req.actor!, id, parseWords(req.body), expected);
    send(res, row, row.version === 1 ? 201 : 200);
  });

  describe({ method: 'get', path, tag: TAG, summary: 'The pending and the issued disposition, with the history (staff).', roles: STAFF });
  router.get(path, requireSignIn, async (req, res) => {
    const c = await readDispositions(deps.db, auditContext(req), req.actor!, uuidParam(req.params['id']));
    if (c.pending) res.set('ETag', `"${c.pending.version}"`);
    res.json({
      pending: c.pending ? dispositionJson(c.pending) : null, issued: c.issued ? dispositionJson(c.issued) : null,
      history: c.history.map(dispositionJson),
    });
  });

  describe({ method: 'get', path: `${path}/preview`, tag: TAG, summary: 'Exactly what the vendor will see when the pending disposition is issued: its page and the e-mail.', roles: STAFF });
  router.get(`${path}/preview`, requireSignIn, async (req, res) => {
    const p = await previewDisposition(deps.db, auditContext(req), req.actor!, env, uuidParam(req.params['id']));
    const html = await renderHtml(res, 'submissions/_disposition.njk', { disposition: p.page });
    res.set('ETag', `"${p.disposition.version}"`).json({ disposition: dispositionJson(p.disposition), page: { ...p.page, html }, email: p.email });
  });

  describe({ method: 'post', path: `${path}/approve`, tag: TAG, summary: 'Approve the pending draft: a supervisor who neither drafted nor edited it (403 two_person_rule). Optional If-Match.', roles: ['supervisor'] });
  router.post(`${path}/approve`, requireSignIn, async (req, res) => {
    send(res, await approveDisposition(deps.db, auditContext(req), req.actor!, uuidParam(req.params['id']), ifMatchVersion(req)));
  });

  describe({ method: 'post', path: `${path}/issue`, tag: TAG, summary: 'Issue the approved disposition: the submission becomes decided and the vendor is e-mailed. Optional If-Match.', roles: ['supervisor'] });
  router.post(`${path}/issue`, requireSignIn, async (req, res) => {
    send(res, await issueDisposition(deps.db, auditContext(req), req.actor!, env, uuidParam(req.params['id']), ifMatchVersion(req)));
  });

  describe({ method: 'post', path: `${path}/supersede`, tag: TAG, summary: 'Draft a correction of the issued disposition of a decided submission, with a reason.', roles: STAFF, requestBody: supersedeSchema });
  router.post(`${path}/supersede`, requireSignIn, async (req, res) => {
    send(res, await draftCorrection(deps.db, auditContext(req), req.actor!, uuidParam(req.params['id']), parseSupersede(req.body)), 201);
  });

  return router;
}
