import type { CommandContext, CreateCommand, GetCommand } from '../../../src/core/command';
import { Dispatcher } from '../../../src/core/dispatcher';
import type { Driver } from '../../../src/core/driver';
import { GatewayError } from '../../../src/core/errors';
import type { Interaction } from '../../../src/core/interaction';

const context: CommandContext = { requestId: 'r1', dialect: 'test', receivedAt: new Date(0) };

/** A driver that records what reached it; `kinds` says which commands it serves. */
function recordingDriver(name: string, kinds: ('create' | 'get')[] = ['create', 'get']) {
  const seen: { backend: string; command: CreateCommand | GetCommand }[] = [];
  const driver: Driver = {
    health: async () => ({ ok: true }),
    close: async () => undefined,
  };
  if (kinds.includes('create')) driver.create = async (command) => (seen.push({ backend: name, command }), { id: `${name}-1` });
  if (kinds.includes('get')) driver.get = async (command) => (seen.push({ backend: name, command }), { id: command.ref.value } as Interaction);
  return { driver, seen };
}

const create = (service: string, fields: Partial<CreateCommand> = {}): CreateCommand => ({
  kind: 'create',
  service,
  context,
  userData: [],
  extra: {},
  ...fields,
});

describe('Dispatcher', () => {
  it('routes by service pattern, first match wins, and says which backend answered', async () => {
    const cloud = recordingDriver('cloud');
    const sim = recordingDriver('sim');
    const dispatcher = new Dispatcher(
      [
        { service: 'customer-*', backend: 'cloud' },
        { service: 'customer-support', backend: 'sim' },
        { service: '*', backend: 'sim' },
      ],
      new Map([
        ['cloud', cloud.driver],
        ['sim', sim.driver],
      ]),
    );
    await expect(dispatcher.dispatch(create('customer-support'))).resolves.toEqual({ result: { id: 'cloud-1' }, backend: 'cloud' });
    await expect(dispatcher.dispatch(create('orders'))).resolves.toEqual({ result: { id: 'sim-1' }, backend: 'sim' });
    expect(cloud.seen.map((s) => s.command.service)).toEqual(['customer-support']);
    expect(sim.seen.map((s) => s.command.service)).toEqual(['orders']);
  });

  it('answers not_found about the service when no route matches', async () => {
    const sim = recordingDriver('sim');
    const dispatcher = new Dispatcher([{ service: 'only-*', backend: 'sim' }], new Map([['sim', sim.driver]]));
    const err = await dispatcher.dispatch(create('orders')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'not_found', details: { subject: 'service', ref: 'orders' } });
    expect(sim.seen).toHaveLength(0);
  });

  it('answers unsupported before any I/O when the backend lacks the command', async () => {
    const createOnly = recordingDriver('vsp', ['create']);
    const dispatcher = new Dispatcher([{ service: '*', backend: 'vsp' }], new Map([['vsp', createOnly.driver]]));
    const get: GetCommand = { kind: 'get', service: 'svc', context, ref: { by: 'id', value: 'x' } };
    await expect(dispatcher.dispatch(get)).rejects.toMatchObject({ code: 'unsupported', retryable: false });
    expect(createOnly.seen).toHaveLength(0);
  });

  it('refuses a route naming an unknown backend at construction', () => {
    expect(() => new Dispatcher([{ service: '*', backend: 'ghost' }], new Map())).toThrow(/ghost/);
  });

  describe("service defaults (GMS allow_overwrite)", () => {
    const fields = { interactionType: 'Outbound', interactionSubtype: 'OutboundNew', mediaType: 'chat', queue: 'q-request' };
    const run = async (services: ConstructorParameters<typeof Dispatcher>[2], service = 'support') => {
      const sim = recordingDriver('sim');
      await new Dispatcher([{ service: '*', backend: 'sim' }], new Map([['sim', sim.driver]]), services).dispatch(create(service, fields));
      return sim.seen[0]!.command as CreateCommand;
    };
    const defaults = { interactionType: 'Inbound', interactionSubtype: 'InboundNew', mediaType: 'workitem', queue: 'q-default' };

    it('applies the configured defaults over the request when overwriting is not allowed', async () => {
      expect(await run({ support: { ...defaults, allowOverwrite: false } })).toMatchObject(defaults);
    });

    it("keeps the request's values when overwriting is allowed", async () => {
      expect(await run({ support: { ...defaults, allowOverwrite: true } })).toMatchObject(fields);
    });

    it("takes the request's value for a field the service leaves unset", async () => {
      expect(await run({ support: { mediaType: 'workitem' } })).toMatchObject({ ...fields, mediaType: 'workitem' });
    });

    it('matches services by pattern and leaves unconfigured services alone', async () => {
      expect(await run({ 'supp*': defaults }, 'support')).toMatchObject(defaults);
      expect(await run({ billing: defaults }, 'support')).toMatchObject(fields);
    });
  });
});
