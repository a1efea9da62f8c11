import { Router } from 'express';
import type { Deps } from '../deps';
import { badRequest } from '../http/errors';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { singleQuery } from '../http/pagination';
import { responseToArgumentsPdf } from './response-to-arguments.pdf';
import { responseToArguments } from './response-to-arguments.service';

/** The generated response-to-arguments document of a proceeding (JSON, or PDF with ?format=pdf). */
export function responseToArgumentsApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission } = createGuards(deps.db);

  describe({ method: 'get', path: '/proceedings/:docket/response-to-arguments', tag: 'review', summary: 'Every filed response of the proceeding with its numbered arguments and latest findings, grouped by organization; ?format=pdf for the PDF. Recused organizations are left out and counted.', roles: ['reviewer', 'supervisor', 'legal'] });
  router.get('/proceedings/:docket/response-to-arguments', requirePermission('findings.read'), async (req, res) => {
    const { format } = singleQuery(req.query, ['format']);
    if (format && format !== 'json' && format !== 'pdf') throw badRequest('invalid_format', '"format" must be json or pdf.');
    const doc = await responseToArguments(deps.db, req.actor!, String(req.params['docket']));
    if (format !== 'pdf') {
      res.json(doc);
      return;
    }
    const pdf = await responseToArgumentsPdf(doc);
    res.type('application/pdf').attachment(`response-to-arguments-${doc.docket}.pdf`).send(pdf);
  });

  return router;
}
