import type { AgentOperation } from '../../../src/core/command';
import { GatewayError } from '../../../src/core/errors';
import { byId, memoryFixture } from './memory-fixture';

type Fixture = ReturnType<typeof memoryFixture>;

const agent = (f: Fixture, id: string, agentId: string, operation: AgentOperation) =>
  f.driver.agent({ kind: 'agent', service: f.service, context: f.context(), ref: byId(id), agentId, operation });

const list = (f: Fixture, filter: { agentId?: string; workbin?: string } = {}) =>
  f.driver.list({ kind: 'list', service: f.service, context: f.context(), ...filter }).then((all) => all.map((i) => i.id));

async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  expect((err as GatewayError).code).toBe('conflict');
}

async function accepted(f: Fixture, agentId = 'agent1'): Promise<string> {
  const { id } = await f.create({ queue: 'support' });
  await agent(f, id, agentId, { op: 'accept' });
  return id;
}

describe('memory driver agent operations', () => {
  it('accept gives a queued interaction to the agent', async () => {
    const f = memoryFixture();
    const id = await accepted(f);
    expect(await f.get(byId(id))).toMatchObject({ state: 'handling', agentId: 'agent1', queue: 'support' });
    expect(await list(f, { agentId: 'agent1' })).toEqual([id]);
  });

  it('accept of an owned interaction is a conflict, even for its owner', async () => {
    const f = memoryFixture();
    const id = await accepted(f);
    await expectConflict(agent(f, id, 'agent2', { op: 'accept' }));
    await expectConflict(agent(f, id, 'agent1', { op: 'accept' }));
  });

  it.each(['reject', 'cancel'] as const)('%s puts it back in its queue with no owner', async (op) => {
    const f = memoryFixture();
    const id = await accepted(f);
    f.advance(1000);
    await agent(f, id, 'agent1', { op });
    const got = await f.get(byId(id));
    expect(got).toMatchObject({ state: 'queued', queue: 'support', placedInQueueAt: '2026-11-25T12:00:01.000Z' });
    expect(got.agentId).toBeUndefined();
    expect(await list(f, { agentId: 'agent1' })).toEqual([]);
  });

  it('complete stops it', async () => {
    const f = memoryFixture();
    const id = await accepted(f);
    await agent(f, id, 'agent1', { op: 'complete' });
    const got = await f.get(byId(id));
    expect(got.state).toBe('stopped');
    expect(got.agentId).toBeUndefined();
    expect(await list(f)).toEqual([]);
  });

  it('placeInQueue moves it to another queue and ends ownership', async () => {
    const f = memoryFixture();
    const id = await accepted(f);
    await agent(f, id, 'agent1', { op: 'placeInQueue', queue: 'escalations' });
    const got = await f.get(byId(id));
    expect(got).toMatchObject({ state: 'queued', queue: 'escalations' });
    expect(got.agentId).toBeUndefined();
  });

  it('placeInWorkbin parks it in the workbin and ends ownership', async () => {
    const f = memoryFixture();
    const id = await accepted(f);
    await agent(f, id, 'agent1', { op: 'placeInWorkbin', workbin: 'later' });
    const got = await f.get(byId(id));
    expect(got).toMatchObject({ state: 'inWorkbin', workbin: 'later' });
    expect(got.agentId).toBeUndefined();
    expect(await list(f, { workbin: 'later' })).toEqual([id]);
    expect(await list(f, { workbin: 'later', agentId: 'agent1' })).toEqual([id]);
    expect(await list(f, { workbin: 'later', agentId: 'agent2' })).toEqual([]);
    expect(await list(f, { agentId: 'agent1' })).toEqual([]);
    await expectConflict(agent(f, id, 'agent1', { op: 'complete' }));
  });

  it('the agent who parked it takes it back from its workbin with accept; no other agent can', async () => {
    const f = memoryFixture();
    const id = await accepted(f);
    await agent(f, id, 'agent1', { op: 'placeInWorkbin', workbin: 'later' });
    await expectConflict(agent(f, id, 'agent2', { op: 'accept' }));
    expect(await f.get(byId(id))).toMatchObject({ state: 'inWorkbin', workbin: 'later', workbinAgentId: 'agent1' });
    await agent(f, id, 'agent1', { op: 'accept' });
    const got = await f.get(byId(id));
    expect(got).toMatchObject({ state: 'handling', agentId: 'agent1', queue: 'support' });
    expect(got.workbin).toBeUndefined();
    expect(got.workbinAgentId).toBeUndefined();
    expect(await list(f, { workbin: 'later' })).toEqual([]);
    expect(await list(f, { agentId: 'agent1' })).toEqual([id]);
  });

  it('transfer moves ownership at once', async () => {
    const f = memoryFixture();
    const id = await accepted(f);
    await agent(f, id, 'agent1', { op: 'transfer', targetAgentId: 'agent2' });
    expect(await f.get(byId(id))).toMatchObject({ state: 'handling', agentId: 'agent2' });
    expect(await list(f, { agentId: 'agent1' })).toEqual([]);
    expect(await list(f, { agentId: 'agent2' })).toEqual([id]);
    await expectConflict(agent(f, id, 'agent1', { op: 'complete' }));
  });

  it.each<AgentOperation>([
    { op: 'reject' },
    { op: 'cancel' },
    { op: 'complete' },
    { op: 'placeInQueue', queue: 'q' },
    { op: 'placeInWorkbin', workbin: 'w' },
    { op: 'transfer', targetAgentId: 'agent3' },
  ])('$op requires the caller to own the interaction', async (operation) => {
    const f = memoryFixture();
    const { id: queued } = await f.create();
    await expectConflict(agent(f, queued, 'agent1', operation));
    const owned = await accepted(f, 'agent2');
    await expectConflict(agent(f, owned, 'agent1', operation));
    expect(await f.get(byId(owned))).toMatchObject({ state: 'handling', agentId: 'agent2' });
  });

  it('no operation applies to a stopped interaction', async () => {
    const f = memoryFixture();
    const { id } = await f.create();
    await f.stop(byId(id));
    await expectConflict(agent(f, id, 'agent1', { op: 'accept' }));
  });

  it('an interaction of another service is not found', async () => {
    const f = memoryFixture();
    const { id } = await f.create();
    const command = { kind: 'agent', service: 'other', context: f.context(), ref: byId(id), agentId: 'a' } as const;
    await expect(f.driver.agent({ ...command, operation: { op: 'accept' } })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('list answers the live interactions of the service only', async () => {
    const f = memoryFixture();
    const a = await f.create();
    const b = await f.create();
    await f.stop(byId(b.id));
    await f.driver.create({ kind: 'create', service: 'other', context: f.context(), userData: [], extra: {} });
    expect(await list(f)).toEqual([a.id]);
    expect(await list(f, { agentId: 'nobody' })).toEqual([]);
    expect(await list(f, { workbin: 'none' })).toEqual([]);
  });
});

describe('memory driver: Workspace rules on user data and listing', () => {
  const update = (f: Fixture, id: string, asAgent?: string) =>
    f.driver.update({ kind: 'update', service: f.service, context: f.context(), ref: byId(id), changes: [{ op: 'upsert', entries: [{ key: 'k', type: 'str', value: 'v' }] }], ...(asAgent !== undefined && { asAgent }) });

  it('an update made for an agent needs that agent to own the interaction', async () => {
    const f = memoryFixture();
    const id = await accepted(f, 'agent1');
    await expectConflict(update(f, id, 'agent2'));
    expect((await f.get(byId(id))).userData).toEqual([]);
    await update(f, id, 'agent1');
    expect((await f.get(byId(id))).userData).toEqual([{ key: 'k', type: 'str', value: 'v' }]);
    // Without an agent (GMS, Nexus) ownership plays no part.
    const { id: queued } = await f.create();
    await update(f, queued);
    await expectConflict(update(f, queued, 'agent1'));
  });

  it('a service pattern lists across services; a name keeps to its own', async () => {
    const f = memoryFixture();
    const mine = await accepted(f, 'agent1');
    const other = await f.driver.create({ kind: 'create', service: 'other', context: f.context(), userData: [], extra: {} });
    await f.driver.agent({ kind: 'agent', service: 'other', context: f.context(), ref: byId(other.id), agentId: 'agent1', operation: { op: 'accept' } });
    const across = await f.driver.list({ kind: 'list', service: '*', context: f.context(), agentId: 'agent1' });
    expect(across.map((i) => i.id).sort()).toEqual([mine, other.id].sort());
    expect((await f.driver.list({ kind: 'list', service: 'oth*', context: f.context() })).map((i) => i.id)).toEqual([other.id]);
    expect(await list(f, { agentId: 'agent1' })).toEqual([mine]);
  });
});
