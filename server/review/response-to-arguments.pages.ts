import { Router } from 'express';
import type { Deps } from '../deps';
import { formatUtc } from '../http/format';
import { createGuards } from '../http/guards';
import { signedIn } from '../http/pages';
import { singleQuery } from '../http/pagination';
import { RULING_LABELS } from './findings.labels';
import { omittedNotice, responseToArguments } from './response-to-arguments.service';

/** The response-to-arguments document of a proceeding as a staff page (the PDF is the API's). */
export function responseToArgumentsPages(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);

  router.get('/proceedings/:docket/response-to-arguments', requirePermission('findings.read'), async (req, res) => {
    singleQuery(req.query, []);
    const doc = await responseToArguments(deps.db, signedIn(req), String(req.params['docket']));
    const organizations = doc.organizations.map((o) => ({
      ...o,
      responses: o.responses.map((r) => ({
        ...r, arguments: r.arguments.map((a) => ({ ...a, rulingLabel: a.ruling ? RULING_LABELS[a.ruling] : 'No finding yet' })),
      })),
    }));
    res.render('review/response-to-arguments', {
      title: `Response to arguments: ${doc.docket}`, doc, organizations, generated: formatUtc(doc.generatedAt),
      omitted: omittedNotice(doc.omittedRecused),
      pdfUrl: `/api/v1/proceedings/${encodeURIComponent(doc.docket)}/response-to-arguments?format=pdf`,
    });
  });

  return router;
}
