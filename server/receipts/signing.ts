import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../audit/audit.chain';

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

/** True when `signature` is this key's signature over `payload`'s canonical JSON. */
export function verifyPayload(key: ReceiptKey, payload: unknown, signature: Signature): boolean {
  if (signature.algorithm !== 'Ed25519' || signature.keyId !== key.keyId) return false;
  const bytes = Buffer.from(signature.value, 'base64');
  if (bytes.length !== 64) return false;
  return verify(null, Buffer.from(canonicalJson(payload), 'utf8'), key.publicKey, bytes);
}
