import type { Driver } from '../../src/core/driver';
import { gmsDriverConfigSchema } from '../../src/drivers/gms/gms.config';
import { gmsDriver } from '../../src/drivers/gms/gms.driver';
import { byExt, byId, commandsFor, driversAgainst, failure, recordingLogger, str } from '../support/driver';
import { FakeUpstream, hang, senderHeaders, type Recorded, type Reply } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';

// ------------------------------------------------------------------------------------ a recording GMS upstream

/** What a GMS upstream answers when nothing else is asked of it. */
const OK: Reply = { status: 200, json: { statusCode: 0 } };

/** A request as the driver sent it: its own headers compared exactly, the form body as sent. */
const wire = (r: Recorded | undefined) => r && { method: r.method, path: r.path, headers: senderHeaders(r), body: r.body };

const BASE = '/genesys/2/openmedia';
const SERVICE = 'customer-support';
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-request-id': 'req-1' };

const { context, createCmd, getCmd, updateCmd, stopCmd } = commandsFor('nexus', SERVICE, '01QG0Q2S5S50G000');

/** The spec's Get answer, with the ExternalId entry GMS adds. */
const PROPERTIES = {
  interactionType: 'Inbound',
  interactionId: '01QG0Q2S5S50G000',
  interactionReceivedAt: '2017-05-31T04:43:52Z',
  interactionIsHeld: false,
  interactionMediatype: 'promotion',
  interactionQueue: 'ATS Inbound Queue',
  interactionState: 'Queued',
  interactionSubmittedAt: '2017-05-31T04:43:52Z',
  interactionPlacedInQueueAt: '2017-05-31T04:51:39Z',
  interactionUserData: [
    { key: 'ExternalId', type: 'str', value: 'xy932' },
    { key: 'OrderNumber', type: 'str', value: 'ABC123456789' },
    { key: 'Count', type: 'int', value: 3 },
  ],
  interactionSubtype: 'InboundNew',
  interactionIsLocked: false,
  interactionIsOnline: false,
};

const gmsFailure = (code: number): Reply => ({ status: 200, json: { statusCode: 2, errors: [{ code, advice: `advice for ${code}` }] } });

/**
 * Per-attempt timeouts. An upstream that answers is given far more than a loaded machine needs, so a slow answer is
 * never taken for a hang; the driver that meets a hung upstream (one that never answers) has a short one, long
 * enough that an answer it does get (a retry after the hang) is still in time.
 */
const ANSWERED_TIMEOUT_MS = 10_000;
const HANG_TIMEOUT_MS = 1000;

