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

  it('writes each kind of command as the sorted JSON of its fields, whatever keys it carries', () => {
    // An independent sorted JSON: keys by UTF-16 code units, undefined fields left out, undefined in arrays as null.
    const reference = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
      if (value === null || typeof value !== 'object') return JSON.stringify(value);
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined && k !== 'context').sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
    };
    const context = { requestId: 'r', dialect: 'wwe', receivedAt: new Date(0) };
    const entries = [
      { key: 'k', type: 'str', value: 'v"q' },
      { key: 'n', type: 'int', value: 7 },
      { key: 'l', type: 'kvlist', value: [{ key: '2', type: 'str', value: 'x' }] },
      { value: 'only a value', key: 'z' },
      { key: 'x', type: 'str', value: 'y', note: 'a key no entry has' },
    ];
    const ref = { by: 'id', value: 'i1' };
    const commands = [
      { kind: 'create', service: 's', context, externalId: 'e', queue: 'q', mediaType: undefined, receivedAt: '2020', userData: entries, extra: { 'oracle.B': '1', 'oracle.A': '2' } },
      { extra: {}, userData: [], kind: 'create', context, service: 's', interactionSubtype: 'b', interactionType: 'a', parentInteractionId: 'p' },
      { kind: 'create', service: 's', context, userData: [], extra: {}, unexpected: { b: 1, a: [undefined, 'x'] } },
      { kind: 'get', service: 's', context, ref },
      { kind: 'update', service: 's', context, ref, asAgent: 'ag', changes: [{ op: 'upsert', entries }, { op: 'delete', keys: ['a', 'b'] }] },
      { kind: 'stop', service: 's', context, ref, reasonSystemName: 'r', reasonDescription: 'd' },
      { kind: 'agent', service: 's', context, ref, agentId: 'a', operation: { op: 'transfer', targetAgentId: 't' } },
      { kind: 'list', service: '*', context, agentId: 'a', workbin: 'w', limit: 3 },
      { kind: 'toString', service: 's', context },
    ];
    for (const command of commands) {
      expect(stableJson(command, 'context')).toBe(reference(command));
      expect(fingerprintOf(command as unknown as Command)).toBe(digest(reference(command)));
    }
  });
});
