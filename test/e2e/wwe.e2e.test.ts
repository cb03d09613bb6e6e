import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { workspaceAs } from '../support/workspace';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The spec's own example bodies (specs/wwe-interactions-v2.txt), with its placeholders filled and its missing commas put back. */
const SPEC = {
  accept: '{\n"operationName":"Accept"\n}',
  reject: '{\n"operationName":"Reject"\n}',
  cancel: '{\n"operationName":"Cancel"\n}',
  complete: '{\n"operationName":"Complete"\n}',
  placeInQueue: '{\n"operationName":"PlaceInQueue",\n"queueName":"second-line"\n}',
  placeInWorkbin: '{\n"operationName":"PlaceInWorkbin",\n"workbin":"follow-up"\n}',
  getWorkbinContent: '{\n"operationName":"GetWorkbinContent",\n"workbin":"follow-up"\n}',
  transfer: '{\n"operationName":"Transfer",\n"userId":"agent2"\n}',
  userData: (op: string) =>
    `{\n"operationName":"${op}",\n"userData":\n {\n     "field1" : "value1",\n     "field2" : 2,\n     "field3" :\n        {\n         "fieldA" : "valueA",\n         "fieldB" : "valueB"\n        }\n }\n}`,
};

let gw: TestGateway;
const url = () => gw.url;
const agent1 = workspaceAs(url, 'agent1');
const agent2 = workspaceAs(url, 'agent2');

async function gmsCreate(service: string, form = 'userData%5BOrderNumber%5D=ABC123'): Promise<string> {
  const res = await call(gw, `/genesys/2/openmedia/${service}`, { method: 'POST', headers: FORM, body: form });
  expect(res.json).toMatchObject({ statusCode: 0 });
  return res.json.interactionId as string;
}

async function gmsGet(service: string, id: string): Promise<any> {
  const res = await call(gw, `/genesys/2/openmedia/${service}/${id}/get`, { method: 'POST', headers: FORM, body: '' });
  expect(res.json.statusCode).toBe(0);
  return res.json.interactionProperties;
}

