import { byExternalId, byId, dataOf, expectGatewayError, strings, type Harness } from './contract-harness';

export type CaseBody = (h: Harness) => Promise<void>;

/** An id no driver hands out: GMS-shaped ids are time-ordered, and this one would date from 1970. */
const UNKNOWN_ID = '0000000000000000';

/**
 * Canonical behaviour every driver must show, using only what every dialect can carry: string user data compared
 * as an object, states, and error codes.
 */
export const coreCases = {
  'create and get by id': async (h) => {
    const externalId = h.externalId();
    const created = await h.create({ externalId, userData: strings({ OrderNumber: 'ABC123', TestKey2: 'Test value' }) });
    expect(typeof created.id).toBe('string');
    expect(created.id).not.toBe('');
    const got = await h.get(byId(created.id));
    expect(got).toMatchObject({ id: created.id, externalId, service: h.service });
    expect(dataOf(got)).toEqual({ OrderNumber: 'ABC123', TestKey2: 'Test value' });
  },

  'create and get by externalId': async (h) => {
    const externalId = h.externalId();
    const { id } = await h.create({ externalId, userData: strings({ k: 'v' }) });
    const got = await h.get(byExternalId(externalId));
    expect(got).toMatchObject({ id, externalId });
    expect(dataOf(got)).toEqual({ k: 'v' });
  },

  'create without externalId': async (h) => {
    const got = await h.createAndGet({ userData: strings({ k: 'v' }) });
    expect(got.externalId).toBeUndefined();
    expect(dataOf(got)).toEqual({ k: 'v' });
  },

  'new interaction is queued': async (h) => {
    const got = await h.createAndGet({ externalId: h.externalId() });
    expect(got.state).toBe('queued');
  },

  'duplicate externalId is already_exists': async (h) => {
    const externalId = h.externalId();
    const { id } = await h.create({ externalId, userData: strings({ first: 'yes' }) });
    await expectGatewayError(h.create({ externalId, userData: strings({ second: 'yes' }) }), 'already_exists');
    const got = await h.get(byExternalId(externalId));
    expect(got.id).toBe(id);
    expect(dataOf(got)).toEqual({ first: 'yes' });
  },

  'externalId reusable after stop': async (h) => {
    const externalId = h.externalId();
    const first = await h.create({ externalId });
    await h.stop(byId(first.id));
    const second = await h.create({ externalId, userData: strings({ round: '2' }) });
    expect(second.id).not.toBe(first.id);
    const got = await h.get(byId(second.id));
    expect(got).toMatchObject({ externalId, state: 'queued' });
    expect(dataOf(got)).toEqual({ round: '2' });
  },

  'get by externalId prefers the live interaction': async (h) => {
    const externalId = h.externalId();
    const first = await h.create({ externalId });
    await h.stop(byId(first.id));
    const second = await h.create({ externalId });
    expect((await h.get(byExternalId(externalId))).id).toBe(second.id);
    await h.stop(byId(second.id));
    const latest = await h.get(byExternalId(externalId));
    expect(latest).toMatchObject({ id: second.id, state: 'stopped' });
  },

  'same externalId in two services': async (h) => {
    const externalId = h.externalId();
    const mine = await h.create({ externalId });
    const theirs = await h.create({ externalId }, h.otherService);
    expect(theirs.id).not.toBe(mine.id);
    expect((await h.get(byExternalId(externalId))).id).toBe(mine.id);
    expect((await h.get(byExternalId(externalId), h.otherService)).id).toBe(theirs.id);
  },

  'update upsert': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1', b: '2' }) });
    await h.update(byId(id), [{ op: 'upsert', entries: strings({ a: '10', c: '3' }) }]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ a: '10', b: '2', c: '3' });
  },

  'update replace': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1', b: '2' }) });
    await h.update(byId(id), [{ op: 'replace', entries: strings({ a: '10' }) }]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ a: '10', b: '2' });
  },

  'update replace of an absent key': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1' }) });
    await h.update(byId(id), [{ op: 'replace', entries: strings({ c: '3' }) }]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ a: '1', c: '3' });
  },

  'update add': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1' }) });
    await h.update(byId(id), [{ op: 'add', entries: strings({ c: '3' }) }]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ a: '1', c: '3' });
  },

  'update add of a present key': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1', b: '2' }) });
    await h.update(byId(id), [{ op: 'add', entries: strings({ a: '10' }) }]);
    const got = await h.get(byId(id));
    expect(dataOf(got)).toEqual({ a: '10', b: '2' });
    expect(got.userData.filter((e) => e.key === 'a')).toHaveLength(1);
  },

  'update delete': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1', b: '2', KeyToDelete: 'value to delete' }) });
    await h.update(byId(id), [{ op: 'delete', keys: ['KeyToDelete', 'a'] }]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ b: '2' });
  },

  'update delete of an absent key': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1' }) });
    await h.update(byId(id), [{ op: 'delete', keys: ['never-there'] }]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ a: '1' });
  },

  'update applies changes in order': async (h) => {
    const { id } = await h.create({ userData: strings({ x: '0', y: '0' }) });
    await h.update(byId(id), [
      { op: 'upsert', entries: strings({ x: '1' }) },
      { op: 'delete', keys: ['x', 'y'] },
      { op: 'upsert', entries: strings({ y: '2' }) },
    ]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ y: '2' });
  },

  'update leaves other keys alone': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1', b: '2', c: '3' }) });
    await h.update(byId(id), [{ op: 'upsert', entries: strings({ b: '20' }) }]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ a: '1', b: '20', c: '3' });
    await h.update(byId(id), [{ op: 'delete', keys: ['c'] }]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ a: '1', b: '20' });
  },

  'update and stop by externalId': async (h) => {
    const externalId = h.externalId();
    const { id } = await h.create({ externalId, userData: strings({ a: '1' }) });
    await h.update(byExternalId(externalId), [{ op: 'upsert', entries: strings({ a: '2' }) }]);
    expect(dataOf(await h.get(byId(id)))).toEqual({ a: '2' });
    await h.stop(byExternalId(externalId));
    expect((await h.get(byId(id))).state).toBe('stopped');
  },

  'stop without reason': async (h) => {
    const { id } = await h.create({ externalId: h.externalId() });
    await h.stop(byId(id));
    expect((await h.get(byId(id))).state).toBe('stopped');
  },

  'stop with reasons': async (h) => {
    const { id } = await h.create({ externalId: h.externalId() });
    await h.stop(byId(id), { reasonSystemName: 'ORDER CANCELLED', reasonDescription: 'customer cancelled the order' });
    expect((await h.get(byId(id))).state).toBe('stopped');
  },

  'get after stop shows state stopped': async (h) => {
    const externalId = h.externalId();
    const { id } = await h.create({ externalId, userData: strings({ kept: 'yes' }) });
    await h.stop(byId(id));
    const got = await h.get(byExternalId(externalId));
    expect(got).toMatchObject({ id, externalId, state: 'stopped' });
    expect(dataOf(got)).toEqual({ kept: 'yes' });
  },

  'update after stop is conflict': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1' }) });
    await h.stop(byId(id));
    await expectGatewayError(h.update(byId(id), [{ op: 'upsert', entries: strings({ a: '2' }) }]), 'conflict');
    expect(dataOf(await h.get(byId(id)))).toEqual({ a: '1' });
  },

  'stop after stop is conflict': async (h) => {
    const externalId = h.externalId();
    const { id } = await h.create({ externalId });
    await h.stop(byId(id));
    await expectGatewayError(h.stop(byId(id)), 'conflict');
    await expectGatewayError(h.stop(byExternalId(externalId)), 'conflict');
  },

  'unknown id is not_found': async (h) => {
    await expectGatewayError(h.get(byId(UNKNOWN_ID)), 'not_found');
    await expectGatewayError(h.update(byId(UNKNOWN_ID), [{ op: 'upsert', entries: strings({ a: '1' }) }]), 'not_found');
    await expectGatewayError(h.stop(byId(UNKNOWN_ID)), 'not_found');
  },

  'unknown externalId is not_found': async (h) => {
    const externalId = h.externalId();
    await expectGatewayError(h.get(byExternalId(externalId)), 'not_found');
    await expectGatewayError(h.update(byExternalId(externalId), [{ op: 'delete', keys: ['a'] }]), 'not_found');
    await expectGatewayError(h.stop(byExternalId(externalId)), 'not_found');
  },

  'id of another service is not_found': async (h) => {
    const { id } = await h.create({ userData: strings({ a: '1' }) });
    await expectGatewayError(h.get(byId(id), h.otherService), 'not_found');
    await expectGatewayError(h.update(byId(id), [{ op: 'delete', keys: ['a'] }], h.otherService), 'not_found');
    await expectGatewayError(h.stop(byId(id), {}, h.otherService), 'not_found');
    const got = await h.get(byId(id));
    expect(got.state).toBe('queued');
    expect(dataOf(got)).toEqual({ a: '1' });
  },

  'externalId of another service is not_found': async (h) => {
    const externalId = h.externalId();
    await h.create({ externalId });
    await expectGatewayError(h.get(byExternalId(externalId), h.otherService), 'not_found');
    await expectGatewayError(h.stop(byExternalId(externalId), {}, h.otherService), 'not_found');
    expect((await h.get(byExternalId(externalId))).state).toBe('queued');
  },
} satisfies Record<string, CaseBody>;
