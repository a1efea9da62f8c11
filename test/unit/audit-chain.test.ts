import { createHash } from 'node:crypto';
import { GENESIS_HASH, canonicalJson, chainHash, maskSecrets, type ChainedEvent } from '../../server/audit/audit.chain';

describe('canonicalJson', () => {
  it('when keys come in any order, then the output sorts them and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1, y: 'é' } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":"é","z":1}}');
  });
  it('when members are undefined, then they are left out like JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });
  it('when a string holds control characters or quotes, then they are escaped as JSON', () => {
    expect(canonicalJson({ s: 'a"b\n\u0001' })).toBe('{"s":"a\\"b\\n\\u0001"}');
  });
});

describe('chainHash', () => {
  const event: ChainedEvent = {
    seq: 1, occurredAt: '2026-11-28T00:00:00.000Z', actorId: null, actorRole: 'system', action: 'test.event',
    subjectType: null, subjectId: null, requestId: null, ip: null, userAgent: null, data: { k: 'v' },
  };
  it('when computed, then it equals SHA-256 over prev_hash then the canonical JSON (docs/audit.md)', () => {
    const expected = createHash('sha256').update(GENESIS_HASH + canonicalJson(event)).digest('hex');
    expect(chainHash(GENESIS_HASH, event)).toBe(expected);
  });
  it('when any field changes, then the hash changes', () => {
    expect(chainHash(GENESIS_HASH, { ...event, data: { k: 'w' } })).not.toBe(chainHash(GENESIS_HASH, event));
    expect(chainHash('f'.repeat(64), event)).not.toBe(chainHash(GENESIS_HASH, event));
  });
});

describe('maskSecrets', () => {
  it('when data holds passwords, tokens or TOTP codes at any depth, then they are masked', () => {
    expect(maskSecrets({ password: 'p', list: [{ sessionToken: 't' }], totp: '123456', email: 'a@b' }))
      .toEqual({ password: '[masked]', list: [{ sessionToken: '[masked]' }], totp: '[masked]', email: 'a@b' });
  });
});
