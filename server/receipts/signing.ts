import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../audit/audit.chain';
import { unprocessable } from '../http/errors';

/** The portal's Ed25519 receipt key: private part signs, public part is published. */
export interface ReceiptKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** First 16 hex digits of SHA-256 over the public key (SPKI DER): names the key in receipts. */
  keyId: string;
}

/** Loads RECEIPT_SIGNING_KEY (PKCS#8 PEM); refuses anything but Ed25519. */
export function loadReceiptKey(pem: string): ReceiptKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('RECEIPT_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)');
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey, publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: createHash('sha256').update(der).digest('hex').slice(0, 16),
  };
}

export interface Signature { algorithm: 'Ed25519'; keyId: string; value: string }

/** Signs the canonical JSON (docs/audit.md's definition) of `payload`. */
export function signPayload(key: ReceiptKey, payload: unknown): Signature {
  const value = sign(null, Buffer.from(canonicalJson(payload), 'utf8'), key.privateKey).toString('base64');
  return { algorithm: 'Ed25519', keyId: key.keyId, value };
}

/** Ed25519 signatures are 64 bytes: in standard base64 with padding, exactly 88 characters. */
const SIGNATURE_VALUE = /^[A-Za-z0-9+/]{86}==$/;

/**
 * The signature bytes if `value` is their one canonical encoding, else null. Buffer.from(.., 'base64')
 * also reads base64url, skips spaces and junk, and ignores missing padding and the unused low bits
 * of the last character, so many spellings decode alike; only the spelling the portal issues
 * (re-encoding gives it back) is accepted, so a receipt has exactly one valid form.
 */
export function decodeSignatureValue(value: string): Buffer | null {
  if (!SIGNATURE_VALUE.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 64 && bytes.toString('base64') === value ? bytes : null;
}

/** Refuses a presented signature value in any spelling but the canonical one: 422 `signature_not_canonical`. */
export function assertCanonicalSignature(value: string): void {
  if (decodeSignatureValue(value)) return;
  throw unprocessable('signature_not_canonical', 'The signature "value" must be exactly as the portal issued it: 88 characters of standard base64 ending in "==", with no spaces, line breaks, URL-safe letters (- or _) or anything else. Use the receipt file unchanged.', [{ field: 'signature.value', problem: 'not_canonical' }]);
}

/** True when `signature` is this key's signature, canonically encoded, over `payload`'s canonical JSON. */
export function verifyPayload(key: ReceiptKey, payload: unknown, signature: Signature): boolean {
  if (signature.algorithm !== 'Ed25519' || signature.keyId !== key.keyId) return false;
  const bytes = decodeSignatureValue(signature.value);
  if (!bytes) return false;
  let message: Buffer;
  try {
    message = Buffer.from(canonicalJson(payload), 'utf8');
  } catch {
    return false; // a payload with no canonical form (e.g. a lone surrogate) was never signed
  }
  return verify(null, message, key.publicKey, bytes);
}
