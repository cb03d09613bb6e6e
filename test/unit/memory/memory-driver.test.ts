import { GatewayError } from '../../../src/core/errors';
import { capabilitiesOf } from '../../../src/core/driver';
import { memoryDriver } from '../../../src/drivers/memory/memory.driver';
import { INTERACTION_ID_PATTERN } from '../../../src/drivers/memory/interaction-id';
import { byExternalId, byId, memoryFixture } from './memory-fixture';

describe('memory driver', () => {
  it('serves every command kind', () => {
    expect(capabilitiesOf(memoryFixture().driver)).toEqual(['create', 'get', 'update', 'stop', 'agent', 'list']);
  });

  it('creates with Interaction Server defaults and the service as queue', async () => {
    const f = memoryFixture();
    const { id } = await f.create();
    expect(id).toMatch(INTERACTION_ID_PATTERN);
    expect(await f.get(byId(id))).toEqual({
      id,
      service: 'svc',
      type: 'Inbound',
      subtype: 'InboundNew',
      mediaType: 'workitem',
      state: 'queued',
      queue: 'svc',
      receivedAt: '2026-11-25T12:00:00.000Z',
      submittedAt: '2026-11-25T12:00:00.000Z',
      placedInQueueAt: '2026-11-25T12:00:00.000Z',
      userData: [],
      // Interaction Server's bookkeeping, as GMS's get shows it.
      tenantId: 1,
      submittedBy: 'openmedia-gateway:test',
      submitSeq: '1',
      movedToQueueAt: '2026-11-25T12:00:00.000Z',
      placeInQueueSeq: '2',
    });
  });

  it('answers the externalId with the id', async () => {
    expect(await memoryFixture().create({ externalId: 'xy932' })).toEqual({ id: expect.any(String), externalId: 'xy932' });
  });

  it('stamps the stop time and keeps only the reasons given', async () => {
    const f = memoryFixture();
    const { id } = await f.create();
    f.advance(5000);
    const ref = byId(id);
    await f.driver.stop({ kind: 'stop', service: f.service, context: f.context(), ref, reasonSystemName: 'ORDER CANCELLED' });
    const got = await f.get(byId(id));
    expect(got.stoppedAt).toBe('2026-11-25T12:00:05.000Z');
    expect(got.stopReason).toEqual({ systemName: 'ORDER CANCELLED' });
  });

  it('names what was not found, for the dialects that echo it', async () => {
    const err = await memoryFixture().get(byExternalId('nope')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'not_found', details: { subject: 'interaction', ref: 'nope' } });
  });

  it('names the duplicate externalId', async () => {
    const f = memoryFixture();
    await f.create({ externalId: 'dup' });
    await expect(f.create({ externalId: 'dup' })).rejects.toMatchObject({ code: 'already_exists', details: { ref: 'dup' } });
  });

  it('answers copies: changing an answer or a command afterwards does not change the store', async () => {
    const f = memoryFixture();
    const userData = [{ key: 'k', type: 'kvlist' as const, value: [{ key: 'in', type: 'str' as const, value: '1' }] }];
    const { id } = await f.create({ userData });
    userData[0]!.value[0]!.value = 'changed by caller';
    const first = await f.get(byId(id));
    first.state = 'stopped';
    first.userData.push({ key: 'x', type: 'str', value: 'y' });
    const inner = first.userData[0];
    if (inner?.type === 'kvlist') inner.value.length = 0;
    const second = await f.get(byId(id));
    expect(second.state).toBe('queued');
    expect(second.userData).toEqual([{ key: 'k', type: 'kvlist', value: [{ key: 'in', type: 'str', value: '1' }] }]);
  });

  it('is healthy, and closing it is harmless', async () => {
    const f = memoryFixture();
    const { id } = await f.create();
    expect(await f.driver.health()).toEqual({ ok: true });
    await f.driver.close();
    expect((await f.get(byId(id))).id).toBe(id);
  });

  describe('config schema', () => {
    const parse = (input: unknown) => memoryDriver.configSchema.safeParse(input);

    it('accepts the bare driver and leaves retention to the defaults', () => {
      expect(parse({ driver: 'memory' })).toMatchObject({ success: true, data: { driver: 'memory' } });
    });

    it('fills and coerces retention values, as ${VAR} interpolation leaves strings', () => {
      expect(parse({ driver: 'memory', retention: { maxStopped: '50' } })).toMatchObject({
        success: true,
        data: { retention: { maxStopped: 50, maxStoppedAgeMs: 86_400_000 } },
      });
    });

    it('rejects unknown keys, other drivers and nonsense numbers', () => {
      expect(parse({ driver: 'memory', retntion: {} }).success).toBe(false);
      expect(parse({ driver: 'memory', retention: { maxStopped: 1, extra: 1 } }).success).toBe(false);
      expect(parse({ driver: 'nexus' }).success).toBe(false);
      expect(parse({ driver: 'memory', retention: { maxStopped: -1 } }).success).toBe(false);
      expect(parse({ driver: 'memory', retention: { maxStoppedAgeMs: 'soon' } }).success).toBe(false);
    });
  });
});
