import type { UserData } from '../../src/core/user-data';
import { byId, ISO_8601, strings } from './contract-harness';
import type { CaseBody } from './core-cases';

const nested: UserData = [
  { key: 'Customer', type: 'kvlist', value: [
    { key: 'Name', type: 'str', value: 'Ada' },
    { key: 'Address', type: 'kvlist', value: [{ key: 'City', type: 'str', value: 'Paris' }] },
  ] },
];

/**
 * Behaviour that only a wire as rich as the canonical model can carry: typed values, nesting, order, duplicate
 * keys, stop reasons and timestamps. A driver in front of a lossier dialect skips these by name, with its reason.
 */
export const fidelityCases = {
  'fidelity: int values keep their type': async (h) => {
    const { id } = await h.create({ userData: [{ key: 'Priority', type: 'int', value: 42 }, ...strings({ s: '42' })] });
    await h.update(byId(id), [{ op: 'upsert', entries: [{ key: 'Attempts', type: 'int', value: 3 }] }]);
    expect((await h.get(byId(id))).userData).toEqual([
      { key: 'Priority', type: 'int', value: 42 },
      { key: 's', type: 'str', value: '42' },
      { key: 'Attempts', type: 'int', value: 3 },
    ]);
  },

  'fidelity: kvlist values nest': async (h) => {
    const { id } = await h.create({ userData: nested });
    expect((await h.get(byId(id))).userData).toEqual(nested);
    const replaced: UserData = [{ key: 'Customer', type: 'kvlist', value: [{ key: 'Tier', type: 'int', value: 1 }] }];
    await h.update(byId(id), [{ op: 'upsert', entries: replaced }]);
    expect((await h.get(byId(id))).userData).toEqual(replaced);
  },

  'fidelity: user data order is kept': async (h) => {
    const { id } = await h.create({ userData: strings({ zeta: '1', alpha: '2', mid: '3' }) });
    await h.update(byId(id), [{ op: 'upsert', entries: strings({ alpha: '20', omega: '4' }) }]);
    expect((await h.get(byId(id))).userData).toEqual(strings({ zeta: '1', alpha: '20', mid: '3', omega: '4' }));
  },

  'fidelity: add with keepDuplicates keeps both entries': async (h) => {
    const { id } = await h.create({ userData: strings({ k: '1', other: 'x' }) });
    await h.update(byId(id), [{ op: 'add', keepDuplicates: true, entries: strings({ k: '2' }) }]);
    expect((await h.get(byId(id))).userData).toEqual([...strings({ k: '1', other: 'x' }), ...strings({ k: '2' })]);
  },

  'fidelity: upsert collapses duplicate entries': async (h) => {
    const { id } = await h.create({ userData: strings({ k: '1', other: 'x' }) });
    await h.update(byId(id), [
      { op: 'add', keepDuplicates: true, entries: strings({ k: '2' }) },
      { op: 'upsert', entries: strings({ k: '3' }) },
    ]);
    expect((await h.get(byId(id))).userData).toEqual(strings({ k: '3', other: 'x' }));
  },

  'fidelity: delete removes every entry of the key': async (h) => {
    const { id } = await h.create({ userData: strings({ k: '1', other: 'x' }) });
    await h.update(byId(id), [{ op: 'add', keepDuplicates: true, entries: strings({ k: '2' }) }]);
    await h.update(byId(id), [{ op: 'delete', keys: ['k'] }]);
    expect((await h.get(byId(id))).userData).toEqual(strings({ other: 'x' }));
  },

  'fidelity: stop reason visible on get': async (h) => {
    const { id } = await h.create({ externalId: h.externalId() });
    await h.stop(byId(id), { reasonSystemName: 'ORDER CANCELLED', reasonDescription: 'customer cancelled' });
    const got = await h.get(byId(id));
    expect(got.stopReason).toEqual({ systemName: 'ORDER CANCELLED', description: 'customer cancelled' });
  },

  'fidelity: type, subtype and media type kept': async (h) => {
    const got = await h.createAndGet({ interactionType: 'Outbound', interactionSubtype: 'OutboundNew', mediaType: 'email' });
    expect(got).toMatchObject({ type: 'Outbound', subtype: 'OutboundNew', mediaType: 'email' });
  },

  'fidelity: queue kept': async (h) => {
    const got = await h.createAndGet({ queue: 'contract-queue' });
    expect(got.queue).toBe('contract-queue');
  },

  'fidelity: parentInteractionId kept': async (h) => {
    const parent = await h.create();
    const got = await h.createAndGet({ parentInteractionId: parent.id });
    expect(got.parentInteractionId).toBe(parent.id);
  },

  'fidelity: receivedAt kept': async (h) => {
    const receivedAt = '2024-03-01T09:30:00.000Z';
    const got = await h.createAndGet({ receivedAt });
    expect(Date.parse(got.receivedAt)).toBe(Date.parse(receivedAt));
  },

  'fidelity: timestamps are ISO 8601': async (h) => {
    const { id } = await h.create({ externalId: h.externalId() });
    await h.stop(byId(id));
    const got = await h.get(byId(id));
    for (const at of [got.receivedAt, got.submittedAt, got.placedInQueueAt, got.stoppedAt]) expect(at).toMatch(ISO_8601);
    expect(Date.parse(got.stoppedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(got.submittedAt));
  },
} satisfies Record<string, CaseBody>;
