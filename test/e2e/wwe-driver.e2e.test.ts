import type { Driver } from '../../src/core/driver';
import { wweDriverConfigSchema } from '../../src/drivers/wwe/wwe.config';
import { wweDriver } from '../../src/drivers/wwe/wwe.driver';
import { byExt, byId, commandsFor, driversAgainst, failure, recordingLogger, str } from '../support/driver';
import { FakeUpstream, forwardTo, senderHeaders, type Recorded, type Reply } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { workspaceAs } from '../support/workspace';

/** What a Workspace answers when nothing else is asked of it (GWS "Return Values"). */
const OK: Reply = { status: 200, json: { statusCode: 0, referenceId: 1 } };

/** A request as the driver sent it: its own headers compared exactly, the JSON body parsed. */
const wire = (r: Recorded | undefined) => r && { method: r.method, path: r.path, headers: senderHeaders(r), body: r.body === '' ? undefined : JSON.parse(r.body) };

const AGENT = 'gateway-agent';
const PASSWORD = 'pa:ss wörd';
const BASIC = `Basic ${Buffer.from(`${AGENT}:${PASSWORD}`, 'utf8').toString('base64')}`;
const POST_HEADERS = { authorization: BASIC, accept: 'application/json', 'content-type': 'application/json', 'x-request-id': 'req-1' };
const GET_HEADERS = { authorization: BASIC, accept: 'application/json', 'x-request-id': 'req-1' };
const BASE = '/api/v2';
const ID = '01QG0Q2S5S50G000';
const SERVICE = 'desk';

const { context, getCmd, updateCmd, stopCmd } = commandsFor('gms', SERVICE, ID);
const agentCmd = (operation: Parameters<Driver['agent'] & {}>[0]['operation'], agentId = AGENT) =>
  ({ kind: 'agent', service: SERVICE, context: context(), ref: byId(ID), agentId, operation }) as const;

const INTERACTION = {
  id: ID,
  externalId: 'xy932',
  mediaType: 'workitem',
  type: 'Inbound',
  subtype: 'InboundNew',
  state: 'handling',
  queue: 'support',
  ownerId: AGENT,
  receivedAt: '2026-11-25T12:00:00.000Z',
  userData: { OrderNumber: 'ABC123', Count: 3, Address: { City: 'Paris' } },
};

