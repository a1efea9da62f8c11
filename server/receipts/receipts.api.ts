import { Router } from 'express';
import type { Deps } from '../deps';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { parser } from '../http/validate';
import { badRequest, notFound } from '../http/errors';
import { uuidParam } from '../http/params';
import { singleQuery } from '../http/pagination';
import { checkReceipt, type Receipt } from './receipt';
import { receiptPdf } from './receipt.pdf';
import { verifyReceiptSchema } from './receipts.schemas';
import type { VisibleSubmission } from './submission-lookup';

const parseVerify = parser(verifyReceiptSchema);

/**
 * Receipts: the filer's copy (JSON or PDF), public verification and the public key.
 * `visibleSubmission` comes from the submissions feature, through app.ts.
 */
export function receiptsApi(deps: Deps, visibleSubmission: VisibleSubmission): Router {
  const router = Router();
  const { requireSignIn, hideFromActor } = createGuards(deps.db);

  describe({ method: 'get', path: '/submissions/:id/receipt', tag: 'receipts', summary: 'The signed receipt of a filed submission (?format=pdf for print).', roles: ['vendor', 'staff'] });
  router.get('/submissions/:id/receipt', requireSignIn, async (req, res) => {
    const { format } = singleQuery(req.query, ['format']);
    if (format && format !== 'json' && format !== 'pdf') throw badRequest('invalid_format', '"format" must be json or pdf.');
    const sub = await visibleSubmission(deps.db, req.actor!, uuidParam(req.params['id'], 'submission'), (s) => hideFromActor(req, s));
    if (!sub.receipt) throw notFound('receipt');
    const receipt = sub.receipt as unknown as Receipt;
    if (format === 'pdf') {
      const pdf = await receiptPdf(receipt, deps.config.publicUrl);
      res.type('application/pdf').attachment(`receipt-${receipt.payload.trackingNumber}.pdf`).send(pdf);
      return;
    }
    res.json(receipt);
  });

  describe({ method: 'post', path: '/receipts/verify', tag: 'receipts', summary: 'Check a receipt\'s signature: {valid, reason?}. Public.', requestBody: verifyReceiptSchema });
  router.post('/receipts/verify', (req, res) => {
    res.json(checkReceipt(deps.receiptKey, parseVerify(req.body).receipt));
  });

  describe({ method: 'get', path: '/receipts/public-key', tag: 'receipts', summary: 'The Ed25519 public key that signs receipts (PEM). Public.' });
  router.get('/receipts/public-key', (_req, res) => {
    res.type('application/x-pem-file').set('X-Key-Id', deps.receiptKey.keyId).send(deps.receiptKey.publicKeyPem);
  });

  return router;
}
