import { Router, type Response } from 'express';
import type { Deps } from '../deps';
import { createGuards } from '../http/guards';
import { AppError, badRequest, notFound } from '../http/errors';
import { singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { formString, refusalToShow } from '../http/pages';
import { exactBytes, formatUtc } from '../http/format';
import { checkReceipt, type Receipt, type ReceiptPayload } from './receipt';
import { readReceiptText } from './strict-json';
import type { VisibleSubmission } from './submission-lookup';

/** What the receipt page and a successful verification show, from the signed payload only. */
function receiptModel(p: ReceiptPayload) {
  return {
    ...p,
    receivedUtc: formatUtc(p.submittedAt),
    documents: p.documents.map((d) => ({ ...d, exactSize: exactBytes(d.size) })),
  };
}

/**
 * Reads the pasted text as a receipt: the file the portal hands out ({payload, signature}) or the
 * API's request body ({receipt: {...}}). Anything that is not a JSON object is a clear 400.
 */
function pastedReceipt(text: string): { payload?: unknown; signature?: { algorithm?: string; keyId?: string; value?: string } } {
  if (!text.trim()) throw badRequest('receipt_required', 'Paste the receipt (the JSON file you downloaded) into the box.');
  const parsed = readReceiptText(text); // malformed_json, or duplicate_json_key for a repeated member
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(parsed)) throw badRequest('not_a_receipt', 'The JSON is not a receipt: a receipt is an object with "payload" and "signature".');
  const inner = isObject(parsed['receipt']) && !('payload' in parsed) ? parsed['receipt'] : parsed;
  return inner as ReturnType<typeof pastedReceipt>;
}

/**
 * The printable receipt page of a filed submission and the public receipt verification page.
 * `visibleSubmission` comes from the submissions feature, through app.ts.
 */
export function receiptPages(deps: Deps, visibleSubmission: VisibleSubmission): Router {
  const router = Router();
  const { askerFor } = createGuards(deps.db);

  router.get('/submissions/:id/receipt', async (req, res) => {
    const asker = askerFor(req);
    const { filed } = singleQuery(req.query, ['filed']);
    // Another organization's receipt is a 404 like any unknown id, and the denial is audited.
    const sub = await visibleSubmission(deps.db, asker, uuidParam(req.params['id'], 'submission'));
    if (!sub.receipt) throw notFound('receipt');
    const receipt = sub.receipt as unknown as Receipt;
    res.render('receipts/receipt', {
      title: `Receipt ${receipt.payload.trackingNumber}`, receipt: receiptModel(receipt.payload), signature: receipt.signature,
      submissionId: sub.id, filed: filed === '1', withdrawn: sub.status === 'withdrawn',
    });
  });

  const renderVerify = (res: Response, o: { status?: number; text?: string; error?: AppError; result?: { valid: boolean; reason?: string }; payload?: ReceiptPayload } = {}) => {
    res.status(o.status ?? 200).render('receipts/verify', {
      title: 'Verify a receipt', text: o.text ?? '', error: o.error, result: o.result,
      receipt: o.payload ? receiptModel(o.payload) : null, keyId: deps.receiptKey.keyId,
    });
  };

  router.get('/receipts/verify', (_req, res) => {
    renderVerify(res);
  });

  router.post('/receipts/verify', (req, res) => {
    const text = formString(req.body, 'receipt');
    let receipt: ReturnType<typeof pastedReceipt>;
    let result: { valid: boolean; reason?: string };
    try {
      receipt = pastedReceipt(text);
      result = checkReceipt(deps.receiptKey, receipt);
    } catch (err) {
      const error = refusalToShow(err);
      return renderVerify(res, { status: error.status, text, error });
    }
    // Only a valid receipt's contents are shown: an invalid one may say anything.
    renderVerify(res, { text, result, payload: result.valid ? receipt.payload as ReceiptPayload : undefined });
  });

  return router;
}