describe('wwe driver against a recording Workspace upstream', () => {
  const upstream = new FakeUpstream(OK);
  const logger = recordingLogger();
  const makeDriver = driversAgainst(upstream, (options) =>
    wweDriver.create(
      { backendName: 'desk', logger, now: () => new Date() },
      wweDriverConfigSchema.parse({ driver: 'wwe', baseUrl: `${upstream.url}${BASE}`, basicAuth: { username: AGENT, password: PASSWORD }, timeoutMs: 10_000, breakerThreshold: 1000, ...options }),
    ),
  );
  let driver: Driver;
  beforeAll(() => {
    driver = makeDriver();
  });

  describe('the exact request of each command', () => {
    it('get: GET /interactions/{id}, the object read back as canonical', async () => {
      upstream.answer({ status: 200, json: { statusCode: 0, interaction: INTERACTION } });
      const got = await driver.get!(getCmd(byId(ID)));
      expect(upstream.recorded.map(wire)).toEqual([{ method: 'GET', path: `${BASE}/interactions/${ID}`, headers: GET_HEADERS, body: undefined }]);
      expect(got).toEqual({
        id: ID,
        externalId: 'xy932',
        service: SERVICE,
        type: 'Inbound',
        subtype: 'InboundNew',
        mediaType: 'workitem',
        state: 'handling',
        queue: 'support',
        agentId: AGENT,
        receivedAt: '2026-11-25T12:00:00.000Z',
        submittedAt: '2026-11-25T12:00:00.000Z',
        userData: [str('OrderNumber', 'ABC123'), { key: 'Count', type: 'int', value: 3 }, { key: 'Address', type: 'kvlist', value: [str('City', 'Paris')] }],
      });
    });

    it('update: one operation per change, in order, on /me/interactions/{id}', async () => {
      upstream.answer();
      await driver.update!(
        updateCmd([
          { op: 'upsert', entries: [str('a', '1'), { key: 'n', type: 'int', value: 2 }] },
          { op: 'add', keepDuplicates: true, entries: [str('a', '2')] },
          { op: 'add', entries: [str('b', '3')] },
          { op: 'replace', entries: [{ key: 'c', type: 'kvlist', value: [str('d', '4')] }] },
          { op: 'delete', keys: ['KeyToDelete', 'a'] },
        ]),
      );
      const path = `${BASE}/me/interactions/${ID}`;
      expect(upstream.recorded.map(wire)).toEqual([
        { method: 'POST', path, headers: POST_HEADERS, body: { operationName: 'UpdateUserData', userData: { a: '1', n: 2 } } },
        { method: 'POST', path, headers: POST_HEADERS, body: { operationName: 'AttachUserData', userData: { a: '2' } } },
        { method: 'POST', path, headers: POST_HEADERS, body: { operationName: 'UpdateUserData', userData: { b: '3' } } },
        { method: 'POST', path, headers: POST_HEADERS, body: { operationName: 'UpdateUserData', userData: { c: { d: '4' } } } },
        { method: 'POST', path, headers: POST_HEADERS, body: { operationName: 'DeleteUserData', keys: ['KeyToDelete', 'a'] } },
      ]);
    });

    it('stop: the agent’s Complete (Workspace carries no stop reason)', async () => {
      upstream.answer();
      await driver.stop!(stopCmd({ reasonSystemName: 'RSN', reasonDescription: 'done' }));
      expect(upstream.recorded.map(wire)).toEqual([{ method: 'POST', path: `${BASE}/me/interactions/${ID}`, headers: POST_HEADERS, body: { operationName: 'Complete' } }]);
    });

    it.each([
      [{ op: 'accept' }, { operationName: 'Accept' }],
      [{ op: 'reject' }, { operationName: 'Reject' }],
      [{ op: 'cancel' }, { operationName: 'Cancel' }],
      [{ op: 'complete' }, { operationName: 'Complete' }],
      [{ op: 'placeInQueue', queue: 'second line' }, { operationName: 'PlaceInQueue', queueName: 'second line' }],
      [{ op: 'placeInWorkbin', workbin: 'follow-up' }, { operationName: 'PlaceInWorkbin', workbin: 'follow-up' }],
      [{ op: 'transfer', targetAgentId: 'agent2' }, { operationName: 'SingleStepTransfer', userId: 'agent2' }],
    ] as const)('agent %j → %j', async (operation, body) => {
      upstream.answer();
      await driver.agent!(agentCmd(operation));
      expect(upstream.recorded.map(wire)).toEqual([{ method: 'POST', path: `${BASE}/me/interactions/${ID}`, headers: POST_HEADERS, body }]);
    });

    it('list: the agent’s own with /me/interactions?fields=*, every one with /interactions?fields=*', async () => {
      upstream.answer({ status: 200, json: { statusCode: 0, interactions: [INTERACTION] } }, { status: 200, json: { statusCode: 0, interactions: [] } });
      const mine = await driver.list!({ kind: 'list', service: SERVICE, context: context(), agentId: AGENT });
      expect(mine.map((i) => [i.id, i.service, i.agentId])).toEqual([[ID, SERVICE, AGENT]]);
      expect(await driver.list!({ kind: 'list', service: SERVICE, context: context() })).toEqual([]);
      expect(upstream.recorded.map(wire)).toEqual([
        { method: 'GET', path: `${BASE}/me/interactions?fields=*`, headers: GET_HEADERS, body: undefined },
        { method: 'GET', path: `${BASE}/interactions?fields=*`, headers: GET_HEADERS, body: undefined },
      ]);
    });

    it('list keeps to the command’s limit whatever the upstream answers (Workspace lists have no paging)', async () => {
      upstream.answer({ status: 200, json: { statusCode: 0, interactions: [INTERACTION, { ...INTERACTION, id: 'SECOND' }, { ...INTERACTION, id: 'THIRD' }] } });
      const listed = await driver.list!({ kind: 'list', service: SERVICE, context: context(), limit: 2 });
      expect(listed.map((i) => i.id)).toEqual([ID, 'SECOND']);
      expect(upstream.total()).toBe(1);
    });

    it('ids are sent as one encoded path segment', async () => {
      upstream.answer({ status: 200, json: { statusCode: 0, interaction: { ...INTERACTION, id: 'a b?#' } } });
      await driver.get!(getCmd(byId('a b?#')));
      expect(upstream.recorded[0]?.path).toBe(`${BASE}/interactions/a%20b%3F%23`);
    });
  });

  describe('refused before any I/O', () => {
    it.each([
      ['a ref by externalId', () => driver.get!(getCmd(byExt('xy932')))],
      ['an update by externalId', () => driver.update!(updateCmd([{ op: 'delete', keys: ['a'] }], byExt('xy932')))],
      ['an operation for another agent', () => driver.agent!(agentCmd({ op: 'accept' }, 'someone-else'))],
      ['an update made for another agent', () => driver.update!({ ...updateCmd([{ op: 'delete', keys: ['a'] }]), asAgent: 'someone-else' })],
      ['workbin content (a CometD notification in Workspace)', () => driver.list!({ kind: 'list', service: SERVICE, context: context(), workbin: 'w' })],
    ])('%s → unsupported', async (_name, run) => {
      upstream.answer();
      await failure(run(), 'unsupported');
      expect(upstream.total()).toBe(0);
    });

    it('has no create: the core answers it unsupported', () => {
      expect(driver.create).toBeUndefined();
    });
  });

  describe('answers mapped to canonical errors', () => {
    const refusal = (statusCode: number, status = 200): Reply => ({ status, json: { statusCode, statusMessage: `message for ${statusCode}` } });

    it.each([
      [2, 'conflict'],
      [6, 'not_found'],
      [10, 'invalid_request'],
      [18, 'already_exists'],
      [1, 'upstream_rejected'],
      [3, 'unsupported'],
      [5, 'upstream_rejected'],
      [20, 'upstream_rejected'],
    ] as const)('statusCode %i in HTTP 200 → %s, never a success', async (statusCode, code) => {
      upstream.answer(refusal(statusCode));
      const err = await failure(driver.agent!(agentCmd({ op: 'accept' })), code);
      expect(err.details).toMatchObject({ upstreamStatus: 200, upstreamCode: statusCode });
      expect(err.message).not.toContain('message for');
    });

    it('not found names the interaction', async () => {
      upstream.answer(refusal(6));
      const err = await failure(driver.get!(getCmd(byId(ID))), 'not_found');
      expect(err.details).toMatchObject({ subject: 'interaction', ref: ID });
    });

    it('4 (internal error) is upstream_unavailable: a get is repeated, an operation is not', async () => {
      upstream.answer(refusal(4), { status: 200, json: { statusCode: 0, interaction: INTERACTION } });
      expect((await driver.get!(getCmd(byId(ID)))).id).toBe(ID);
      expect(upstream.total()).toBe(2);
      upstream.answer(refusal(4), OK);
      await failure(driver.agent!(agentCmd({ op: 'accept' })), 'upstream_unavailable');
      expect(upstream.total()).toBe(1);
      // Complete sets a state: repeated (the core resolves a repeat refused because the first was applied).
      upstream.answer(refusal(4), OK);
      await driver.stop!(stopCmd());
      expect(upstream.total()).toBe(2);
    });

    it('the older success forms of the spec ({"status":"ok"}, {"status":0}, an empty 200) are successes; {"status":"error"} is not', async () => {
      upstream.answer({ status: 200, json: { status: 'ok' } }, { status: 200, json: { status: 0 } }, { status: 200, text: '' });
      for (let i = 0; i < 3; i++) await driver.agent!(agentCmd({ op: 'accept' }));
      upstream.answer({ status: 200, json: { status: 'error', errorDescription: 'no' } });
      await failure(driver.agent!(agentCmd({ op: 'accept' })), 'upstream_rejected');
    });

    it.each([
      ['HTTP 401 (the gateway’s agent refused)', { status: 401, text: '<html>no</html>' }],
      ['a body that is not JSON', { status: 200, text: 'garbage' }],
      ['JSON with no status', { status: 200, json: { interaction: INTERACTION } }],
      ['HTTP 400 with statusCode 0', { status: 400, json: { statusCode: 0 } }],
    ] as [string, Reply][])('%s → upstream_rejected', async (_name, reply) => {
      upstream.answer(reply);
      await failure(driver.get!(getCmd(byId(ID))), 'upstream_rejected');
    });

    it('a get answer without an interaction, or with user data it cannot represent → upstream_rejected', async () => {
      upstream.answer({ status: 200, json: { statusCode: 0 } }, { status: 200, json: { statusCode: 0, interaction: { ...INTERACTION, userData: { a: null } } } });
      await failure(driver.get!(getCmd(byId(ID))), 'upstream_rejected');
      await failure(driver.get!(getCmd(byId(ID))), 'upstream_rejected');
    });

    it('the upstream’s message rides on the error to the request’s log line, never the password; the driver writes none', async () => {
      logger.lines.length = 0;
      upstream.answer(refusal(1));
      const err = await failure(driver.agent!(agentCmd({ op: 'accept' })), 'upstream_rejected');
      expect(err.details).toMatchObject({ upstreamCode: 1, upstreamMessage: 'message for 1' });
      expect(err.message).not.toContain('message for 1');
      expect(JSON.stringify(err.details)).not.toContain('wörd');
      expect(logger.lines).toEqual([]);
    });

    it('a Workspace internal error (4) keeps its message on the error the client throws', async () => {
      upstream.answer(refusal(4), refusal(4), refusal(4));
      const err = await failure(driver.get!(getCmd(byId(ID))), 'upstream_unavailable');
      expect(err.details).toMatchObject({ upstreamCode: 4, upstreamMessage: 'message for 4' });
    });
  });
});

