import type { Driver } from '../../src/core/driver';
import { vspDriverConfigSchema } from '../../src/drivers/vsp/vsp.config';
import { vspDriver } from '../../src/drivers/vsp/vsp.driver';
import { commandsFor, driversAgainst, failure, recordingLogger, str } from '../support/driver';
import { FakeUpstream, forwardTo, resetBeforeAnswer, senderHeaders, type Handler, type Recorded, type Reply } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { GUIDS, VSP_NAMESPACE, XSI } from '../support/vsp';

const KEY = 'gateway-vsp-key-51b0';
const CONFIG_ACCOUNT = '11111111-2222-3333-4444-555555555555';
const CONFIG_CONTACT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const CREATE = '/api/vspinteraction/create';
const SERVICE = 'partner-sales';

/** A request as the driver sent it: its own headers compared exactly, the body as sent. */
const wire = (r: Recorded | undefined) => r && { method: r.method, path: r.path, headers: senderHeaders(r), body: r.body };

const jsonAnswer = (id: string): Reply => ({ status: 200, json: { InteractionId: id, CampaignKey: 'c', InteractionUrl: 'u' } });
const xmlAnswer = (id: string): Reply => ({
  status: 200,
  headers: { 'content-type': 'application/xml; charset=utf-8' },
  text: `<VspInteraction xmlns:i="${XSI}" xmlns="${VSP_NAMESPACE}"><CampaignKey>c</CampaignKey><InteractionId>${id}</InteractionId><InteractionUrl>u</InteractionUrl></VspInteraction>`,
});
const aspError = (status: number, message: string): Reply => ({ status, json: { Message: message } });

const { createCmd } = commandsFor('gms', SERVICE, 'unused');

