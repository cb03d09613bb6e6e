import { FakeUpstream } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { workspaceAs } from '../support/workspace';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const failed = (statusCode: number) => ({ statusCode, statusMessage: expect.any(String) });
const ID = '01QG0Q2S5S50G000';

/**
 * An operation the routed backend does not do is Workspace 3 ("the operation is forbidden", GWS Return Values), the
 * same whichever driver is behind: refused by the core before any I/O, or answered "not implemented" upstream.
 */
describe('Workspace: an operation the routed backend does not do → statusCode 3, before or without harm to the upstream', () => {
  const upstream = new FakeUpstream({ status: 501, json: { status: { code: 501, message: 'Not implemented' } } });
  const gateways: TestGateway[] = [];
  const agentOn = (gw: TestGateway) => workspaceAs(() => gw.url, 'agent1');

  beforeAll(async () => {
    await upstream.start();
  });
  afterAll(async () => {
    for (const gw of gateways) await gw.close();
    await upstream.close();
  });

  it('a create-only vsp backend: every Workspace request by id is 3, with no upstream call', async () => {
    const gw = await startGateway({
      inbound: { wwe: { service: 'forms' } },
      backends: {
        forms: { driver: 'vsp', baseUrl: `${upstream.url}/api`, appAccessKey: 'k', accountId: '6f1c5e3a-3f6b-4a43-9d0e-0d9c1b2a3c4d', contactId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
      },
      routes: [{ service: '*', backend: 'forms' }],
    });
    gateways.push(gw);
    upstream.answer();
    const agent = agentOn(gw);
    expect((await agent.get(ID)).json).toEqual(failed(3));
    for (const body of [{ operationName: 'Accept' }, { operationName: 'Complete' }, { operationName: 'UpdateUserData', userData: { a: '1' } }]) {
      const res = await agent.operate(ID, body);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(failed(3));
    }
    // Nothing to list either: an empty list, not a failure, as no backend holds anything the agent may see.
    expect((await agent.mine()).json).toEqual({ statusCode: 0, uris: [] });
    expect(upstream.total()).toBe(0);
  });

  it('an upstream answering 501 Not Implemented (nexus driver) is 3 too: asked once, not retried, the breaker untouched', async () => {
    const gw = await startGateway({
      inbound: { wwe: { service: 'nx' } },
      backends: { nx: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', breakerThreshold: 1, retries: 2 } },
      routes: [{ service: '*', backend: 'nx' }],
    });
    gateways.push(gw);
    upstream.answer();
    const agent = agentOn(gw);
    expect((await agent.get(ID)).json).toEqual(failed(3));
    expect(upstream.total()).toBe(1);
    // A breaker that counted the 501 (threshold 1) would now refuse without asking.
    expect((await agent.get(ID)).json).toEqual(failed(3));
    expect(upstream.total()).toBe(2);
    const nexus = await call(gw, `/nexus/v3/openmedia/nx/interactions/${ID}`, { method: 'GET', headers: { 'x-api-key': 'k' } });
    expect(nexus.status).toBe(501);
    const gms = await call(gw, `/genesys/2/openmedia/nx/${ID}/get`, { method: 'POST', headers: FORM, body: '' });
    expect(gms.json).toMatchObject({ statusCode: 2, errors: [{ code: 251 }] });
  });
});

describe('Workspace lists are bounded and keep to the agent’s services', () => {
  const upstreamInteraction = (id: string) => ({ id, mediaType: 'workitem', type: 'Inbound', subtype: 'InboundNew', state: 'queued', queue: 'q', receivedAt: '2026-11-25T12:00:00.000Z', userData: {} });
  const UPSTREAM_IDS = ['UPSTREAM00000001', 'UPSTREAM00000002'];
  const workspace = new FakeUpstream({ status: 200, json: { statusCode: 0, interactions: UPSTREAM_IDS.map(upstreamInteraction) } });
  let gw: TestGateway;
  const boss = workspaceAs(() => gw.url, 'boss', 'boss-pw');
  const sally = workspaceAs(() => gw.url, 'sally', 'sally-pw');

  beforeAll(async () => {
    await workspace.start();
    gw = await startGateway({
      inbound: { wwe: { users: { boss: 'boss-pw', sally: { password: 'sally-pw', services: ['sales-*'] } } } },
      backends: { sim: { driver: 'memory' }, desk: { driver: 'wwe', baseUrl: `${workspace.url}/api/v2`, basicAuth: { username: 'gw-agent', password: 'x' } } },
      // Every sales service reaches the Workspace behind: which of its interactions are sales ones, it cannot say.
      routes: [{ service: 'local-*', backend: 'sim' }, { service: '*', backend: 'desk' }],
    });
  });
  afterAll(async () => {
    await gw?.close();
    await workspace.close();
  });

  const ids = (res: { json: any }) => (res.json.interactions as { id: string }[]).map((i) => i.id);

  it('interactions behind a catch-all route to a backend with no services are shown only to an agent who sees every service', async () => {
    workspace.answer();
    const local = (await call(gw, '/genesys/2/openmedia/local-one', { method: 'POST', headers: FORM, body: '' })).json.interactionId as string;
    // sally first: nothing the index learns from her list may show her what she could not see.
    expect((await sally.all('?fields=*')).json).toEqual({ statusCode: 0, interactions: [] });
    expect((await sally.all()).json).toEqual({ statusCode: 0, uris: [] });
    expect(workspace.count('GET /api/v2/interactions?fields=*')).toBe(2);
    expect(ids(await boss.all('?fields=*'))).toEqual([local, ...UPSTREAM_IDS]);
    workspace.answer();
    expect((await sally.get(UPSTREAM_IDS[0]!)).json).toEqual(failed(6));
    expect((await sally.operate(UPSTREAM_IDS[0]!, { operationName: 'Accept' })).json).toEqual(failed(6));
    expect(workspace.total()).toBe(0);
    workspace.answer({ status: 200, json: { statusCode: 0, interaction: upstreamInteraction(UPSTREAM_IDS[0]!) } });
    expect((await boss.get(UPSTREAM_IDS[0]!)).json.interaction).toMatchObject({ id: UPSTREAM_IDS[0], state: 'queued' });
    expect(workspace.count(`GET /api/v2/interactions/${UPSTREAM_IDS[0]}`)).toBe(1);
  });

  it('one list answers at most 1000 interactions, oldest first, and says when it was cut', async () => {
    const created: string[] = [];
    for (let batch = 0; batch < 51; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => call(gw, '/genesys/2/openmedia/local-bulk', { method: 'POST', headers: FORM, body: '' })),
      );
      for (const res of answers) created.push(res.json.interactionId as string);
    }
    expect(new Set(created).size).toBe(1020);
    const agent = workspaceAs(() => gw.url, 'boss', 'boss-pw');
    const uris = await agent.all();
    expect(uris.json.statusCode).toBe(0);
    expect(uris.json.uris).toHaveLength(1000);
    expect(uris.json.truncated).toBe(true);
    const objects = await agent.all('?fields=*');
    expect(objects.json.interactions).toHaveLength(1000);
    expect(objects.json.truncated).toBe(true);
    const shown = ids(objects).filter((id) => created.includes(id));
    expect(shown).toEqual([...created].sort().slice(0, shown.length));
    // A list that fits says nothing more.
    expect((await agent.mine()).json).toEqual({ statusCode: 0, uris: [] });
  });
});