/**
 * A GMS client → front gateway (gms inbound → wwe driver, acting as agent `desk-agent`) → recorder → back gateway
 * (Workspace inbound → memory). The interaction is created on the back and accepted there by the configured agent;
 * the front then works it by GMS alone.
 */
describe('chain: GMS client → front gateway (wwe driver) → back gateway (Workspace inbound, memory)', () => {
  let back: TestGateway;
  let front: TestGateway;
  const recorder = new FakeUpstream(forwardTo(() => back.url));
  const deskAgent = workspaceAs(() => back.url, 'desk-agent', 'desk-pw');
  const FRONT_POST = { authorization: `Basic ${Buffer.from('desk-agent:desk-pw').toString('base64')}`, accept: 'application/json', 'content-type': 'application/json', 'x-request-id': expect.any(String) };
  const FRONT_GET = { authorization: FRONT_POST.authorization, accept: 'application/json', 'x-request-id': expect.any(String) };
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

  beforeAll(async () => {
    back = await startGateway({ inbound: { wwe: { users: { 'desk-agent': 'desk-pw' } } } });
    await recorder.start();
    front = await startGateway({
      inbound: { wwe: { service: 'desk' } },
      backends: { sim: { driver: 'memory' }, desk: { driver: 'wwe', baseUrl: `${recorder.url}/api/v2`, basicAuth: { username: 'desk-agent', password: 'desk-pw' } } },
      routes: [{ service: 'desk', backend: 'desk' }, { service: '*', backend: 'sim' }],
    });
  });
  afterAll(async () => {
    await front?.close();
    await recorder.close();
    await back?.close();
  });

  const gms = (path: string, body = '') => call(front, `/genesys/2/openmedia${path}`, { method: 'POST', headers: FORM, body });
  const sent = () => recorder.recorded.map(wire);

  /** Created through the back's GMS, accepted there by the agent the front's driver acts as. */
  async function ownedOnBack(form = 'externalId=chain-1&userData%5BOrderNumber%5D=ABC123&userData%5BKeyToDelete%5D=x'): Promise<string> {
    const id: string = (await call(back, '/genesys/2/openmedia/desk', { method: 'POST', headers: FORM, body: form })).json.interactionId;
    expect((await deskAgent.operate(id, { operationName: 'Accept' })).json).toMatchObject({ statusCode: 0 });
    return id;
  }

  it('update, get and stop arrive on the back as Workspace operations of the configured agent', async () => {
    const id = await ownedOnBack();
    const path = `/api/v2/me/interactions/${id}`;

    recorder.answer();
    expect((await gms(`/desk/${id}/update`, 'change%5BOrderNumber%5D=uABC&change%5BNote%5D=n+1&delete%5BKeyToDelete%5D=')).json).toEqual({ statusCode: 0 });
    expect(sent()).toEqual([
      { method: 'POST', path, headers: FRONT_POST, body: { operationName: 'UpdateUserData', userData: { OrderNumber: 'uABC', Note: 'n 1' } } },
      { method: 'POST', path, headers: FRONT_POST, body: { operationName: 'DeleteUserData', keys: ['KeyToDelete'] } },
    ]);
    expect((await deskAgent.get(id)).json.interaction.userData).toEqual({ OrderNumber: 'uABC', Note: 'n 1' });

    recorder.answer();
    const got = await gms(`/desk/${id}/get`);
    expect(sent()).toEqual([{ method: 'GET', path: `/api/v2/interactions/${id}`, headers: FRONT_GET, body: undefined }]);
    expect(got.json.statusCode).toBe(0);
    expect(got.json.interactionProperties).toMatchObject({ interactionId: id, interactionQueue: 'desk', interactionState: expect.any(String) });
    expect(got.json.interactionProperties.interactionUserData).toEqual(
      expect.arrayContaining([
        { key: 'ExternalId', type: 'str', value: 'chain-1' },
        { key: 'OrderNumber', type: 'str', value: 'uABC' },
        { key: 'Note', type: 'str', value: 'n 1' },
      ]),
    );

    recorder.answer();
    expect((await gms(`/desk/${id}/stop`, 'reasonSystemName=DONE')).json).toEqual({ statusCode: 0 });
    expect(sent()).toEqual([{ method: 'POST', path, headers: FRONT_POST, body: { operationName: 'Complete' } }]);
    expect((await deskAgent.get(id)).json.interaction.state).toBe('stopped');
    expect((await gms(`/desk/${id}/get`)).json.interactionProperties.interactionState).toBe('Stopped');
  });

  it("the back's refusals come back in GMS form: not the agent's (253), unknown (248)", async () => {
    const queued: string = (await call(back, '/genesys/2/openmedia/desk', { method: 'POST', headers: FORM, body: 'userData%5Ba%5D=1' })).json.interactionId;
    expect((await gms(`/desk/${queued}/update`, 'change%5Ba%5D=2')).json).toMatchObject({ statusCode: 2, errors: [{ code: 253 }] });
    expect((await deskAgent.get(queued)).json.interaction.userData).toEqual({ a: '1' });
    expect((await gms('/desk/0000000000000000/get')).json).toEqual({ statusCode: 2, errors: [{ code: 248, advice: 'Specified interaction Id[0000000000000000] was not found' }] });
  });

  it('a GMS or Nexus create routed to Workspace is unsupported in that dialect, before any I/O', async () => {
    recorder.answer();
    expect((await gms('/desk', 'externalId=never')).json).toMatchObject({ statusCode: 2, errors: [{ code: 251 }] });
    const nexus = await call(front, '/nexus/v3/openmedia/desk/interactions', { method: 'POST', headers: { 'x-api-key': 'k', 'content-type': 'application/json' }, body: '{"externalId":"never"}' });
    expect(nexus.status).toBe(501);
    expect(recorder.total()).toBe(0);
  });

  it('the front’s agent parks an interaction in its workbin and takes it back, through the back’s ownership rules', async () => {
    const id = await ownedOnBack('userData%5Bk%5D=v');
    const frontAgent = workspaceAs(() => front.url, 'desk-agent');
    recorder.answer();
    expect((await frontAgent.operate(id, { operationName: 'PlaceInWorkbin', workbin: 'later' })).json).toMatchObject({ statusCode: 0 });
    expect((await deskAgent.get(id)).json.interaction).toMatchObject({ state: 'inWorkbin', workbin: 'later' });
    expect((await frontAgent.operate(id, { operationName: 'Accept' })).json).toMatchObject({ statusCode: 0 });
    expect(sent()).toEqual([
      { method: 'POST', path: `/api/v2/me/interactions/${id}`, headers: FRONT_POST, body: { operationName: 'PlaceInWorkbin', workbin: 'later' } },
      { method: 'POST', path: `/api/v2/me/interactions/${id}`, headers: FRONT_POST, body: { operationName: 'Accept' } },
    ]);
    expect((await deskAgent.get(id)).json.interaction).toMatchObject({ state: 'handling', ownerId: 'desk-agent' });
  });

  it('a Workspace desktop on the front drives the back: the fallback service finds ids the front never saw', async () => {
    const id = await ownedOnBack('userData%5Bk%5D=v');
    const frontAgent = workspaceAs(() => front.url, 'desk-agent');
    recorder.answer();
    expect((await frontAgent.operate(id, { operationName: 'AttachUserData', userData: { k: 'w' } })).json).toMatchObject({ statusCode: 0 });
    expect(sent()).toEqual([{ method: 'POST', path: `/api/v2/me/interactions/${id}`, headers: FRONT_POST, body: { operationName: 'AttachUserData', userData: { k: 'w' } } }]);
    const mine = (await frontAgent.mine('?fields=*')).json.interactions.map((i: any) => i.id);
    expect(mine).toContain(id);
    // Another agent on the front cannot act through the back's single agent.
    expect((await workspaceAs(() => front.url, 'intruder').operate(id, { operationName: 'Complete' })).json).toMatchObject({ statusCode: 3 });
    expect((await deskAgent.get(id)).json.interaction.state).toBe('handling');
  });
});