describe('gms driver against a recording GMS upstream', () => {
  const upstream = new FakeUpstream(OK);
  const logger = recordingLogger();
  const makeDriver = driversAgainst(upstream, (options) =>
    gmsDriver.create(
      { backendName: 'legacy', logger, now: () => new Date() },
      gmsDriverConfigSchema.parse({
        driver: 'gms',
        baseUrl: `${upstream.url}${BASE}`,
        basicAuth: { username: 'gateway', password: 's3cret' },
        gmsUser: 'omgw',
        timeoutMs: ANSWERED_TIMEOUT_MS,
        breakerThreshold: 1000,
        ...options,
      }),
    ),
  );
  let driver: Driver;

  let impatient: Driver;

  beforeAll(() => {
    driver = makeDriver();
    impatient = makeDriver({ timeoutMs: HANG_TIMEOUT_MS });
  });

  const AUTH_HEADERS = { ...FORM_HEADERS, authorization: `Basic ${Buffer.from('gateway:s3cret').toString('base64')}`, gms_user: 'omgw' };

  describe('the exact request of each command', () => {
    it('create: POST /{service} with the form fields and user data', async () => {
      upstream.answer({ status: 200, json: { statusCode: 0, interactionId: '01QG0Q2S5S50G000' } });
      const created = await driver.create!(
        createCmd({
          externalId: 'xy932',
          interactionType: 'Inbound',
          interactionSubtype: 'InboundNew',
          mediaType: 'workitem',
          userData: [str('OrderNumber', 'ABC 123'), { key: 'Count', type: 'int', value: 3 }, { key: 'C', type: 'kvlist', value: [str('City', 'Paris')] }],
        }),
      );
      expect(created).toEqual({ id: '01QG0Q2S5S50G000', externalId: 'xy932' });
      expect(upstream.recorded.map(wire)).toEqual([
        {
          method: 'POST',
          path: `${BASE}/customer-support`,
          headers: AUTH_HEADERS,
          body:
            'externalId=xy932&interactionType=Inbound&interactionSubType=InboundNew&mediaType=workitem' +
            '&userData%5BOrderNumber%5D=ABC+123&userData%5BCount%5D=3&userData%5BC%5D%5BCity%5D=Paris',
        },
      ]);
    });

    it('get by id: POST /{service}/{id}/get with an empty form; the answer becomes the canonical interaction', async () => {
      upstream.answer({ status: 200, json: { statusCode: 0, interactionProperties: PROPERTIES } });
      const got = await driver.get!(getCmd(byId('01QG0Q2S5S50G000')));
      expect(wire(upstream.recorded[0])).toEqual({ method: 'POST', path: `${BASE}/customer-support/01QG0Q2S5S50G000/get`, headers: AUTH_HEADERS, body: '' });
      expect(got).toEqual({
        id: '01QG0Q2S5S50G000',
        externalId: 'xy932',
        service: SERVICE,
        type: 'Inbound',
        subtype: 'InboundNew',
        mediaType: 'promotion',
        state: 'queued',
        queue: 'ATS Inbound Queue',
        receivedAt: '2017-05-31T04:43:52Z',
        submittedAt: '2017-05-31T04:43:52Z',
        placedInQueueAt: '2017-05-31T04:51:39Z',
        userData: [str('OrderNumber', 'ABC123456789'), { key: 'Count', type: 'int', value: 3 }],
      });
    });

    it('get by externalId: the externalId in the path and searchByExternalId=true', async () => {
      upstream.answer({ status: 200, json: { statusCode: 0, interactionProperties: PROPERTIES } });
      await driver.get!(getCmd(byExt('xy932')));
      expect(wire(upstream.recorded[0])).toEqual({ method: 'POST', path: `${BASE}/customer-support/xy932/get`, headers: AUTH_HEADERS, body: 'searchByExternalId=true' });
    });

    it('update: change[k] for upsert, replace and add; delete[k]= for deletes', async () => {
      upstream.answer(OK);
      await driver.update!(
        updateCmd(
          [
            { op: 'replace', entries: [str('OrderNumber', 'uABC')] },
            { op: 'add', entries: [str('New', 'v')] },
            { op: 'upsert', entries: [{ key: 'Count', type: 'int', value: 4 }] },
            { op: 'delete', keys: ['KeyToDelete'] },
          ],
          byExt('xy932'),
        ),
      );
      expect(wire(upstream.recorded[0])).toEqual({
        method: 'POST',
        path: `${BASE}/customer-support/xy932/update`,
        headers: AUTH_HEADERS,
        body: 'searchByExternalId=true&change%5BOrderNumber%5D=uABC&change%5BNew%5D=v&change%5BCount%5D=4&delete%5BKeyToDelete%5D=',
      });
    });

    it('stop: reasonSystemName and reasonDescription', async () => {
      upstream.answer(OK);
      await driver.stop!(stopCmd({ reasonSystemName: 'RSN-123', reasonDescription: 'ORDER CANCELLED' }));
      expect(wire(upstream.recorded[0])).toEqual({
        method: 'POST',
        path: `${BASE}/customer-support/01QG0Q2S5S50G000/stop`,
        headers: AUTH_HEADERS,
        body: 'reasonSystemName=RSN-123&reasonDescription=ORDER+CANCELLED',
      });
    });

    it('hostile ids and services stay one encoded segment', async () => {
      upstream.answer(OK, OK);
      await driver.stop!({ ...stopCmd(), service: 'a/b', ref: byId('x?y/../z') });
      await driver.update!(updateCmd([{ op: 'delete', keys: ['k&=1'] }], byExt('%2E%2E')));
      expect(upstream.recorded.map((r) => [r.path, r.body])).toEqual([
        [`${BASE}/a%2Fb/x%3Fy%2F..%2Fz/stop`, ''],
        [`${BASE}/customer-support/%252E%252E/update`, 'searchByExternalId=true&delete%5Bk%26%3D1%5D='],
      ]);
    });

    it('refuses a dot-segment id before any I/O', async () => {
      upstream.answer();
      await failure(driver.get!(getCmd(byId('..'))), 'invalid_request');
      expect(upstream.recorded).toHaveLength(0);
    });

    it('without a configured gmsUser, passes the caller’s gms_user through; no Basic header without credentials', async () => {
      const plain = makeDriver({ basicAuth: undefined, gmsUser: undefined });
      upstream.answer(OK, OK);
      await plain.stop!({ ...stopCmd(), context: context({ gmsUser: 'agent7', traceId: 'abc123' }) });
      await plain.stop!(stopCmd());
      expect(upstream.recorded.map((r) => wire(r)?.headers)).toEqual([{ ...FORM_HEADERS, gms_user: 'agent7', 'x-b3-traceid': 'abc123' }, FORM_HEADERS]);
    });
  });

  describe('answers mapped to canonical errors', () => {
    it('statusCode 1 is upstream_unavailable (retryable) and weighed as a 503: a get and a stop are repeated, a create without externalId is not', async () => {
      const down: Reply = { status: 200, json: { statusCode: 1, errors: [{ code: 1, advice: 'Interaction Server is down' }] } };
      upstream.answer(down, down, down);
      const err = await failure(driver.get!(getCmd(byId('i'))), 'upstream_unavailable');
      expect(err.retryable).toBe(true);
      // The advice is for the operator: it rides on the error to the request's one log line, never in the message.
      expect(err.details).toEqual({ upstreamStatus: 200, upstreamCode: 1, upstreamMessage: 'Interaction Server is down', applied: 'no' });
      expect(err.message).not.toContain('Interaction Server');
      expect(upstream.recorded).toHaveLength(3);
      // The driver writes no line of its own: the request line is the one place a refusal is logged.
      expect(logger.lines.filter((l) => l.fields?.requestId === 'req-1' && l.level !== 'debug')).toEqual([]);

      upstream.answer(down, { status: 200, json: { statusCode: 0, interactionProperties: PROPERTIES } });
      expect((await driver.get!(getCmd(byId('01QG0Q2S5S50G000')))).id).toBe('01QG0Q2S5S50G000');
      expect(upstream.recorded).toHaveLength(2);

      upstream.answer(down, down, down);
      await failure(driver.stop!(stopCmd()), 'upstream_unavailable');
      expect(upstream.recorded).toHaveLength(3);
      upstream.answer(down, down);
      await failure(driver.create!(createCmd()), 'upstream_unavailable');
      expect(upstream.recorded).toHaveLength(1);
    });

    it('2/248 is not_found naming the interaction, the advice kept for the log line but not answered', async () => {
      upstream.answer(gmsFailure(248));
      const err = await failure(driver.update!(updateCmd([{ op: 'delete', keys: ['a'] }], byId('01QG'))), 'not_found');
      expect(err.details).toEqual({ subject: 'interaction', ref: '01QG', upstreamStatus: 200, upstreamCode: 248, upstreamMessage: 'advice for 248' });
      expect(err.message).not.toContain('advice');
    });

    it('2/250 is already_exists, 2/253 conflict, 2/251 unsupported', async () => {
      upstream.answer(gmsFailure(250), gmsFailure(253), gmsFailure(251));
      expect((await failure(driver.create!(createCmd({ externalId: 'dup' })), 'already_exists')).details).toMatchObject({ ref: 'dup', upstreamCode: 250 });
      await failure(driver.stop!(stopCmd()), 'conflict');
      await failure(driver.stop!(stopCmd()), 'unsupported');
    });

    it('other statusCode 2 codes, and 252 (service unknown upstream), are upstream_rejected', async () => {
      upstream.answer(gmsFailure(299), { status: 404, json: { statusCode: 2, errors: [{ code: 252, advice: 'no service' }] } });
      expect((await failure(driver.stop!(stopCmd()), 'upstream_rejected')).details).toEqual({ upstreamStatus: 200, upstreamCode: 299, upstreamMessage: 'advice for 299' });
      expect((await failure(driver.stop!(stopCmd()), 'upstream_rejected')).details).toEqual({ upstreamStatus: 404, upstreamCode: 252, upstreamMessage: 'no service' });
    });

    it('HTTP 400, 401 and 403 are upstream_rejected', async () => {
      upstream.answer({ status: 400, json: { statusCode: 2, errors: [{ code: 200, advice: 'bad' }] } }, { status: 401, text: '<html>no</html>' }, { status: 403, text: '' });
      for (const status of [400, 401, 403]) {
        expect((await failure(driver.stop!(stopCmd()), 'upstream_rejected')).details.upstreamStatus).toBe(status);
      }
    });

    it('HTTP 503 is upstream_unavailable (a stop is repeated)', async () => {
      upstream.answer({ status: 503, text: 'down' }, { status: 503, text: 'down' }, { status: 503, text: 'down' });
      const err = await failure(driver.stop!(stopCmd()), 'upstream_unavailable');
      expect(err.details.upstreamStatus).toBe(503);
      expect(upstream.recorded).toHaveLength(3);
    });

    it('a garbage or wrong-shape body is upstream_rejected', async () => {
      upstream.answer({ status: 200, text: 'not json' }, { status: 200, json: { ok: true } }, { status: 200, json: { statusCode: 0 } }, { status: 200, json: { statusCode: 0, interactionProperties: { interactionId: 5 } } });
      await failure(driver.stop!(stopCmd()), 'upstream_rejected');
      await failure(driver.stop!(stopCmd()), 'upstream_rejected');
      await failure(driver.create!(createCmd()), 'upstream_rejected');
      await failure(driver.get!(getCmd(byId('i'))), 'upstream_rejected');
    });

    it('an upstream hanging past timeoutMs is upstream_timeout', async () => {
      upstream.answer(hang, hang, hang);
      const started = Date.now();
      await failure(impatient.stop!(stopCmd()), 'upstream_timeout');
      // Cut at the configured timeout, not the default one (10 s) or never.
      expect(Date.now() - started).toBeGreaterThanOrEqual(HANG_TIMEOUT_MS - 20);
      expect(Date.now() - started).toBeLessThan(ANSWERED_TIMEOUT_MS);
    });

    it('a create without externalId that times out is sent exactly once', async () => {
      upstream.answer(hang, hang, hang);
      await failure(impatient.create!(createCmd({ userData: [str('k', 'v')] })), 'upstream_timeout');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(upstream.recorded).toHaveLength(1);
    });

    it('a create with an externalId, and a get, are retried after a timeout: GMS refuses a second live externalId', async () => {
      upstream.answer(hang, { status: 200, json: { statusCode: 0, interactionId: 'I2' } }, hang, { status: 200, json: { statusCode: 0, interactionProperties: PROPERTIES } });
      expect(await impatient.create!(createCmd({ externalId: 'retry-me' }))).toEqual({ id: 'I2', externalId: 'retry-me' });
      expect((await impatient.get!(getCmd(byId('01QG0Q2S5S50G000')))).id).toBe('01QG0Q2S5S50G000');
      expect(upstream.recorded.map((r) => r.path)).toEqual([`${BASE}/customer-support`, `${BASE}/customer-support`, `${BASE}/customer-support/01QG0Q2S5S50G000/get`, `${BASE}/customer-support/01QG0Q2S5S50G000/get`]);
    });

    it('an Idempotency-Key alone does not make a create repeatable: GMS knows no such key', async () => {
      upstream.answer(hang, hang, hang);
      await failure(impatient.create!({ ...createCmd(), context: context({ idempotencyKey: 'k1' }) }), 'upstream_timeout');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(upstream.recorded).toHaveLength(1);
    });
  });

  describe('health', () => {
    it('is not ok once statusCode 1 answers (GMS up, its Interaction Server down) open the breaker', async () => {
      const fragile = makeDriver({ breakerThreshold: 2, breakerResetMs: 60000, retries: 0 });
      const down: Reply = { status: 200, json: { statusCode: 1 } };
      upstream.answer(down, down, down);
      await failure(fragile.get!(getCmd(byId('i'))), 'upstream_unavailable');
      // Closed: health probes the API root once (a GMS answer, not a 404: the baseUrl is right), outside the breaker.
      expect(await fragile.health()).toEqual({ ok: true });
      await failure(fragile.get!(getCmd(byId('i'))), 'upstream_unavailable');
      expect(await fragile.health()).toEqual({ ok: false, detail: 'circuit breaker open' });
      await failure(fragile.get!(getCmd(byId('i'))), 'upstream_unavailable');
      expect(upstream.recorded.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${BASE}/customer-support/i/get`, `GET ${BASE}`, `POST ${BASE}/customer-support/i/get`]);
    });

    it('is ok while the breaker is closed, and not once failures open it', async () => {
      const fragile = makeDriver({ breakerThreshold: 1, breakerResetMs: 60000, retries: 0 });
      expect(await fragile.health()).toEqual({ ok: true });
      upstream.answer({ status: 503, text: 'down' });
      await failure(fragile.stop!(stopCmd()), 'upstream_unavailable');
      expect(await fragile.health()).toEqual({ ok: false, detail: 'circuit breaker open' });
      upstream.answer();
      await failure(fragile.stop!(stopCmd()), 'upstream_unavailable');
      expect(upstream.recorded).toHaveLength(0);
    });
  });
});

// ----------------------------------------------------------------------- a chain of two real gateways

/**
 * front: Nexus inbound → gms driver → back: the gateway's own GMS inbound → memory. What the front sends is read
 * back on the back through GMS `/get`, so every field is checked as GMS shows it.
 */
describe('chain: Nexus client → front gateway (gms driver) → back gateway (GMS inbound, memory)', () => {
  let back: TestGateway;
  let front: TestGateway;
  const tag = Date.now().toString(36);

  beforeAll(async () => {
    back = await startGateway();
    front = await startGateway({
      backends: { legacy: { driver: 'gms', baseUrl: `${back.url}${BASE}`, timeoutMs: ANSWERED_TIMEOUT_MS, breakerThreshold: 2, breakerResetMs: 60000 } },
      routes: [{ service: '*', backend: 'legacy' }],
    });
  });

  afterAll(async () => {
    await front?.close();
    await back?.close();
  });

  const nexus = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const started = Date.now();
    const res = await fetch(`${front.url}/nexus/v3/openmedia${path}`, {
      method,
      headers: { 'x-api-key': 'any', ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as any, ms: Date.now() - started };
  };

  const backGet = async (service: string, id: string, byExternalId = false) => {
    const res = await fetch(`${back.url}${BASE}/${encodeURIComponent(service)}/${encodeURIComponent(id)}/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: byExternalId ? 'searchByExternalId=true' : '',
    });
    return (await res.json()) as any;
  };

  it('create, get by id and ext_, update, stop: every field as the back GMS shows it', async () => {
    const service = `orders-${tag}`;
    const externalId = `order-${tag}`;
    const created = await nexus('POST', `/${service}/interactions`, { externalId, userData: { OrderNumber: 'ABC', Count: 3 } });
    expect(created).toMatchObject({ status: 200, json: { status: { code: 0 }, data: { id: expect.any(String), externalId } } });
    const id: string = created.json.data.id;

    const onBack = await backGet(service, id);
    expect(onBack).toEqual({
      statusCode: 0,
      interactionProperties: {
        interactionId: id,
        interactionType: 'Inbound',
        interactionSubtype: 'InboundNew',
        interactionMediatype: 'workitem',
        interactionState: 'Queued',
        interactionQueue: service,
        interactionReceivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        interactionSubmittedAt: expect.any(String),
        interactionPlacedInQueueAt: expect.any(String),
        interactionIsHeld: false,
        interactionIsLocked: false,
        interactionIsOnline: false,
        interactionTenantId: 1,
        interactionSubmittedBy: 'openmedia-gateway:gms',
        interactionSubmitSeq: expect.stringMatching(/^\d+$/),
        interactionMovedToQueueAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        interactionPlaceInQueueSeq: expect.stringMatching(/^\d+$/),
        // GMS forms carry strings only: the Nexus int 3 crosses the GMS wire as "3" and is a str upstream.
        interactionUserData: [
          { key: 'ExternalId', type: 'str', value: externalId },
          { key: 'OrderNumber', type: 'str', value: 'ABC' },
          { key: 'Count', type: 'str', value: '3' },
        ],
      },
    });
    expect((await backGet(service, externalId, true)).interactionProperties.interactionId).toBe(id);

    // The front reads it back through GMS: ExternalId is the interaction's field again, not user data.
    for (const path of [`/${service}/interactions/${id}`, `/${service}/interactions/ext_${externalId}`]) {
      const got = await nexus('GET', path);
      expect(got.status).toBe(200);
      expect(got.json.data).toEqual({
        id,
        externalId,
        service,
        type: 'Inbound',
        subtype: 'InboundNew',
        mediaType: 'workitem',
        state: 'queued',
        queue: service,
        receivedAt: onBack.interactionProperties.interactionReceivedAt,
        submittedAt: onBack.interactionProperties.interactionSubmittedAt,
        placedInQueueAt: onBack.interactionProperties.interactionPlacedInQueueAt,
        userData: { OrderNumber: 'ABC', Count: '3' },
      });
    }

    const updated = await nexus('POST', `/${service}/interactions/ext_${externalId}/update`, {
      changedProperties: { OrderNumber: 'XYZ' },
      addedProperties: { Note: 'a&b=c [x]' },
      deletedProperties: ['Count'],
    });
    expect(updated).toMatchObject({ status: 200, json: { status: { code: 0 } } });
    expect((await backGet(service, id)).interactionProperties.interactionUserData).toEqual([
      { key: 'ExternalId', type: 'str', value: externalId },
      { key: 'OrderNumber', type: 'str', value: 'XYZ' },
      { key: 'Note', type: 'str', value: 'a&b=c [x]' },
    ]);

    const stopped = await nexus('POST', `/${service}/interactions/${id}/stop`, { reasonSystemName: 'RSN-123', reasonDescription: 'ORDER CANCELLED' });
    expect(stopped).toMatchObject({ status: 200, json: { status: { code: 0 } } });
    expect((await backGet(service, id)).interactionProperties.interactionState).toBe('Stopped');
    // GMS's get shows no stop reason; the back's own Nexus dialect does, so the reasons are read there.
    const stopReason = await fetch(`${back.url}/nexus/v3/openmedia/${service}/interactions/${id}`, { headers: { 'x-api-key': 'any' } });
    expect(((await stopReason.json()) as any).data.stopReason).toEqual({ systemName: 'RSN-123', description: 'ORDER CANCELLED' });
    expect((await nexus('GET', `/${service}/interactions/${id}`)).json.data.state).toBe('stopped');
    // Update and stop of a stopped interaction: GMS 253 at the back, conflict (409) at the front.
    expect((await nexus('POST', `/${service}/interactions/${id}/stop`, {})).status).toBe(409);
  });

  it('unknown id is a Nexus 404 at the front', async () => {
    const res = await nexus('GET', `/orders-${tag}/interactions/0000000000000000`);
    expect(res).toMatchObject({ status: 404, json: { status: { code: 404 } } });
    expect((await nexus('POST', `/orders-${tag}/interactions/ext_never-${tag}/update`, { deletedProperties: ['a'] })).status).toBe(404);
  });

  it("a duplicate externalId is a Nexus 409 at the front; a retry of the front's own create is answered with its id", async () => {
    const body = { externalId: `dup-${tag}`, userData: { k: 'v' } };
    const first = await nexus('POST', `/dups-${tag}/interactions`, body);
    expect(first.status).toBe(200);
    expect(await nexus('POST', `/dups-${tag}/interactions`, body)).toMatchObject({ status: 200, json: { data: { id: first.json.data.id } } });
    // Someone else's interaction on the back holds this externalId: the upstream's refusal comes through.
    const elsewhere = await fetch(`${back.url}${BASE}/dups2-${tag}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `externalId=dup-${tag}` });
    expect(await elsewhere.json()).toMatchObject({ statusCode: 0 });
    expect(await nexus('POST', `/dups2-${tag}/interactions`, body)).toMatchObject({ status: 409, json: { status: { code: 409 } } });
  });

  it('a user-data key GMS cannot carry is a Nexus 400 at the front, before any upstream call', async () => {
    const res = await nexus('POST', `/orders-${tag}/interactions`, { userData: { 'a][b': 'v' } });
    expect(res).toMatchObject({ status: 400, json: { status: { code: 400, message: expect.stringContaining('a][b') } } });
  });

  it('with the back stopped, the front answers 503 quickly', async () => {
    await back.close();
    for (let i = 0; i < 3; i++) {
      const res = await nexus('POST', `/orders-${tag}/interactions`, { externalId: `late-${tag}-${i}` });
      // Refused, so answered at once: the 503 itself says no attempt waited for its timeout (that is a 504).
      expect(res.status).toBe(503);
      expect(res.ms).toBeLessThan(ANSWERED_TIMEOUT_MS);
    }
    const ready = await fetch(`${front.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ backends: { legacy: { ok: false, detail: 'circuit breaker open' } } });
  });
});
