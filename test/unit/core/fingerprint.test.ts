import { createHash } from 'node:crypto';
import type { Command } from '../../../src/core/command';
import { digest, fingerprintOf, stableJson } from '../../../src/core/fingerprint';

// Records in a shared store (sqlite, redis) outlive a gateway version: the fingerprint's text must not change.
describe('command fingerprint', () => {
  const create = {
    kind: 'create',
    service: 'svc',
    context: { requestId: 'r1', dialect: 'gms', deadline: 5 },
    externalId: 'x1',
    mediaType: undefined,
    userData: [
      { key: 'b', value: '1' },
      { key: 'a', value: { z: 'deep', y: ['k', { q: null, p: undefined }] } },
    ],
    extra: {},
  } as unknown as Command;

  it('is the sha256 of the sorted JSON of everything but the context, as it always was', () => {
    const text =
      '{"externalId":"x1","extra":{},"kind":"create","service":"svc","userData":[{"key":"b","value":"1"},{"key":"a","value":{"y":["k",{"q":null}],"z":"deep"}}]}';
    expect(stableJson(create, 'context')).toBe(text);
    expect(fingerprintOf(create)).toBe(createHash('sha256').update(text).digest('base64url'));
  });

  it('ignores who asked and when, and the order keys were sent in', () => {
    const again = { ...create, context: { requestId: 'r2', dialect: 'gms' }, extra: {} } as unknown as Command;
    const reordered = { userData: (create as { userData: unknown }).userData, externalId: 'x1', service: 'svc', kind: 'create', extra: {}, context: {} } as unknown as Command;
    expect(fingerprintOf(again)).toBe(fingerprintOf(create));
    expect(fingerprintOf(reordered)).toBe(fingerprintOf(create));
    expect(fingerprintOf({ ...create, externalId: 'x2' } as Command)).not.toBe(fingerprintOf(create));
  });

  it('digests to 43 base64url characters', () => {
    expect(digest('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('writes every string as JSON.stringify does, escapes and surrogates included', () => {
    const texts = ['plain', 'a"b', 'back\\slash', 'tab\tnew\nline', '\u0000\u001f', '\u007f', 'é ü', '\u2028', '😀', '\ud800', 'x\udc00y', '</script>'];
    for (const text of texts) {
      expect(stableJson(text)).toBe(JSON.stringify(text));
      expect(stableJson({ [text]: text })).toBe(`{${JSON.stringify(text)}:${JSON.stringify(text)}}`);
    }
  });

  it('sorts keys by UTF-16 code units, integer-like keys too', () => {
    expect(stableJson({ b: 1, a: 2, 10: 3, 9: 4, B: 5 })).toBe('{"10":3,"9":4,"B":5,"a":2,"b":1}');
    expect(stableJson({ a: 1, b: 2, c: 3 })).toBe('{"a":1,"b":2,"c":3}');
  });

  it('skips the named key only at the top', () => {
    expect(stableJson({ a: { context: 1 }, context: 2 }, 'context')).toBe('{"a":{"context":1}}');
  });
});
