import { FakeUpstream } from '../support/fake-upstream';
import { memoryLogger } from '../support/log-capture';
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

  it('one list answers at most 1000 interactions, the embedded contact center’s oldest first, and says when it was cut', async () => {
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

/**
 * A hostile or careless Workspace client, on configured agents: every bad request is a Workspace failure naming
 * what is wrong, in exactly one log line with its request id, never a 5xx, and the interaction is unchanged.
 */
describe('Workspace against a hostile client', () => {
  const logger = memoryLogger();
  let gw: TestGateway;
  const boss = workspaceAs(() => gw.url, 'boss', 'boss-pw');
  let seq = 0;

  beforeAll(async () => {
    gw = await startGateway(
      {
        inbound: { wwe: { users: { boss: 'boss-pw', carl: { password: 'carl-pw', services: ['support'] }, sally: { password: 'sally-pw', services: ['sales-*'] } } } },
        backends: { sim: { driver: 'memory' } },
        routes: [{ service: '*', backend: 'sim' }],
      },
      { logger },
    );
  });
  afterAll(() => gw?.close());

  async function ownedByBoss(service = 'support'): Promise<string> {
    const id = (await call(gw, `/genesys/2/openmedia/${service}`, { method: 'POST', headers: FORM, body: 'userData%5Bk%5D=v' })).json.interactionId as string;
    expect((await boss.operate(id, { operationName: 'Accept' })).json).toMatchObject({ statusCode: 0 });
    return id;
  }

  /** One request with its own request id: its answer, and the log lines that name that id. */
  async function operate(id: string, body: unknown) {
    const requestId = `hostile-${++seq}`;
    const res = await boss.operate(id, body, { 'x-request-id': requestId });
    const lines = logger.lines.filter((l) => l.fields.requestId === requestId);
    return { res, lines };
  }

  const long = 'q'.repeat(256);
  it.each([
    ['a queueName of 256 characters', 10, { operationName: 'PlaceInQueue', queueName: long }],
    ['a workbin with a control character', 10, { operationName: 'PlaceInWorkbin', workbin: 'a\nb' }],
    ['a workbin that is a number', 10, { operationName: 'PlaceInWorkbin', workbin: 5 }],
    ['a GetWorkbinContent workbin that is an object', 10, { operationName: 'GetWorkbinContent', workbin: { a: 1 } }],
    ['a userId of 256 characters', 10, { operationName: 'Transfer', userId: long }],
    ['a userId that is an object', 10, { operationName: 'SingleStepTransfer', userId: { id: 'carl' } }],
    ['a targetUri naming a user of 256 characters', 10, { operationName: 'Transfer', targetUri: `http://x/api/v2/users/${long}` }],
    ['keys that are a string', 10, { operationName: 'DeleteUserData', keys: 'k' }],
    ['userData that is an array', 10, { operationName: 'AttachUserData', userData: [{ k: 'v' }] }],
    ['a user-data value over the 64 KiB an interaction may hold', 10, { operationName: 'UpdateUserData', userData: { Blob: 'x'.repeat(70_000) } }],
    ['a body over the 1 MB limit', 10, { operationName: 'UpdateUserData', userData: { Blob: 'x'.repeat(1_100_000) } }],
    ['an operationName in another case', 10, { operationName: 'accept' }],
    ['a Transfer to an agent nobody configured', 6, { operationName: 'Transfer', userId: 'nobody' }],
    ['a Transfer to an agent who may not see the service', 6, { operationName: 'Transfer', userId: 'sally' }],
    ['a Transfer to __proto__', 6, { operationName: 'Transfer', userId: '__proto__' }],
  ] as [string, number, unknown][])('%s → statusCode %i, one log line, nothing changed', async (_name, statusCode, body) => {
    const id = await ownedByBoss();
    const before = (await boss.get(id)).json;
    const { res, lines } = await operate(id, body);
    expect(res.status).toBeLessThan(500);
    expect(res.json).toEqual(failed(statusCode));
    expect(res.json.statusMessage).not.toContain('xxxx');
    expect(lines).toHaveLength(1);
    // A body over the limit is refused while it arrives, before anyone reads its credential.
    expect(lines[0]).toMatchObject({ level: 'warn', message: 'request', fields: { dialect: 'wwe', status: res.status } });
    expect((await boss.get(id)).json).toEqual(before);
  });

  it('a Transfer to a configured agent who may see the service hands it over', async () => {
    const id = await ownedByBoss();
    expect((await boss.operate(id, { operationName: 'Transfer', userId: 'carl' })).json).toMatchObject({ statusCode: 0 });
    expect((await boss.get(id)).json.interaction).toMatchObject({ state: 'handling', ownerId: 'carl' });
    const carl = workspaceAs(() => gw.url, 'carl', 'carl-pw');
    expect((await carl.operate(id, { operationName: 'Complete' })).json).toMatchObject({ statusCode: 0 });
  });
});

describe('a Workspace refusal behind the wwe driver is logged once', () => {
  const logger = memoryLogger();
  const workspace = new FakeUpstream({ status: 200, json: { statusCode: 2, statusMessage: 'Interaction is owned by another agent' } });
  let gw: TestGateway;

  beforeAll(async () => {
    await workspace.start();
    gw = await startGateway(
      { backends: { desk: { driver: 'wwe', baseUrl: `${workspace.url}/api/v2`, basicAuth: { username: 'gw-agent', password: 'secret-pw' } } }, routes: [{ service: '*', backend: 'desk' }] },
      { logger },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await workspace.close();
  });

  it('in the request’s own line, with Workspace’s words; never in the answer', async () => {
    const res = await call(gw, `/genesys/2/openmedia/desk/${ID}/update`, { method: 'POST', headers: { ...FORM, 'x-request-id': 'refused-1' }, body: 'change%5Ba%5D=1' });
    expect(res.json).toMatchObject({ statusCode: 2, errors: [{ code: 253 }] });
    expect(res.text).not.toContain('owned by another');
    const lines = logger.lines.filter((l) => l.fields.requestId === 'refused-1' || JSON.stringify(l.fields).includes('refused-1'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ message: 'request', fields: { upstreamCode: 2, upstreamMessage: 'Interaction is owned by another agent' } });
  });
});
