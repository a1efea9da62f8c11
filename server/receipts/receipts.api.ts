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
import { rawJsonText } from '../http/input-screen';
import { readReceiptText } from './strict-json';
import { verifyReceiptSchema } from './receipts.schemas';
import type { VisibleSubmission } from './submission-lookup';

const parseVerify = parser(verifyReceiptSchema);

/**
 * Receipts: the filer's copy (JSON or PDF), public verification and the public key.
 * `visibleSubmission` comes from the submissions feature, through app.ts.
 */
export function receiptsApi(deps: Deps, visibleSubmission: VisibleSubmission): Router {
  const router = Router();
  const { requireSignIn, askerFor } = createGuards(deps.db);

  describe({ method: 'get', path: '/submissions/:id/receipt', tag: 'receipts', summary: 'The signed receipt of a filed submission (?format=pdf for print).', roles: ['vendor', 'staff'] });
  router.get('/submissions/:id/receipt', requireSignIn, async (req, res) => {
    const { format } = singleQuery(req.query, ['format']);
    if (format && format !== 'json' && format !== 'pdf') throw badRequest('invalid_format', '"format" must be json or pdf.');
    const sub = await visibleSubmission(deps.db, askerFor(req), uuidParam(req.params['id'], 'submission'));
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
    // The body is read again from its exact text: JSON.parse let a repeated member name win silently.
    const raw = rawJsonText(req);
    const body: unknown = raw === undefined ? req.body : readReceiptText(raw);
    res.json(checkReceipt(deps.receiptKey, parseVerify(body).receipt));
  });

  describe({ method: 'get', path: '/receipts/public-key', tag: 'receipts', summary: 'The Ed25519 public key that signs receipts (PEM). Public.' });
  router.get('/receipts/public-key', (_req, res) => {
    res.type('application/x-pem-file').set('X-Key-Id', deps.receiptKey.keyId).send(deps.receiptKey.publicKeyPem);
  });

  return router;
}
