import type { Driver } from '../../src/core/driver';
import { nexusDriverConfigSchema } from '../../src/drivers/nexus/nexus.config';
import { nexusDriver } from '../../src/drivers/nexus/nexus.driver';
import { byExt, byId, commandsFor, driversAgainst, failure, recordingLogger, str } from '../support/driver';
import { FakeUpstream, forwardTo, hang, senderHeaders, type Recorded, type Reply } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';

/** What a Nexus upstream answers when nothing else is asked of it. */
const OK: Reply = { status: 200, json: { status: { code: 0 } } };

/** A request as the driver sent it: its own headers compared exactly, the JSON body parsed. */
const wire = (r: Recorded | undefined) => (r === undefined ? undefined : { method: r.method, path: r.path, headers: senderHeaders(r), body: r.body === '' ? undefined : JSON.parse(r.body) });

const API_KEY = 'k-secret';
const TRACE = '4bf92f3577b34da6';
const BASE = '/nexus/v3/openmedia/customer-support/interactions';
const JSON_HEADERS = { 'x-api-key': API_KEY, accept: 'application/json', 'content-type': 'application/json', 'x-request-id': 'req-1' };
const GET_HEADERS = { 'x-api-key': API_KEY, accept: 'application/json', 'x-request-id': 'req-1' };

const SERVICE = 'customer-support';
const { context, createCmd, getCmd, updateCmd, stopCmd } = commandsFor('gms', SERVICE, 'I1');

const INTERACTION = {
  id: 'I1',
  externalId: 'xy932',
  service: SERVICE,
  type: 'Inbound',
  subtype: 'InboundNew',
  mediaType: 'workitem',
  state: 'queued',
  queue: 'support-q',
  receivedAt: '2024-05-01T10:00:00.000Z',
  submittedAt: '2024-05-01T10:00:00.000Z',
  placedInQueueAt: '2024-05-01T10:00:00.000Z',
  userData: { present: 'old', n: 7 },
};

/**
 * Per-attempt timeouts: an upstream that answers is given far more than a loaded machine needs, so a slow answer is
 * never taken for a hang; one that never answers meets a driver with a short one.
 */
const ANSWERED_TIMEOUT_MS = 10_000;
const HANG_TIMEOUT_MS = 300;