async function nexusCreate(service: string, body: unknown): Promise<string> {
  const res = await call(gw, `/nexus/v3/openmedia/${service}/interactions`, {
    method: 'POST',
    headers: { 'x-api-key': 'k', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json.data.id as string;
}

const ok = { statusCode: 0, referenceId: expect.any(Number) };
const failed = (statusCode: number) => ({ statusCode, statusMessage: expect.any(String) });

async function interaction(id: string, as = agent1): Promise<any> {
  const res = await as.get(id);
  expect(res.json).toMatchObject({ statusCode: 0 });
  return res.json.interaction;
}

/** Created through GMS and accepted by agent1. */
async function owned(service = 'support'): Promise<string> {
  const id = await gmsCreate(service);
  expect((await agent1.operate(id, SPEC.accept)).json).toEqual(ok);
  return id;
}

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('Workspace v2 over HTTP (memory backend, sandbox agents)', () => {
  it('Accept makes the caller the owner; the interaction object says so', async () => {
    const id = await gmsCreate('support', 'externalId=wwe-acc-1&userData%5BOrderNumber%5D=ABC123');
    const res = await agent1.operate(id, SPEC.accept);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(ok);
    expect(await interaction(id)).toEqual({
      id,
      externalId: 'wwe-acc-1',
      mediaType: 'workitem',
      type: 'Inbound',
      subtype: 'InboundNew',
      state: 'handling',
      queue: 'support',
      ownerId: 'agent1',
      receivedAt: expect.any(String),
      userData: { OrderNumber: 'ABC123' },
    });
  });

  it('referenceId grows with each operation', async () => {
    const id = await gmsCreate('support');
    const first = (await agent1.operate(id, SPEC.accept)).json.referenceId;
    const second = (await agent1.operate(id, SPEC.userData('UpdateUserData'))).json.referenceId;
    expect(second).toBeGreaterThan(first);
  });

  it.each([
    ['Reject', SPEC.reject],
    ['Cancel', SPEC.cancel],
  ])('%s puts it back in its queue with no owner, for any agent to accept', async (_name, body) => {
    const id = await owned();
    expect((await agent1.operate(id, body)).json).toEqual(ok);
    const got = await interaction(id);
    expect(got).toMatchObject({ state: 'queued', queue: 'support' });
    expect(got.ownerId).toBeUndefined();
    expect((await agent2.operate(id, SPEC.accept)).json).toEqual(ok);
    expect(await interaction(id)).toMatchObject({ state: 'handling', ownerId: 'agent2' });
  });

  it('Complete stops it: Workspace and GMS both read it stopped, and it is done for good', async () => {
    const id = await owned();
    expect((await agent1.operate(id, SPEC.complete)).json).toEqual(ok);
    expect(await interaction(id)).toMatchObject({ state: 'stopped' });
    expect((await gmsGet('support', id)).interactionState).toBe('Stopped');
    expect((await agent1.operate(id, SPEC.userData('UpdateUserData'))).json).toEqual(failed(2));
    expect((await agent1.operate(id, SPEC.complete)).json).toEqual(failed(2));
    expect((await agent1.operate(id, SPEC.accept)).json).toEqual(failed(2));
  });

  it('PlaceInQueue moves it to the named queue and ends ownership', async () => {
    const id = await owned();
    expect((await agent1.operate(id, SPEC.placeInQueue)).json).toEqual(ok);
    const got = await interaction(id);
    expect(got).toMatchObject({ state: 'queued', queue: 'second-line' });
    expect(got.ownerId).toBeUndefined();
    expect((await gmsGet('support', id)).interactionQueue).toBe('second-line');
  });

  it('PlaceInWorkbin parks it in the agent’s own workbin; GetWorkbinContent lists it across services', async () => {
    const a = await owned('support');
    const b = await owned('billing');
    const other = await owned('billing');
    expect((await agent1.operate(a, SPEC.placeInWorkbin)).json).toEqual(ok);
    expect((await agent1.operate(b, SPEC.placeInWorkbin)).json).toEqual(ok);
    expect((await agent1.operate(other, { operationName: 'PlaceInWorkbin', workbin: 'elsewhere' })).json).toEqual(ok);
    expect(await interaction(a)).toMatchObject({ state: 'inWorkbin', workbin: 'follow-up' });
    expect((await interaction(a)).ownerId).toBeUndefined();
    const content = await agent1.operate(other, SPEC.getWorkbinContent);
    expect(content.json).toMatchObject(ok);
    expect(content.json.interactions.map((i: any) => i.id).sort()).toEqual([a, b].sort());
    expect(content.json.interactions[0]).toMatchObject({ state: 'inWorkbin', workbin: 'follow-up' });
    // A workbin is its agent's own: another agent's workbin of the same name holds none of them.
    expect((await agent2.operate(other, SPEC.getWorkbinContent)).json).toEqual({ ...ok, interactions: [] });
    // Parked means nobody owns it: no operation but taking it back applies, and only its agent may take it back.
    expect((await agent1.operate(a, SPEC.userData('UpdateUserData'))).json).toEqual(failed(2));
    expect((await agent2.operate(a, SPEC.accept)).json).toEqual(failed(2));
    expect(await interaction(a)).toMatchObject({ state: 'inWorkbin', workbin: 'follow-up' });
    expect((await agent1.operate(a, SPEC.accept)).json).toEqual(ok);
    expect(await interaction(a)).toMatchObject({ state: 'handling', ownerId: 'agent1', queue: 'support' });
    expect((await interaction(a)).workbin).toBeUndefined();
    expect((await agent1.operate(a, SPEC.userData('UpdateUserData'))).json).toEqual(ok);
    expect((await agent1.operate(other, SPEC.getWorkbinContent)).json.interactions.map((i: any) => i.id)).toEqual([b]);
    expect((await agent1.mine()).json.uris).toContain(`${gw.url}/api/v2/interactions/${a}`);
  });

  it('Transfer (userId) and SingleStepTransfer (targetUri) hand ownership over at once', async () => {
    const id = await owned();
    expect((await agent1.operate(id, SPEC.transfer)).json).toEqual(ok);
    expect(await interaction(id)).toMatchObject({ state: 'handling', ownerId: 'agent2' });
    expect((await agent1.operate(id, SPEC.userData('UpdateUserData'))).json).toEqual(failed(2));
    const back = { operationName: 'SingleStepTransfer', targetUri: 'http://wwe.example/api/v2/users/agent1' };
    expect((await agent2.operate(id, back)).json).toEqual(ok);
    expect(await interaction(id)).toMatchObject({ ownerId: 'agent1' });
  });

  it('UpdateUserData upserts the spec example; GMS reads the typed values', async () => {
    const id = await gmsCreate('support', 'userData%5Bfield1%5D=old&userData%5BKeep%5D=yes');
    await agent1.operate(id, SPEC.accept);
    expect((await agent1.operate(id, SPEC.userData('UpdateUserData'))).json).toEqual(ok);
    expect((await interaction(id)).userData).toEqual({ field1: 'value1', Keep: 'yes', field2: 2, field3: { fieldA: 'valueA', fieldB: 'valueB' } });
    expect((await gmsGet('support', id)).interactionUserData).toEqual([
      { key: 'field1', type: 'str', value: 'value1' },
      { key: 'Keep', type: 'str', value: 'yes' },
      { key: 'field2', type: 'int', value: 2 },
      { key: 'field3', type: 'kvlist', value: [
        { key: 'fieldA', type: 'str', value: 'valueA' },
        { key: 'fieldB', type: 'str', value: 'valueB' },
      ] },
    ]);
  });

  it('AttachUserData keeps duplicate keys (GMS shows every entry, Workspace the last)', async () => {
    const id = await gmsCreate('support', 'userData%5Bfield1%5D=first');
    await agent1.operate(id, SPEC.accept);
    expect((await agent1.operate(id, SPEC.userData('AttachUserData'))).json).toEqual(ok);
    const entries = (await gmsGet('support', id)).interactionUserData.filter((e: any) => e.key === 'field1');
    expect(entries).toEqual([
      { key: 'field1', type: 'str', value: 'first' },
      { key: 'field1', type: 'str', value: 'value1' },
    ]);
    expect((await interaction(id)).userData.field1).toBe('value1');
  });

  it('DeleteUserData removes every entry of the keys of userData (spec body) or of keys', async () => {
    const id = await gmsCreate('support', 'userData%5Bfield1%5D=a&userData%5BKeep%5D=yes&userData%5Bother%5D=x');
    await agent1.operate(id, SPEC.accept);
    await agent1.operate(id, { operationName: 'AttachUserData', userData: { field1: 'b' } });
    expect((await agent1.operate(id, SPEC.userData('DeleteUserData'))).json).toEqual(ok);
    expect((await interaction(id)).userData).toEqual({ Keep: 'yes', other: 'x' });
    expect((await agent1.operate(id, { operationName: 'DeleteUserData', keys: ['other', 'never-there'] })).json).toEqual(ok);
    expect((await interaction(id)).userData).toEqual({ Keep: 'yes' });
  });

  it('GET /me/interactions: URIs by default, objects with fields=*; only the caller’s own', async () => {
    const fresh = workspaceAs(url, `agent-${Date.now()}`);
    const id = await gmsCreate('support');
    const other = await gmsCreate('billing');
    await fresh.operate(id, SPEC.accept);
    await fresh.operate(other, SPEC.accept);
    await agent1.operate(await gmsCreate('support'), SPEC.accept);
    const uris = await fresh.mine();
    expect(uris.json.statusCode).toBe(0);
    expect(uris.json.uris.sort()).toEqual([`${gw.url}/api/v2/interactions/${id}`, `${gw.url}/api/v2/interactions/${other}`].sort());
    const objects = await fresh.mine('?fields=*');
    expect(objects.json.interactions.map((i: any) => i.id).sort()).toEqual([id, other].sort());
    expect(objects.json.interactions[0]).toMatchObject({ state: 'handling', ownerId: expect.stringMatching(/^agent-/) });
    // Completed ones are no longer the agent's.
    await fresh.operate(id, SPEC.complete);
    expect((await fresh.mine('?fields=*')).json.interactions.map((i: any) => i.id)).toEqual([other]);
  });

  it('GET /interactions: every active interaction of every service, whichever dialect created it', async () => {
    const viaGms = await gmsCreate('listing-a');
    const viaNexus = await nexusCreate('listing-b', { externalId: 'listing-nx', userData: { k: 'v' } });
    const stopped = await gmsCreate('listing-a');
    await call(gw, `/genesys/2/openmedia/listing-a/${stopped}/stop`, { method: 'POST', headers: FORM, body: '' });
    const all = await agent1.all('?fields=*');
    const ids = all.json.interactions.map((i: any) => i.id);
    expect(ids).toEqual(expect.arrayContaining([viaGms, viaNexus]));
    expect(ids).not.toContain(stopped);
    expect(all.json.interactions.find((i: any) => i.id === viaNexus)).toMatchObject({ externalId: 'listing-nx', userData: { k: 'v' } });
    expect((await agent1.all()).json.uris).toEqual(expect.arrayContaining([`${gw.url}/api/v2/interactions/${viaGms}`]));
  });

  it('an operation retried with its Idempotency-Key is run once and answered again; the key with another body is 10', async () => {
    const id = await gmsCreate('support');
    const key = { 'idempotency-key': `accept-${id}` };
    expect((await agent1.operate(id, SPEC.accept, key)).json).toEqual(ok);
    expect((await agent1.operate(id, SPEC.accept, key)).json).toEqual(ok);
    expect((await agent1.operate(id, SPEC.accept)).json).toEqual(failed(2));
    expect((await agent1.operate(id, SPEC.complete, key)).json).toEqual(failed(10));
    expect(await interaction(id)).toMatchObject({ state: 'handling', ownerId: 'agent1' });
    // Keys are per agent: another agent's request with the same key is its own, and refused on its own merits.
    expect((await agent2.operate(id, SPEC.accept, key)).json).toEqual(failed(2));
  });

  it('created through Nexus, worked through Workspace, read back through GMS and Nexus', async () => {
    const id = await nexusCreate('orders', { externalId: 'cross-1', userData: { OrderNumber: 'A1' } });
    expect((await agent1.operate(id, SPEC.accept)).json).toEqual(ok);
    expect((await agent1.operate(id, { operationName: 'UpdateUserData', userData: { OrderNumber: 'A2', Note: 'called back' } })).json).toEqual(ok);
    const props = await gmsGet('orders', id);
    expect(props).toMatchObject({ interactionState: expect.any(String), interactionQueue: 'orders' });
    expect(props.interactionUserData).toEqual(
      expect.arrayContaining([
        { key: 'OrderNumber', type: 'str', value: 'A2' },
        { key: 'Note', type: 'str', value: 'called back' },
      ]),
    );
    const nexus = await call(gw, `/nexus/v3/openmedia/orders/interactions/ext_cross-1`, { method: 'GET', headers: { 'x-api-key': 'k' } });
    expect(nexus.json.data).toMatchObject({ id, state: 'handling', userData: { OrderNumber: 'A2', Note: 'called back' } });
    expect((await agent1.operate(id, SPEC.complete)).json).toEqual(ok);
    expect((await gmsGet('orders', id)).interactionState).toBe('Stopped');
  });
});

describe('Workspace failures: HTTP 200 with statusCode and statusMessage, nothing changed', () => {
  it('unknown interaction → 6', async () => {
    expect((await agent1.operate('0000000000000000', SPEC.accept)).json).toEqual(failed(6));
    const res = await agent1.get('0000000000000000');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(failed(6));
  });

  it('an operation by an agent who does not own it → 2; Accept of an owned one → 2', async () => {
    const id = await owned();
    const before = await interaction(id);
    for (const body of [SPEC.complete, SPEC.reject, SPEC.cancel, SPEC.placeInQueue, SPEC.placeInWorkbin, SPEC.transfer, SPEC.userData('UpdateUserData'), SPEC.userData('AttachUserData'), SPEC.userData('DeleteUserData')]) {
      expect((await agent2.operate(id, body)).json).toEqual(failed(2));
    }
    expect((await agent2.operate(id, SPEC.accept)).json).toEqual(failed(2));
    expect((await agent1.operate(id, SPEC.accept)).json).toEqual(failed(2));
    expect(await interaction(id)).toEqual(before);
  });

  it('an operation other than Accept on an unowned, queued interaction → 2', async () => {
    const id = await gmsCreate('support');
    expect((await agent1.operate(id, SPEC.complete)).json).toEqual(failed(2));
    expect((await agent1.operate(id, SPEC.userData('UpdateUserData'))).json).toEqual(failed(2));
    expect((await interaction(id)).state).toBe('queued');
  });

  it.each([
    ['no operationName', 1, {}],
    ['an empty body', 1, ''],
    ['PlaceInQueue without queueName', 1, { operationName: 'PlaceInQueue' }],
    ['PlaceInWorkbin without workbin', 1, { operationName: 'PlaceInWorkbin' }],
    ['Transfer without a target', 1, { operationName: 'Transfer' }],
    ['UpdateUserData without userData', 1, { operationName: 'UpdateUserData' }],
    ['UpdateUserData with no keys', 1, { operationName: 'UpdateUserData', userData: {} }],
    ['DeleteUserData without keys', 1, { operationName: 'DeleteUserData' }],
    ['malformed JSON', 10, '{"operationName":"Accept"'],
    ['the spec’s own body without its commas', 10, '{\n"operationName":"PlaceInQueue"\n"queueName":"q"\n}'],
    ['a body that is not an object', 10, '["Accept"]'],
    ['an unknown operationName', 10, { operationName: 'Explode' }],
    ['__proto__ as operationName', 10, { operationName: '__proto__' }],
    ['constructor as operationName', 10, { operationName: 'constructor' }],
    ['a number as operationName', 10, { operationName: 7 }],
    ['a queueName that is not a string', 10, { operationName: 'PlaceInQueue', queueName: ['q'] }],
    ['a targetUri not naming a user', 10, { operationName: 'Transfer', targetUri: 'http://x/api/v2/queues/q' }],
    ['a targetUri user with a slash', 10, { operationName: 'Transfer', targetUri: 'http://x/api/v2/users/a%2Fb' }],
    ['userData that is not an object', 10, { operationName: 'UpdateUserData', userData: 'x' }],
    ['a null user-data value', 10, { operationName: 'UpdateUserData', userData: { a: null } }],
    ['an array user-data value', 10, { operationName: 'AttachUserData', userData: { a: [1, 2] } }],
    ['__proto__ as a user-data key', 10, '{"operationName":"UpdateUserData","userData":{"__proto__":{"polluted":"yes"}}}'],
    ['constructor as a key to delete', 10, { operationName: 'DeleteUserData', keys: ['constructor'] }],
    ['keys that are not strings', 10, { operationName: 'DeleteUserData', keys: [1] }],
  ] as [string, number, unknown][])('%s → %i', async (_name, statusCode, body) => {
    const id = await owned();
    const before = await interaction(id);
    const res = await agent1.operate(id, body);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(failed(statusCode));
    expect(await interaction(id)).toEqual(before);
    expect(({} as any).polluted).toBeUndefined();
  });

  it('a body that is not JSON → 10', async () => {
    const id = await owned();
    const res = await agent1.operate(id, 'operationName=Accept', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.json).toEqual(failed(10));
  });

  it('1001 keys → 413 with statusCode 10, nothing changed', async () => {
    const id = await owned();
    const before = await interaction(id);
    const userData = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, 'v']));
    const res = await agent1.operate(id, { operationName: 'UpdateUserData', userData });
    expect(res.status).toBe(413);
    expect(res.json).toEqual(failed(10));
    expect(await interaction(id)).toEqual(before);
  });

  it.each(['..', '%2E%2E', 'a%2Fb', '%2F', 'a%00b', '%00', 'a%5Cb', '%ZZ'])('id %s → 10, never a 5xx', async (id) => {
    for (const res of [await agent1.operate(id, SPEC.accept), await agent1.get(id)]) {
      expect(res.status).toBe(200);
      expect(res.json).toEqual(failed(10));
    }
  });

  it('an unknown path → 404 with statusCode 6; a wrong method → 405 with statusCode 10', async () => {
    const unknown = await call(gw, '/api/v2/nothing-here', { method: 'GET', headers: { authorization: 'Basic YTpi' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual(failed(6));
    const wrong = await call(gw, '/api/v2/interactions/X', { method: 'DELETE', headers: { authorization: 'Basic YTpi' } });
    expect(wrong.status).toBe(405);
    expect(wrong.json).toEqual(failed(10));
  });

  it('no credential → 401 with statusCode 20 and a Basic challenge', async () => {
    const id = await gmsCreate('support');
    for (const res of [
      await call(gw, `/api/v2/me/interactions/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: SPEC.accept }),
      await call(gw, '/api/v2/me/interactions', { method: 'GET' }),
      await call(gw, `/api/v2/interactions/${id}`, { method: 'GET', headers: { authorization: 'Bearer abc' } }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.json).toEqual(failed(20));
      expect(res.headers['www-authenticate']).toBe('Basic realm="Workspace"');
    }
    expect((await interaction(id)).state).toBe('queued');
  });
});

describe('Workspace with configured agents and scopes', () => {
  let scoped: TestGateway;
  const base = () => scoped.url;
  const boss = workspaceAs(base, 'boss', 'boss-pw');
  const sales = workspaceAs(base, 'sally', 'sally-pw');

  beforeAll(async () => {
    scoped = await startGateway(
      {
        inbound: { wwe: { users: { boss: '${BOSS_PASSWORD}', sally: { password: 'sally-pw', services: ['sales-*'] } } } },
        backends: { sim: { driver: 'memory' } },
        routes: [{ service: 'sales-*', backend: 'sim' }, { service: 'support', backend: 'sim' }],
      },
      { env: { BOSS_PASSWORD: 'boss-pw' } },
    );
  });
  afterAll(() => scoped.close());

  const create = async (service: string): Promise<string> => {
    const res = await call(scoped, `/genesys/2/openmedia/${service}`, { method: 'POST', headers: FORM, body: 'userData%5Bk%5D=v' });
    return res.json.interactionId as string;
  };

  it('a wrong password or an unknown user → 401 (20); the right one works', async () => {
    const id = await create('support');
    expect((await workspaceAs(base, 'boss', 'wrong').operate(id, SPEC.accept)).status).toBe(401);
    expect((await workspaceAs(base, 'nobody', 'boss-pw').operate(id, SPEC.accept)).json).toEqual(failed(20));
    expect((await boss.operate(id, SPEC.accept)).json).toEqual(ok);
  });

  it('an interaction outside the agent’s services is not found (6), never forbidden, and untouched', async () => {
    const id = await create('support');
    expect((await sales.operate(id, SPEC.accept)).json).toEqual(failed(6));
    expect((await sales.get(id)).json).toEqual(failed(6));
    expect((await boss.get(id)).json.interaction.state).toBe('queued');
    const mine = await create('sales-eu');
    expect((await sales.operate(mine, SPEC.accept)).json).toEqual(ok);
  });

  it('GET /interactions shows only the services the agent may see', async () => {
    const support = await create('support');
    const salesOne = await create('sales-us');
    const seenBySales = (await sales.all('?fields=*')).json.interactions.map((i: any) => i.id);
    expect(seenBySales).toContain(salesOne);
    expect(seenBySales).not.toContain(support);
    expect((await boss.all('?fields=*')).json.interactions.map((i: any) => i.id)).toEqual(expect.arrayContaining([support, salesOne]));
  });

  it('GetWorkbinContent keeps to the agent’s services too', async () => {
    const support = await create('support');
    const salesOne = await create('sales-eu');
    await boss.operate(support, SPEC.accept);
    await boss.operate(support, SPEC.placeInWorkbin);
    await sales.operate(salesOne, SPEC.accept);
    await sales.operate(salesOne, SPEC.placeInWorkbin);
    const content = (await sales.operate(salesOne, SPEC.getWorkbinContent)).json.interactions.map((i: any) => i.id);
    expect(content).toEqual([salesOne]);
  });
});