describe('vsp driver against a recording VSP server', () => {
  const upstream = new FakeUpstream(jsonAnswer('VSP-1'));
  const logger = recordingLogger();
  const makeDriver = driversAgainst(upstream, (options) =>
    vspDriver.create(
      { backendName: 'partner', logger, now: () => new Date() },
      vspDriverConfigSchema.parse({
        driver: 'vsp',
        baseUrl: `${upstream.url}/api`,
        appAccessKey: KEY,
        accountId: CONFIG_ACCOUNT,
        contactId: CONFIG_CONTACT.toUpperCase(),
        timeoutMs: 10_000,
        breakerThreshold: 1000,
        ...options,
      }),
    ),
  );
  let json: Driver;
  let xml: Driver;
  beforeAll(() => {
    json = makeDriver();
    xml = makeDriver({ format: 'xml', tenantKey: `{${GUIDS.TenantKey}}` });
  });

  it('creates only: its one handler is create', () => {
    expect(['create', 'get', 'update', 'stop', 'agent', 'list'].filter((k) => typeof (json as unknown as Record<string, unknown>)[k] === 'function')).toEqual(['create']);
  });

  describe('the exact request', () => {
    it('JSON: externalId → InteractionIdentity, user data InteractionName and GUIDs, the rest from config', async () => {
      upstream.answer(jsonAnswer('VSP-42'));
      const created = await json.create!(
        createCmd({
          externalId: 'order-42',
          userData: [str('InteractionName', 'Order 42'), str('AccountId', GUIDS.AccountId.toUpperCase()), str('ContactId', 'not a guid'), str('GroupKey', GUIDS.GroupKey), str('Other', 'dropped')],
          interactionType: 'Inbound',
          queue: 'q',
        }),
      );
      expect(created).toEqual({ id: 'VSP-42', externalId: 'order-42' });
      expect(wire(upstream.recorded[0])).toEqual({
        method: 'POST',
        path: CREATE,
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', 'x-request-id': 'req-1' },
        body: `{"AppAccessKey":"${KEY}","InteractionIdentity":"order-42","InteractionName":"Order 42","AccountId":"${GUIDS.AccountId}","ContactId":"${CONFIG_CONTACT}","GroupKey":"${GUIDS.GroupKey}"}`,
      });
    });

    it('XML: a DataContract document, members in alphabetical order, absent GUIDs as i:nil; the XML answer is read', async () => {
      upstream.answer(xmlAnswer('VSP-43'));
      const created = await xml.create!(createCmd({ externalId: 'a&b <c>', userData: [] }));
      expect(created).toEqual({ id: 'VSP-43', externalId: 'a&b <c>' });
      expect(wire(upstream.recorded[0])).toEqual({
        method: 'POST',
        path: CREATE,
        headers: { 'content-type': 'application/xml; charset=utf-8', accept: 'application/xml', 'x-request-id': 'req-1' },
        body:
          `<CreateVspInteraction xmlns:i="${XSI}" xmlns="${VSP_NAMESPACE}">` +
          `<AccountId>${CONFIG_ACCOUNT}</AccountId><AppAccessKey>${KEY}</AppAccessKey><ContactId>${CONFIG_CONTACT}</ContactId>` +
          `<GroupKey i:nil="true"/><InteractionIdentity>a&amp;b &lt;c&gt;</InteractionIdentity><InteractionName>${SERVICE}</InteractionName>` +
          `<TenantKey>${GUIDS.TenantKey}</TenantKey></CreateVspInteraction>`,
      });
    });

    it('without an externalId, a generated InteractionIdentity (a UUID); the canonical create has no externalId', async () => {
      upstream.answer(jsonAnswer('VSP-44'));
      const created = await json.create!(createCmd({}));
      expect(created).toEqual({ id: 'VSP-44' });
      const sent = JSON.parse(upstream.recorded[0]!.body);
      expect(sent.InteractionIdentity).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(sent.InteractionName).toBe(SERVICE);
    });

    it('reads the answer by its own Content-Type, whatever format was sent', async () => {
      upstream.answer(xmlAnswer('VSP-45'));
      expect(await json.create!(createCmd({ externalId: 'ct-1' }))).toEqual({ id: 'VSP-45', externalId: 'ct-1' });
    });
  });

  describe('answers mapped to canonical errors', () => {
    it.each([
      [400, 'upstream_rejected'],
      [401, 'upstream_rejected'],
      [403, 'upstream_rejected'],
      [404, 'upstream_rejected'],
      [415, 'upstream_rejected'],
      [409, 'already_exists'],
      [429, 'rate_limited'],
    ] as const)('HTTP %i → %s, VSP’s message on the error for the request’s log line (key blanked), not in its message, sent once', async (status, code) => {
      logger.lines.length = 0;
      upstream.answer(aspError(status, `refused: key ${KEY} says no`));
      const err = await failure(json.create!(createCmd({ externalId: `e-${status}` })), code);
      expect(err.details).toMatchObject({ upstreamStatus: status, upstreamMessage: 'refused: key [REDACTED] says no' });
      expect(err.message).not.toContain('says no');
      expect(JSON.stringify(err.details)).not.toContain(KEY);
      expect(upstream.total()).toBe(1);
      expect(logger.lines).toEqual([]);
    });

    it('a 503 is upstream_unavailable with its Retry-After, and is not repeated', async () => {
      upstream.answer({ status: 503, headers: { 'retry-after': '7' } });
      const err = await failure(json.create!(createCmd({ externalId: 'busy' })), 'upstream_unavailable');
      expect(err.details.retryAfterSeconds).toBe(7);
      expect(upstream.total()).toBe(1);
    });

    it.each([
      ['garbage', { status: 200, text: 'not json' }],
      ['no InteractionId', { status: 200, json: { CampaignKey: 'c' } }],
      ['an empty InteractionId', { status: 200, json: { InteractionId: '' } }],
      ['an InteractionId holding a slash', { status: 200, json: { InteractionId: '../admin' } }],
      ['an InteractionId holding a control character', { status: 200, headers: { 'content-type': 'application/xml' }, text: '<VspInteraction><InteractionId>a&#x85;b</InteractionId></VspInteraction>' }],
      ['XML with a DOCTYPE', { status: 200, headers: { 'content-type': 'application/xml' }, text: '<!DOCTYPE x [<!ENTITY a "b">]><VspInteraction/>' }],
      ['another XML root', { status: 200, headers: { 'content-type': 'text/xml' }, text: '<Error><InteractionId>x</InteractionId></Error>' }],
    ] as [string, Reply][])('an answer with %s is upstream_rejected', async (_what, reply) => {
      upstream.answer(reply);
      await failure(json.create!(createCmd({ externalId: 'bad-answer' })), 'upstream_rejected');
    });

    it('an answer lost after VSP applied the create is reported as unavailable, never sent twice', async () => {
      upstream.answer(resetBeforeAnswer);
      await failure(json.create!(createCmd({ externalId: 'lost-1' })), 'upstream_unavailable');
      expect(upstream.total()).toBe(1);
    });
  });
});

