import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/audit.chain';
import { assertCanonicalSignature, signPayload, verifyPayload, type ReceiptKey, type Signature } from './signing';

/** What a vendor keeps after filing (PRODUCT.md: Receipt). Field meanings: docs/receipts.md. */
export interface ReceiptPayload {
  receiptVersion: 1;
  trackingNumber: string;
  docket: string;
  submissionId: string;
  kind: string;
  parentTrackingNumber: string | null;
  submittedAt: string;
  late: boolean;
  submitter: { id: string; name: string; email: string };
  organization: { id: string; legalName: string; country: string };
  documents: Array<{ id: string; label: string; originalName: string; mediaType: string; size: number; sha256: string; confidential: boolean }>;
  contentDigest: string;
  auditHead: { seq: number; hash: string };
}

export interface Receipt { payload: ReceiptPayload; signature: Signature }

/** A filed document as the receipt and the digest read it (a `documents` row has these columns). */
export interface FiledDocument {
  id: string;
  label: string;
  original_name: string;
  media_type: string;
  size: string | number;
  sha256: string;
  confidential: boolean;
  public_version_of: string | null;
}

/** What the content digest covers of a submission (a submission row with its docket has these). */
export interface FiledContent {
  id: string;
  docket: string;
  organization_id: string;
  kind: string;
  parent_id: string | null;
  title: string;
  summary: string;
  argument: string;
  fields: unknown;
}

/** Documents in the order the receipt and the digest list them. */
export const receiptDocuments = (docs: readonly FiledDocument[]): ReceiptPayload['documents'] =>
  [...docs].sort((a, b) => a.id.localeCompare(b.id)).map((d) => ({
    id: d.id, label: d.label, originalName: d.original_name, mediaType: d.media_type,
    size: Number(d.size), sha256: d.sha256, confidential: d.confidential,
  }));

/**
 * SHA-256 over the canonical JSON of everything the vendor filed: the written parts, the
 * structured fields, the certification and every document's identity and hash.
 */
export function contentDigest(sub: FiledContent, docs: readonly FiledDocument[], certification: object): string {
  const content = {
    submissionId: sub.id, docket: sub.docket, organizationId: sub.organization_id, kind: sub.kind, parentId: sub.parent_id,
    title: sub.title, summary: sub.summary, argument: sub.argument, fields: sub.fields, certification,
    documents: receiptDocuments(docs).map((d) => ({ ...d, publicVersionOf: docs.find((x) => x.id === d.id)?.public_version_of ?? null })),
  };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

export const signReceipt = (key: ReceiptKey, payload: ReceiptPayload): Receipt => ({ payload, signature: signPayload(key, payload) });

/**
 * Checks a receipt someone presents: shape, key and Ed25519 signature. A signature value in any
 * spelling but the canonical one is refused with 422 `signature_not_canonical` (docs/receipts.md).
 */
export function checkReceipt(key: ReceiptKey, receipt: { payload?: unknown; signature?: { algorithm?: string; keyId?: string; value?: string } }): { valid: boolean; reason?: string } {
  const sig = receipt.signature;
  if (!receipt.payload || typeof receipt.payload !== 'object' || !sig || typeof sig.value !== 'string') {
    return { valid: false, reason: 'malformed: a receipt has "payload" and "signature" {algorithm, keyId, value}' };
  }
  assertCanonicalSignature(sig.value);
  if (sig.keyId !== key.keyId) return { valid: false, reason: `signed with an unknown key (${String(sig.keyId)}); this portal's key is ${key.keyId}` };
  return verifyPayload(key, receipt.payload, sig as Signature)
    ? { valid: true }
    : { valid: false, reason: 'signature does not match the contents: the receipt was altered or not issued by this portal' };
}