describe('nexus driver against a recording Nexus upstream', () => {
  const upstream = new FakeUpstream(OK);
  const logger = recordingLogger();
  const makeDriver = driversAgainst(upstream, (options) =>
    nexusDriver.create(
      { backendName: 'cloud', logger, now: () => new Date() },
      nexusDriverConfigSchema.parse({ driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: API_KEY, timeoutMs: ANSWERED_TIMEOUT_MS, breakerThreshold: 1000, ...options }),
    ),
  );
  let driver: Driver;

  beforeAll(() => {
    driver = makeDriver();
  });

  describe('requests', () => {
    it('create with externalId: the Nexus fields, user data as an object, trace and idempotency headers', async () => {
      upstream.answer({ status: 200, json: { status: { code: 0 }, data: { id: 'I1', externalId: 'xy932' } } });
      const created = await driver.create!(
        createCmd({
          externalId: 'xy932',
          parentInteractionId: 'P0',
          receivedAt: '2024-05-01T09:59:00.000Z',
          interactionType: 'Inbound',
          userData: [str('0rderNumber', 'ABC123456789'), { key: 'n', type: 'int', value: 7 }, { key: 'kv', type: 'kvlist', value: [str('a', 'b')] }],
          context: context({ traceId: TRACE, idempotencyKey: 'idem-1' }),
        }),
      );
      expect(created).toEqual({ id: 'I1', externalId: 'xy932' });
      expect(upstream.recorded.map(wire)).toEqual([
        {
          method: 'POST',
          path: BASE,
          headers: { ...JSON_HEADERS, 'x-b3-traceid': TRACE, 'idempotency-key': 'idem-1' },
          body: { externalId: 'xy932', parentInteractionId: 'P0', receivedAt: '2024-05-01T09:59:00.000Z', userData: { '0rderNumber': 'ABC123456789', n: 7, kv: { a: 'b' } } },
        },
      ]);
    });

    it('create without externalId: user data only, no optional headers; a flat answer is read too', async () => {
      upstream.answer({ status: 201, json: { id: 'I2' } });
      expect(await driver.create!(createCmd({ userData: [str('k', 'v')] }))).toEqual({ id: 'I2' });
      expect(upstream.recorded.map(wire)).toEqual([{ method: 'POST', path: BASE, headers: JSON_HEADERS, body: { userData: { k: 'v' } } }]);
    });

    it('get by id and by ext_{externalId}, mapping the interaction', async () => {
      upstream.answer({ status: 200, json: { status: { code: 0 }, data: INTERACTION } }, { status: 200, json: INTERACTION });
      const byIdRead = await driver.get!(getCmd(byId('I1')));
      const byExtRead = await driver.get!(getCmd(byExt('xy932')));
      expect(upstream.recorded.map(wire)).toEqual([
        { method: 'GET', path: `${BASE}/I1`, headers: GET_HEADERS, body: undefined },
        { method: 'GET', path: `${BASE}/ext_xy932`, headers: GET_HEADERS, body: undefined },
      ]);
      expect(byExtRead).toEqual(byIdRead);
      expect(byIdRead).toEqual({
        id: 'I1',
        externalId: 'xy932',
        service: SERVICE,
        type: 'Inbound',
        subtype: 'InboundNew',
        mediaType: 'workitem',
        state: 'queued',
        queue: 'support-q',
        receivedAt: '2024-05-01T10:00:00.000Z',
        submittedAt: '2024-05-01T10:00:00.000Z',
        placedInQueueAt: '2024-05-01T10:00:00.000Z',
        userData: [str('present', 'old'), { key: 'n', type: 'int', value: 7 }],
      });
    });

    it('encodes hostile ids as one path segment on the wire', async () => {
      upstream.answer({ status: 200, json: { ...INTERACTION, id: 'a/b' } }, { status: 200, json: INTERACTION });
      await driver.get!(getCmd(byId('a/b')));
      await driver.get!({ ...getCmd(byExt('x?y#z')), service: 'svc/../admin' });
      expect(upstream.recorded.map((r) => r.path)).toEqual([`${BASE}/a%2Fb`, '/nexus/v3/openmedia/svc%2F..%2Fadmin/interactions/ext_x%3Fy%23z']);
    });

    it('refuses, before any I/O, an id Nexus would misread or a dot segment', async () => {
      upstream.answer();
      await failure(driver.get!(getCmd(byId('ext_123'))), 'invalid_request');
      await failure(driver.stop!({ ...stopCmd(), ref: byId('..') }), 'invalid_request');
      expect(upstream.recorded).toEqual([]);
    });

    it('update: replace → changedProperties, add → addedProperties, delete → deletedProperties, one POST', async () => {
      upstream.answer();
      await driver.update!(
        updateCmd(
          [
            { op: 'replace', entries: [str('a', '1')] },
            { op: 'add', entries: [str('b', '2')] },
            { op: 'delete', keys: ['c'] },
          ],
          byExt('xy932'),
        ),
      );
      expect(upstream.recorded.map(wire)).toEqual([
        {
          method: 'POST',
          path: `${BASE}/ext_xy932/update`,
          headers: JSON_HEADERS,
          body: { changedProperties: { a: '1' }, addedProperties: { b: '2' }, deletedProperties: ['c'] },
        },
      ]);
    });

    const upsert = [{ op: 'upsert' as const, entries: [str('present', 'new'), str('absent', 'x')] }, { op: 'delete' as const, keys: ['gone'] }];

    it('upsert with `lookup`: one GET (without the Idempotency-Key), then present keys changed and absent ones added', async () => {
      upstream.answer({ status: 200, json: { status: { code: 0 }, data: INTERACTION } }, OK);
      await driver.update!({ ...updateCmd(upsert), context: context({ idempotencyKey: 'idem-2' }) });
      expect(upstream.recorded.map(wire)).toEqual([
        { method: 'GET', path: `${BASE}/I1`, headers: GET_HEADERS, body: undefined },
        {
          method: 'POST',
          path: `${BASE}/I1/update`,
          headers: { ...JSON_HEADERS, 'idempotency-key': 'idem-2' },
          body: { changedProperties: { present: 'new' }, addedProperties: { absent: 'x' }, deletedProperties: ['gone'] },
        },
      ]);
    });

    it('upsert with `lookup` on an unknown interaction stops at the GET: not_found', async () => {
      upstream.answer({ status: 404, json: { status: { code: 404, message: 'not found' } } });
      const err = await failure(driver.update!(updateCmd(upsert, byExt('nope'))), 'not_found');
      expect(err.details).toMatchObject({ subject: 'interaction', ref: 'nope', upstreamStatus: 404 });
      expect(upstream.recorded.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${BASE}/ext_nope`]);
    });

    it.each([
      ['changed', { changedProperties: { present: 'new', absent: 'x' }, deletedProperties: ['gone'] }],
      ['added', { addedProperties: { present: 'new', absent: 'x' }, deletedProperties: ['gone'] }],
    ])('upsert with `%s`: one POST, every key one way', async (strategy, body) => {
      const one = makeDriver({ upsertStrategy: strategy });
      upstream.answer();
      await one.update!(updateCmd(upsert));
      expect(upstream.recorded.map(wire)).toEqual([{ method: 'POST', path: `${BASE}/I1/update`, headers: JSON_HEADERS, body }]);
    });

    it('stop with the reason, and `{}` without; an empty 200 is success', async () => {
      upstream.answer(OK, { status: 200, text: '' });
      await driver.stop!(stopCmd({ reasonSystemName: 'RSN-123', reasonDescription: 'ORDER CANCELLED', context: context({ traceId: TRACE }) }));
      await driver.stop!(stopCmd());
      expect(upstream.recorded.map(wire)).toEqual([
        { method: 'POST', path: `${BASE}/I1/stop`, headers: { ...JSON_HEADERS, 'x-b3-traceid': TRACE }, body: { reasonSystemName: 'RSN-123', reasonDescription: 'ORDER CANCELLED' } },
        { method: 'POST', path: `${BASE}/I1/stop`, headers: JSON_HEADERS, body: {} },
      ]);
    });
  });

  describe('upstream failures', () => {
    it('404 → not_found naming the interaction', async () => {
      upstream.answer({ status: 404, json: { status: { code: 404, message: 'Interaction not found' } } });
      const err = await failure(driver.get!(getCmd(byId('I404'))), 'not_found');
      expect(err.details).toMatchObject({ subject: 'interaction', ref: 'I404', upstreamStatus: 404 });
    });

    it('409 → already_exists on create, conflict on update and stop', async () => {
      const conflict: Reply = { status: 409, json: { status: { code: 409, message: 'exists' } } };
      upstream.answer(conflict, conflict, conflict);
      await failure(driver.create!(createCmd({ externalId: 'dup' })), 'already_exists');
      await failure(driver.update!(updateCmd([{ op: 'replace', entries: [str('a', 'b')] }])), 'conflict');
      await failure(driver.stop!(stopCmd()), 'conflict');
      expect(upstream.recorded).toHaveLength(3);
    });

    it("400 → upstream_rejected: the upstream's message is kept for the request's log line, never put in the message", async () => {
      logger.lines.length = 0;
      upstream.answer({ status: 400, json: { status: { code: 400, message: 'field userData.secretThing is bad' } } });
      const err = await failure(driver.create!(createCmd()), 'upstream_rejected');
      expect(err.message).not.toContain('secretThing');
      expect(err.details).toMatchObject({ upstreamStatus: 400, upstreamMessage: 'field userData.secretThing is bad' });
      // The driver writes no line of its own: the request line is the one place a refusal is logged.
      expect(logger.warnings()).toEqual([]);
    });

    it.each([401, 403])('%i → upstream_rejected (the gateway credential, not the client)', async (status) => {
      upstream.answer({ status, json: { status: { code: status, message: 'Invalid API key' } } });
      const err = await failure(driver.get!(getCmd(byId('I1'))), 'upstream_rejected');
      expect(err.details.upstreamStatus).toBe(status);
      expect(upstream.recorded).toHaveLength(1);
    });

    it('429 → rate_limited with Retry-After', async () => {
      upstream.answer({ status: 429, json: { status: { code: 429 } }, headers: { 'retry-after': '7' } });
      const err = await failure(driver.stop!(stopCmd()), 'rate_limited');
      expect(err.details.retryAfterSeconds).toBe(7);
    });

    it('500 and 503 → upstream_unavailable; a get is retried, a create without externalId is sent exactly once', async () => {
      upstream.answer({ status: 503, json: {} }, { status: 503, text: '' }, { status: 500, text: 'boom' });
      const last = await failure(driver.get!(getCmd(byId('I1'))), 'upstream_unavailable');
      expect(last.details.upstreamStatus).toBe(500);
      expect(upstream.recorded.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);

      upstream.answer({ status: 503, json: { status: { code: 503 } } });
      const err = await failure(driver.create!(createCmd({ userData: [str('k', 'v')] })), 'upstream_unavailable');
      expect(err.details.upstreamStatus).toBe(503);
      expect(upstream.recorded).toHaveLength(1);
    });

    it('a 200 whose envelope says 5xx is weighed as a 503: a get and a stop are retried, a create without externalId sent once', async () => {
      const down: Reply = { status: 200, json: { status: { code: 503, message: 'database down' } } };
      upstream.answer(down, down, { status: 200, json: { status: { code: 0 }, data: INTERACTION } });
      expect((await driver.get!(getCmd(byId('I1')))).id).toBe('I1');
      expect(upstream.recorded.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);

      upstream.answer(down, down, down);
      const last = await failure(driver.get!(getCmd(byId('I1'))), 'upstream_unavailable');
      expect(last.details).toEqual({ upstreamStatus: 503, applied: 'no' });
      expect(last.message).not.toContain('database');
      expect(upstream.recorded).toHaveLength(3);

      upstream.answer(down, down);
      await failure(driver.create!(createCmd({ userData: [str('k', 'v')] })), 'upstream_unavailable');
      expect(upstream.recorded).toHaveLength(1);
      upstream.answer(down, down, down);
      await failure(driver.stop!(stopCmd()), 'upstream_unavailable');
      expect(upstream.recorded).toHaveLength(3);
    });

    it('a create with externalId may be repeated after a 503', async () => {
      upstream.answer({ status: 503, text: '' }, { status: 200, json: { status: { code: 0 }, data: { id: 'I9', externalId: 'e9' } } });
      expect(await driver.create!(createCmd({ externalId: 'e9' }))).toEqual({ id: 'I9', externalId: 'e9' });
      const [first, second] = upstream.recorded.map(wire);
      expect(upstream.recorded).toHaveLength(2);
      expect(second).toEqual(first);
    });

    it.each([
      ['not JSON', { status: 200, text: '<html>hello</html>' }],
      ['a JSON array', { status: 200, json: [1, 2] }],
      ['an interaction without id', { status: 200, json: { status: { code: 0 }, data: { state: 'queued' } } }],
      ['an envelope without data', { status: 200, json: { status: { code: 0 } } }],
    ] as [string, Reply][])('a 200 with %s → upstream_rejected', async (_name, reply) => {
      upstream.answer(reply);
      await failure(driver.get!(getCmd(byId('I1'))), 'upstream_rejected');
    });

    it('an update answered with garbage → upstream_rejected; with a failing envelope → its code', async () => {
      upstream.answer({ status: 200, text: 'garbage' }, { status: 200, json: { status: { code: 409, message: 'stopped' } } });
      await failure(driver.update!(updateCmd([{ op: 'delete', keys: ['k'] }])), 'upstream_rejected');
      await failure(driver.stop!(stopCmd()), 'conflict');
    });

    it('an upstream hanging past timeoutMs → upstream_timeout; a stop is repeated (the core resolves a repeat of one applied)', async () => {
      upstream.answer(hang, hang, hang);
      const impatient = makeDriver({ timeoutMs: HANG_TIMEOUT_MS });
      const started = Date.now();
      await failure(impatient.stop!(stopCmd()), 'upstream_timeout');
      // Cut at the configured timeout, not the default one (10 s) or never.
      expect(Date.now() - started).toBeGreaterThanOrEqual(HANG_TIMEOUT_MS - 20);
      expect(Date.now() - started).toBeLessThan(ANSWERED_TIMEOUT_MS);
      expect(upstream.recorded).toHaveLength(3);
    });
  });

  describe('health', () => {
    it('is not ok once 200s with a 5xx envelope open the breaker', async () => {
      const fragile = makeDriver({ breakerThreshold: 1, retries: 0, breakerResetMs: 60000 });
      upstream.answer({ status: 200, json: { status: { code: 500 } } });
      await failure(fragile.get!(getCmd(byId('I1'))), 'upstream_unavailable');
      expect(await fragile.health()).toEqual({ ok: false, detail: 'circuit breaker open' });
      await failure(fragile.get!(getCmd(byId('I1'))), 'upstream_unavailable');
      expect(upstream.recorded).toHaveLength(1);
    });

    it('is ok while the breaker is closed, not once failures open it', async () => {
      const fragile = makeDriver({ breakerThreshold: 1, retries: 0, breakerResetMs: 60000 });
      expect(await fragile.health()).toEqual({ ok: true });
      upstream.answer({ status: 503, text: '' });
      await failure(fragile.get!(getCmd(byId('I1'))), 'upstream_unavailable');
      expect(await fragile.health()).toEqual({ ok: false, detail: expect.stringContaining('open') });
      await failure(fragile.get!(getCmd(byId('I1'))), 'upstream_unavailable');
      expect(upstream.recorded).toHaveLength(1);
    });

    it('serves create, get, update and stop only', () => {
      expect(typeof driver.agent).toBe('undefined');
      expect(typeof driver.list).toBe('undefined');
    });
  });
});

/** The GMS spec's own bodies, byte for byte (typo `0rderNumber` and the unencoded spaces included). */
const SPEC_CREATE =
  'externalId=xy932&userData%5B0rderNumber%5D=ABC123456789&userData%5BTestKey2%5D=Test+value&userData%5BKeyToDelete%5D=value to delete';
const SPEC_UPDATE = 'change%5B0rderNumber%5D=uABC123456789&change%5BTestKey2%5D=uTest+value&delete%5BKeyToDelete%5D=';
const SPEC_STOP = 'reason%3DRSN-123%26description%3DORDER%2BCANCELLED';

/**
 * A legacy GMS client → front gateway (gms inbound → nexus driver) → recorder → back gateway (nexus inbound →
 * memory). The recorder shows the exact Nexus requests; the back gateway's own Nexus GET shows what arrived.
 */
describe('chain: GMS client → front gateway (nexus driver) → back gateway (Nexus inbound, memory)', () => {
  let back: TestGateway;
  let front: TestGateway;
  const recorder = new FakeUpstream(forwardTo(() => back.url));

  beforeAll(async () => {
    back = await startGateway();
    await recorder.start();
    front = await startGateway({
      backends: { cloud: { driver: 'nexus', baseUrl: `${recorder.url}/nexus/v3`, apiKey: 'k' } },
      routes: [{ service: '*', backend: 'cloud' }],
    });
  });
  afterAll(async () => {
    await front?.close();
    await recorder.close();
    await back?.close();
  });

  const gms = async (path: string, body = ''): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${front.url}/genesys/2/openmedia${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return { status: res.status, json: await res.json() };
  };
  /** What the back gateway holds, read through its own Nexus API. */
  const onBack = async (service: string, id: string): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${back.url}/nexus/v3/openmedia/${service}/interactions/${id}`, { headers: { 'x-api-key': 'reader' } });
    return { status: res.status, json: await res.json() };
  };
  const sent = () => recorder.recorded.map(wire);
  const FRONT_JSON = { 'x-api-key': 'k', accept: 'application/json', 'content-type': 'application/json', 'x-request-id': expect.any(String) };
  const FRONT_GET = { 'x-api-key': 'k', accept: 'application/json', 'x-request-id': expect.any(String) };

  it('create, get, update and stop with the GMS spec bodies arrive whole on the back', async () => {
    recorder.answer();
    const created = await gms('/customer-support', SPEC_CREATE);
    expect(created).toEqual({ status: 200, json: { statusCode: 0, interactionId: expect.any(String) } });
    const id: string = created.json.interactionId;
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: `${BASE}`,
        headers: FRONT_JSON,
        body: { externalId: 'xy932', userData: { '0rderNumber': 'ABC123456789', TestKey2: 'Test value', KeyToDelete: 'value to delete' } },
      },
    ]);

    const stored = await onBack('customer-support', id);
    expect(stored.status).toBe(200);
    expect(stored.json).toEqual({
      status: { code: 0 },
      data: expect.objectContaining({
        id,
        externalId: 'xy932',
        service: 'customer-support',
        state: 'queued',
        userData: { '0rderNumber': 'ABC123456789', TestKey2: 'Test value', KeyToDelete: 'value to delete' },
      }),
    });

    // The front reads through the driver: every field the back holds, in GMS form.
    recorder.answer();
    const got = await gms(`/customer-support/${id}/get`);
    expect(sent().map((r) => `${r?.method} ${r?.path}`)).toEqual([`GET ${BASE}/${id}`]);
    const back0 = stored.json.data;
    expect(got.json.statusCode).toBe(0);
    expect(got.json.interactionProperties).toMatchObject({
      interactionId: id,
      interactionType: back0.type,
      interactionSubtype: back0.subtype,
      interactionMediatype: back0.mediaType,
      interactionState: 'Queued',
      interactionReceivedAt: back0.receivedAt.replace(/\.\d+Z$/, 'Z'),
    });
    expect(got.json.interactionProperties.interactionUserData).toEqual(
      expect.arrayContaining([
        { key: 'ExternalId', type: 'str', value: 'xy932' },
        { key: '0rderNumber', type: 'str', value: 'ABC123456789' },
        { key: 'TestKey2', type: 'str', value: 'Test value' },
        { key: 'KeyToDelete', type: 'str', value: 'value to delete' },
      ]),
    );

    // change[k] is an upsert: the lookup strategy reads once, then sends the present keys as changed.
    recorder.answer();
    expect(await gms(`/customer-support/${id}/update`, SPEC_UPDATE)).toEqual({ status: 200, json: { statusCode: 0 } });
    expect(sent()).toEqual([
      { method: 'GET', path: `${BASE}/${id}`, headers: FRONT_GET, body: undefined },
      {
        method: 'POST',
        path: `${BASE}/${id}/update`,
        headers: FRONT_JSON,
        body: { changedProperties: { '0rderNumber': 'uABC123456789', TestKey2: 'uTest value' }, deletedProperties: ['KeyToDelete'] },
      },
    ]);
    expect((await onBack('customer-support', id)).json.data.userData).toEqual({ '0rderNumber': 'uABC123456789', TestKey2: 'uTest value' });

    recorder.answer();
    expect(await gms(`/customer-support/${id}/stop`, SPEC_STOP)).toEqual({ status: 200, json: { statusCode: 0 } });
    expect(sent()).toEqual([
      { method: 'POST', path: `${BASE}/${id}/stop`, headers: FRONT_JSON, body: { reasonSystemName: 'RSN-123', reasonDescription: 'ORDER CANCELLED' } },
    ]);
    const final = (await onBack('customer-support', id)).json.data;
    expect(final).toMatchObject({ state: 'stopped', stopReason: { systemName: 'RSN-123', description: 'ORDER CANCELLED' }, stoppedAt: expect.any(String) });
    expect((await gms(`/customer-support/${id}/get`)).json.interactionProperties.interactionState).toBe('Stopped');
  });

  it('get with searchByExternalId=true goes by ext_{externalId}', async () => {
    const created = await gms('/svc-ext', 'externalId=order+42%23x%3F&userData[a]=1');
    const id: string = created.json.interactionId;
    recorder.answer();
    const got = await gms('/svc-ext/order%2042%23x%3F/get', 'searchByExternalId=true');
    expect(sent().map((r) => r?.path)).toEqual(['/nexus/v3/openmedia/svc-ext/interactions/ext_order%2042%23x%3F']);
    expect(got.json.statusCode).toBe(0);
    expect(got.json.interactionProperties.interactionId).toBe(id);
    expect(got.json.interactionProperties.interactionUserData).toContainEqual({ key: 'a', type: 'str', value: '1' });
  });

  it("the back's refusals come back in GMS form: not found 248, duplicate 250, stopped 253", async () => {
    expect((await gms('/customer-support/NOPE/get')).json).toEqual({ statusCode: 2, errors: [{ code: 248, advice: 'Specified interaction Id[NOPE] was not found' }] });
    const ext = `dup-${Date.now().toString(36)}`;
    // Someone else's interaction on the back holds the externalId: the front's create is a duplicate.
    const other = await fetch(`${back.url}/nexus/v3/openmedia/customer-support/interactions`, {
      method: 'POST',
      headers: { 'x-api-key': 'other', 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: ext }),
    });
    const id: string = ((await other.json()) as { data: { id: string } }).data.id;
    recorder.answer();
    expect((await gms('/customer-support', `externalId=${ext}`)).json).toMatchObject({ statusCode: 2, errors: [{ code: 250 }] });
    expect(sent().map((r) => r?.method)).toEqual(['POST']);
    expect((await gms(`/customer-support/${id}/stop`)).json).toEqual({ statusCode: 0 });
    expect((await gms(`/customer-support/${id}/update`, 'delete[a]=')).json).toMatchObject({ statusCode: 2, errors: [{ code: 253 }] });
  });
});