describe('chain: GMS and VSP clients → front gateway (vsp driver) → back gateway (VSP inbound, memory)', () => {
  let back: TestGateway;
  let front: TestGateway;
  /** Between the two gateways: records every request the vsp driver sends, and relays it to the back gateway. */
  const recorder = new FakeUpstream(forwardTo(() => back.url));
  const gmsForm = { 'content-type': 'application/x-www-form-urlencoded' };
  const backend = (format: 'json' | 'xml') => ({
    driver: 'vsp',
    baseUrl: `${recorder.url}/api`,
    appAccessKey: KEY,
    accountId: CONFIG_ACCOUNT,
    contactId: CONFIG_CONTACT,
    format,
    timeoutMs: 10_000,
  });

  beforeAll(async () => {
    await recorder.start();
    back = await startGateway({ inbound: { vsp: { appAccessKeys: [KEY] } } });
    front = await startGateway({
      backends: { partner: backend('json'), partnerXml: backend('xml') },
      routes: [
        { service: 'vsp', backend: 'partnerXml' },
        { service: '*', backend: 'partner' },
      ],
    });
  });
  afterAll(async () => {
    await front?.close();
    await back?.close();
    await recorder.close();
  });

  const frontGms = (path: string, body: string) => call(front, `/genesys/2/openmedia${path}`, { method: 'POST', headers: gmsForm, body });
  const backGms = (externalId: string) =>
    call(back, `/genesys/2/openmedia/vsp/${encodeURIComponent(externalId)}/get`, { method: 'POST', headers: gmsForm, body: 'searchByExternalId=true' });

  it('a GMS create becomes a VSP create: the exact JSON sent, the back’s InteractionId answered, the data at the back', async () => {
    recorder.answer();
    const res = await frontGms(
      '/orders',
      `externalId=chain-1&userData%5BInteractionName%5D=Order+1&userData%5BAccountId%5D=${GUIDS.AccountId}&userData%5BOrderNumber%5D=ABC`,
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ statusCode: 0, interactionId: expect.any(String) });
    expect(recorder.recorded.map(wire)).toEqual([
      {
        method: 'POST',
        path: CREATE,
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', 'x-request-id': expect.any(String) },
        body: `{"AppAccessKey":"${KEY}","InteractionIdentity":"chain-1","InteractionName":"Order 1","AccountId":"${GUIDS.AccountId}","ContactId":"${CONFIG_CONTACT}"}`,
      },
    ]);
    const atBack = await backGms('chain-1');
    expect(atBack.json.interactionProperties.interactionId).toBe(res.json.interactionId);
    expect(atBack.json.interactionProperties.interactionUserData).toEqual([
      { key: 'ExternalId', type: 'str', value: 'chain-1' },
      { key: 'InteractionName', type: 'str', value: 'Order 1' },
      { key: 'AccountId', type: 'str', value: GUIDS.AccountId },
      { key: 'ContactId', type: 'str', value: CONFIG_CONTACT },
    ]);
  });

  it('a GMS get, update or stop routed to the vsp driver answers code 251 without any upstream request', async () => {
    const created = await frontGms('/orders', 'externalId=chain-2');
    const id = created.json.interactionId as string;
    recorder.answer();
    for (const [path, body] of [
      [`/orders/${id}/get`, ''],
      ['/orders/chain-2/get', 'searchByExternalId=true'],
      [`/orders/${id}/update`, 'change%5Bk%5D=v'],
      [`/orders/${id}/stop`, ''],
    ] as const) {
      const res = await frontGms(path, body);
      expect([path, res.status, res.json.statusCode, res.json.errors?.[0]?.code]).toEqual([path, 200, 2, 251]);
    }
    const nexus = await call(front, `/nexus/v3/openmedia/orders/interactions/${id}`, { headers: { 'x-api-key': 'k' } });
    expect(nexus.status).toBe(501);
    expect(recorder.total()).toBe(0);
  });

  it('an InteractionIdentity in use at the back is a GMS duplicate (250) at the front', async () => {
    await frontGms('/orders', 'externalId=chain-3&userData%5BInteractionName%5D=first');
    const again = await frontGms('/orders', 'externalId=chain-3&userData%5BInteractionName%5D=second');
    expect(again.json).toEqual({ statusCode: 2, errors: [{ code: 250, advice: expect.any(String) }] });
  });

  it('a VSP client at the front, sent on as DataContract XML, lands at the back', async () => {
    recorder.answer();
    const res = await call(front, '/api/vspinteraction/create', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ AppAccessKey: 'front-key', InteractionIdentity: 'chain-xml-1', InteractionName: 'Via XML', AccountId: GUIDS.AccountId, ContactId: GUIDS.ContactId, TenantKey: GUIDS.TenantKey }),
    });
    expect(res.status).toBe(200);
    const sent = recorder.recorded[0]!;
    expect(sent.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(sent.body).toBe(
      `<CreateVspInteraction xmlns:i="${XSI}" xmlns="${VSP_NAMESPACE}"><AccountId>${GUIDS.AccountId}</AccountId><AppAccessKey>${KEY}</AppAccessKey>` +
        `<ContactId>${GUIDS.ContactId}</ContactId><GroupKey i:nil="true"/><InteractionIdentity>chain-xml-1</InteractionIdentity>` +
        `<InteractionName>Via XML</InteractionName><TenantKey>${GUIDS.TenantKey}</TenantKey></CreateVspInteraction>`,
    );
    const atBack = await backGms('chain-xml-1');
    expect(res.json).toEqual({ InteractionId: atBack.json.interactionProperties.interactionId, CampaignKey: 'vsp', InteractionUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/interactions\//) });
  });

  it('an answer lost after the back applied the create: GMS "try again" at the front, one request only, the interaction at the back', async () => {
    // The back applies the create; its answer never reaches the driver.
    const applyThenDrop: Handler = (req, _res, seen) => {
      const drop = () => req.socket.destroy();
      fetch(back.url + seen.path, { method: 'POST', headers: { 'content-type': String(seen.headers['content-type']) }, body: seen.body }).then(drop, drop);
    };
    recorder.answer(applyThenDrop);
    const res = await frontGms('/orders', 'externalId=chain-lost');
    expect(res.json).toEqual({ statusCode: 1 });
    expect(recorder.total()).toBe(1);
    await waitFor(async () => (await backGms('chain-lost')).json.statusCode === 0);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
