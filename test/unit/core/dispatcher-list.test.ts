import type { CommandContext, ListCommand } from '../../../src/core/command';
import { Dispatcher } from '../../../src/core/dispatcher';
import type { Driver } from '../../../src/core/driver';
import { GatewayError } from '../../../src/core/errors';
import type { Interaction } from '../../../src/core/interaction';

const context: CommandContext = { requestId: 'r1', dialect: 'test', receivedAt: new Date(0) };
const list = (service: string, fields: Partial<ListCommand> = {}): ListCommand => ({ kind: 'list', service, context, ...fields });
const held = (id: string, service: string) => ({ id, service }) as Interaction;

/** A backend holding `interactions` that answers every list with all of them, and records what it was asked. */
function listingDriver(interactions: Interaction[]): Driver & { asked: ListCommand[] } {
  const asked: ListCommand[] = [];
  return { asked, list: async (command) => (asked.push(command), interactions), health: async () => ({ ok: true }), close: async () => undefined };
}

const plainDriver = (): Driver => ({ get: async () => held('x', 'x'), health: async () => ({ ok: true }), close: async () => undefined });

describe('Dispatcher.list across services', () => {
  it('asks every backend that can list once, and keeps what each holds for services routed to it', async () => {
    const sim = listingDriver([held('s1', 'sales-eu'), held('s2', 'support'), held('s3', 'moved-away')]);
    const desk = listingDriver([held('d1', 'moved-away'), held('d2', 'sales-eu')]);
    const dispatcher = new Dispatcher(
      [
        { service: 'moved-*', backend: 'desk' },
        { service: 'sales-*', backend: 'sim' },
        { service: 'nexus-*', backend: 'cloud' },
        { service: '*', backend: 'sim' },
      ],
      new Map<string, Driver>([['sim', sim], ['desk', desk], ['cloud', plainDriver()]]),
    );
    const { result, backend } = await dispatcher.list(list('*', { agentId: 'a1' }));
    expect(result.map((i) => i.id)).toEqual(['d1', 's1', 's2']);
    expect(backend).toBe('desk,sim');
    expect(sim.asked).toEqual([list('*', { agentId: 'a1' })]);
    expect(desk.asked).toHaveLength(1);
    const sales = await dispatcher.list(list('sales-*'));
    expect(sales.result.map((i) => i.id)).toEqual(['s1']);
  });

  it('a plain service name is routed as any command', async () => {
    const sim = listingDriver([held('s1', 'support')]);
    const other = listingDriver([held('o1', 'support')]);
    const dispatcher = new Dispatcher([{ service: 'support', backend: 'sim' }, { service: '*', backend: 'other' }], new Map<string, Driver>([['sim', sim], ['other', other]]));
    expect((await dispatcher.list(list('support'))).result.map((i) => i.id)).toEqual(['s1']);
    expect(other.asked).toEqual([]);
  });

  it('no backend able to list is unsupported; a failing backend fails the whole list', async () => {
    const none = new Dispatcher([{ service: '*', backend: 'cloud' }], new Map([['cloud', plainDriver()]]));
    await expect(none.list(list('*'))).rejects.toMatchObject({ code: 'unsupported' });
    const broken: Driver = { list: async () => Promise.reject(new GatewayError('upstream_unavailable', 'down')), health: async () => ({ ok: true }), close: async () => undefined };
    const sim = listingDriver([held('s1', 'a')]);
    const dispatcher = new Dispatcher([{ service: 'a', backend: 'sim' }, { service: '*', backend: 'broken' }], new Map<string, Driver>([['sim', sim], ['broken', broken]]));
    await expect(dispatcher.list(list('*'))).rejects.toMatchObject({ code: 'upstream_unavailable' });
  });
});

describe('Dispatcher.list and backends with no services of their own', () => {
  it('a route naming one service asks its backend for that service, which labels what it lists with it', async () => {
    const asked: ListCommand[] = [];
    const desk: Driver = {
      list: async (command) => (asked.push(command), [held('w1', command.service)]),
      health: async () => ({ ok: true }),
      close: async () => undefined,
    };
    const sim = listingDriver([held('s1', 'support')]);
    const dispatcher = new Dispatcher([{ service: 'desk', backend: 'wwe' }, { service: '*', backend: 'sim' }], new Map<string, Driver>([['wwe', desk], ['sim', sim]]));
    const { result } = await dispatcher.list(list('*'));
    expect(result).toEqual([held('w1', 'desk'), held('s1', 'support')]);
    expect(asked.map((c) => c.service)).toEqual(['desk']);
    expect((await dispatcher.list(list('sup*'))).result).toEqual([held('s1', 'support')]);
    expect(asked).toHaveLength(1);
  });
});
