import type { Interaction } from '../../../src/core/interaction';
import { changesVisible } from '../../../src/core/write-outcome';

const interaction = (userData: Interaction['userData']): Interaction => ({
  id: 'I1',
  service: 'svc',
  type: 'Inbound',
  subtype: 'InboundNew',
  mediaType: 'workitem',
  state: 'queued',
  receivedAt: '2026-01-01T00:00:00.000Z',
  submittedAt: '2026-01-01T00:00:00.000Z',
  userData,
});

describe('changesVisible: whether an update whose answer was lost reads back as asked', () => {
  it('holds when each set key has its last value and each deleted key is gone', () => {
    const now = interaction([{ key: 'a', type: 'str', value: '2' }]);
    expect(changesVisible([{ op: 'upsert', entries: [{ key: 'a', type: 'str', value: '1' }] }, { op: 'replace', entries: [{ key: 'a', type: 'str', value: '2' }] }, { op: 'delete', keys: ['b'] }], now)).toBe(true);
  });

  it('fails on a key still present, a key missing, or another value', () => {
    const now = interaction([{ key: 'a', type: 'str', value: '1' }, { key: 'b', type: 'str', value: '1' }]);
    expect(changesVisible([{ op: 'delete', keys: ['b'] }], now)).toBe(false);
    expect(changesVisible([{ op: 'upsert', entries: [{ key: 'c', type: 'str', value: '1' }] }], now)).toBe(false);
    expect(changesVisible([{ op: 'upsert', entries: [{ key: 'a', type: 'str', value: '2' }] }], now)).toBe(false);
  });

  it('compares values as text, as a backend keeping strings only (Oracle DataValue) shows them', () => {
    const now = interaction([{ key: 'n', type: 'str', value: '42' }, { key: 'o', type: 'str', value: '{"y":2,"x":1}' }]);
    const kvlist = [{ key: 'x', type: 'int' as const, value: 1 }, { key: 'y', type: 'int' as const, value: 2 }];
    expect(changesVisible([{ op: 'upsert', entries: [{ key: 'n', type: 'int', value: 42 }, { key: 'o', type: 'kvlist', value: kvlist }] }], now)).toBe(true);
  });
});
