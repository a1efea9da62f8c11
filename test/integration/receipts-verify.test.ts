import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { csrfFrom } from '../helpers/session';
import { checkReceipt, type Receipt } from '../../server/receipts/receipt';
import { signPayload } from '../../server/receipts/signing';

let t: TestApp;
let receipt: Receipt;
/** A receipt signed by the portal's key whose signature uses both "+" and "/" (so base64url differs). */
let mixed: Receipt;

beforeAll(async () => {
  t = await startTestApp();
  const vendor = await buildUser(t.deps);
  const auth = { Authorization: `Bearer ${await tokenFor(t.app, vendor)}` };
  const p = await buildProceeding(t.deps);
  const draft = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set(auth).send({ title: 'Response', argument: 'Argument.' });
  const filed = await request(t.app).post(`/api/v1/submissions/${draft.body.id}/submit`).set(auth).send({ certification: { accepted: true, signature: 'Zoë Filer' } });
  receipt = filed.body.receipt as Receipt;
  for (let i = 0; !mixed; i += 1) {
    const payload = { ...receipt.payload, trackingNumber: `${receipt.payload.trackingNumber}-${i}` };
    const signature = signPayload(t.deps.receiptKey, payload);
    if (/\+/.test(signature.value) && /\//.test(signature.value)) mixed = { payload, signature };
  }
});
afterAll(async () => { await t.close(); });

const verifyApi = (body: string) => request(t.app).post('/api/v1/receipts/verify').set('Content-Type', 'application/json').send(body);
const withValue = (r: Receipt, value: string): string => JSON.stringify({ receipt: { ...r, signature: { ...r.signature, value } } });

/** The same 64 bytes spelled with other bits in the unused low four bits of the 86th character. */
function lowBitsVariant(value: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const i = alphabet.indexOf(value[85]!);
  return `${value.slice(0, 85)}${alphabet[(i & 0b110000) | ((i + 1) & 0b001111)]}==`;
}

describe('signature encoding: one spelling only', () => {
  it('when the signature is exactly as issued, then it verifies (both test receipts)', async () => {
    expect((await verifyApi(JSON.stringify({ receipt }))).body).toEqual({ valid: true });
    expect((await verifyApi(JSON.stringify({ receipt: mixed }))).body).toEqual({ valid: true });
  });

  const spellings: Array<[string, (v: string) => string]> = [
    ['"!!" appended', (v) => `${v}!!`],
    ['a space inside', (v) => `${v.slice(0, 40)} ${v.slice(40)}`],
    ['leading and trailing spaces', (v) => ` ${v} `],
    ['a trailing newline', (v) => `${v}\n`],
    ['a MIME line break', (v) => `${v.slice(0, 76)}\r\n${v.slice(76)}`],
    ['no padding', (v) => v.replace(/=+$/, '')],
    ['one "=" only', (v) => v.slice(0, -1)],
    ['extra padding', (v) => `${v}=`],
    ['base64url letters', (v) => v.replace(/\+/g, '-').replace(/\//g, '_')],
    ['base64url without padding', (v) => v.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')],
    ['other unused low bits in the last character', lowBitsVariant],
  ];
  it.each(spellings)('when the value has %s (decoding to the same bytes), then 422 signature_not_canonical', async (_what, spell) => {
    const value = spell(mixed.signature.value);
    expect(value).not.toBe(mixed.signature.value);
    expect(Buffer.from(value, 'base64').equals(Buffer.from(mixed.signature.value, 'base64'))).toBe(true); // Node alone would accept it
    const res = await verifyApi(withValue(mixed, value));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'signature_not_canonical', details: [{ field: 'signature.value', problem: 'not_canonical' }] });
  });

  it('when letters change case or S is replaced by S + L (other bytes), then not valid', async () => {
    const v = mixed.signature.value;
    const at = v.search(/[a-z]/);
    const flipped = `${v.slice(0, at)}${v[at]!.toUpperCase()}${v.slice(at + 1)}`;
    expect((await verifyApi(withValue(mixed, flipped))).body).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
    const bytes = Buffer.from(v, 'base64');
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt(`0x${Buffer.from(bytes.subarray(32)).reverse().toString('hex')}`) + L;
    const sPlusL = Buffer.concat([bytes.subarray(0, 32), Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse()]).toString('base64');
    expect((await verifyApi(withValue(mixed, sPlusL))).body).toMatchObject({ valid: false });
  });

  it('when the verification page gets a re-spelled signature, then it shows signature_not_canonical and keeps the text', async () => {
    const visitor = request.agent(t.app);
    const csrf = csrfFrom((await visitor.get('/receipts/verify')).text);
    const text = JSON.stringify({ ...mixed, signature: { ...mixed.signature, value: `${mixed.signature.value}!!` } });
    const res = await visitor.post('/receipts/verify').type('form').send({ _csrf: csrf, receipt: text });
    expect(res.status).toBe(422);
    expect(res.text).toContain('signature_not_canonical');
    expect(res.text).toContain(`${mixed.signature.value}!!`);
    expect(res.text).not.toContain('Valid: signed by this portal');
  });
});

describe('duplicate member names: one reading only', () => {
  const signedText = () => JSON.stringify({ receipt });
  const cases: Array<[string, () => string, string]> = [
    ['top level', () => `{"receipt":${JSON.stringify(receipt)},"receipt":${JSON.stringify(receipt)}}`, 'receipt'],
    ['the payload, last one the signed value', () => signedText().replace('"late":false', '"late":true,"late":false'), 'receipt.payload.late'],
    ['the payload, spelled with an escape', () => signedText().replace('"late":false', '"\\u006cate":true,"late":false'), 'receipt.payload.late'],
    ['a nested object', () => signedText().replace('"submitter":{', '"submitter":{"name":"Someone Else",'), 'receipt.payload.submitter.name'],
    ['the signature', () => signedText().replace('"algorithm":"Ed25519"', '"algorithm":"none","algorithm":"Ed25519"'), 'receipt.signature.algorithm'],
    ['an array element', () => signedText().replace('"documents":[', `"documents":[{"id":"a","\\u0069d":"b"}${receipt.payload.documents.length ? ',' : ''}`), 'receipt.payload.documents[0].id'],
  ];

  it.each(cases)('when a member is repeated in %s, then 400 duplicate_json_key naming it', async (_where, build, field) => {
    const text = build();
    const res = await verifyApi(text);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'duplicate_json_key', details: [{ field, problem: 'duplicate' }] });
  });

  it('when JSON.parse would read a repeated member as the signed value, then the portal still refuses it', async () => {
    const text = cases[1]![1]();
    expect(checkReceipt(t.deps.receiptKey, (JSON.parse(text) as { receipt: Receipt }).receipt)).toEqual({ valid: true }); // the old reading
    expect((await verifyApi(text)).status).toBe(400);
    const visitor = request.agent(t.app);
    const csrf = csrfFrom((await visitor.get('/receipts/verify')).text);
    const page = await visitor.post('/receipts/verify').type('form').send({ _csrf: csrf, receipt: JSON.stringify(JSON.parse(text).receipt).replace('"late":false', '"late":true,"late":false') });
    expect(page.status).toBe(400);
    expect(page.text).toContain('duplicate_json_key');
  });
});
