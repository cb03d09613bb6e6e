import { closedPort, FakeUpstream, hang } from '../support/fake-upstream';
import { call } from '../support/http-call';
import { startGateway, type TestGateway } from '../support/gateway';
import { winstonLines } from '../support/log-capture';
import {
  createFields,
  createXml,
  FORM_TYPE,
  GUIDS,
  JSON_TYPE,
  postVsp,
  SPEC_REQUEST_JSON,
  SPEC_REQUEST_XML,
  specAnswer,
  VSP_CREATE,
  XML_TYPE,
  xmlErrorMessage,
  xmlMember,
} from '../support/vsp';

const SPEC_KEY = 'sample string 1';
const KEY = 'vsp-partner-key-7f3a';
const GMS = '/genesys/2/openmedia';

describe('vsp over HTTP (memory backend)', () => {
  let gw: TestGateway;
  const logs = winstonLines();
  beforeAll(async () => {
    gw = await startGateway({ inbound: { vsp: { appAccessKeys: [SPEC_KEY, KEY] } } }, { logger: logs.logger });
  });
  afterAll(() => gw.close());

  const gmsGet = (externalId: string) =>
    call(gw, `${GMS}/vsp/${encodeURIComponent(externalId)}/get`, { method: 'POST', headers: FORM_TYPE, body: 'searchByExternalId=true' });
  const gmsStop = (externalId: string) =>
    call(gw, `${GMS}/vsp/${encodeURIComponent(externalId)}/stop`, { method: 'POST', headers: FORM_TYPE, body: 'searchByExternalId=true' });
  const urlOf = (id: string) => `${gw.url}/api/v2/interactions/${id}`;

  describe("the spec's samples, byte for byte", () => {
    it('JSON request → the JSON VspInteraction, readable through GMS and Nexus by its InteractionIdentity', async () => {
      const res = await postVsp(gw, SPEC_REQUEST_JSON, JSON_TYPE);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const id = res.json.InteractionId as string;
      expect(res.text).toBe(specAnswer('json', { InteractionId: id, CampaignKey: 'vsp', InteractionUrl: urlOf(id) }));

      const gms = await gmsGet('sample string 2');
      expect(gms.json.statusCode).toBe(0);
      expect(gms.json.interactionProperties.interactionId).toBe(id);
      expect(gms.json.interactionProperties.interactionUserData).toEqual([
        { key: 'ExternalId', type: 'str', value: 'sample string 2' },
        { key: 'InteractionName', type: 'str', value: 'sample string 3' },
        { key: 'AccountId', type: 'str', value: GUIDS.AccountId },
        { key: 'ContactId', type: 'str', value: GUIDS.ContactId },
        { key: 'TenantKey', type: 'str', value: GUIDS.TenantKey },
        { key: 'GroupKey', type: 'str', value: GUIDS.GroupKey },
      ]);
      const nexus = await call(gw, '/nexus/v3/openmedia/vsp/interactions/ext_sample%20string%202', { headers: { 'x-api-key': 'k' } });
      expect(nexus.status).toBe(200);
      expect(nexus.json.data).toMatchObject({ id, externalId: 'sample string 2', service: 'vsp', state: 'queued' });
      expect(nexus.json.data.userData).toEqual({ InteractionName: 'sample string 3', ...GUIDS });
      expect((await gmsStop('sample string 2')).json).toEqual({ statusCode: 0 });
    });

    it('XML request → the DataContract VspInteraction (same identity, free again once the first is stopped)', async () => {
      const res = await postVsp(gw, SPEC_REQUEST_XML, XML_TYPE);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      const id = xmlMember(res.text, 'InteractionId')!;
      expect(res.text).toBe(specAnswer('xml', { InteractionId: id, CampaignKey: 'vsp', InteractionUrl: urlOf(id) }));
      const gms = await gmsGet('sample string 2');
      expect(gms.json.interactionProperties).toMatchObject({ interactionId: id, interactionState: 'Queued' });
      expect((await gmsStop('sample string 2')).json).toEqual({ statusCode: 0 });
    });
  });

  describe('request formats', () => {
    it('text/json and text/xml are answered in kind', async () => {
      const json = await postVsp(gw, JSON.stringify(createFields(KEY, 'tj-1')), { 'content-type': 'text/json; charset=utf-8' });
      expect(json.status).toBe(200);
      expect(json.headers['content-type']).toBe('text/json; charset=utf-8');
      const xml = await postVsp(gw, createXml(createFields(KEY, 'tx-1') as Record<string, string>), { 'content-type': 'text/xml' });
      expect(xml.status).toBe(200);
      expect(xml.headers['content-type']).toBe('text/xml; charset=utf-8');
    });

    it('the route matches in any case, as ASP.NET routing does; other dialects keep their exact paths', async () => {
      for (const [n, path] of ['/api/VspInteraction/Create', '/API/VSPINTERACTION/CREATE', '/Api/vspinteraction/create'].entries()) {
        const res = await call(gw, path, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(createFields(KEY, `case-path-${n}`)) });
        expect([path, res.status]).toEqual([path, 200]);
        expect((await gmsGet(`case-path-${n}`)).json.interactionProperties.interactionId).toBe(res.json.InteractionId);
      }
      expect((await call(gw, '/api/VspInteraction/Create', { headers: { accept: 'text/xml' } })).status).toBe(405);
      expect((await call(gw, '/api/VspInteraction/Created', { method: 'POST', headers: JSON_TYPE, body: '{}' })).status).toBe(404);
      expect((await call(gw, '/Nexus/v3/openmedia/vsp/interactions/ext_case-path-0', { headers: { 'x-api-key': 'k' } })).status).toBe(404);
    });

    it('JSON names bind case-insensitively; unknown members are ignored; the GUIDs are kept in D form', async () => {
      const body = { appaccesskey: KEY, INTERACTIONIDENTITY: 'ci-1', interactionName: 'Case', accountid: `{${GUIDS.AccountId.toUpperCase()}}`, ContactID: GUIDS.ContactId.replace(/-/g, ''), tenantKey: null, Extra: 1 };
      const res = await postVsp(gw, JSON.stringify(body), JSON_TYPE);
      expect(res.status).toBe(200);
      const nexus = await call(gw, '/nexus/v3/openmedia/vsp/interactions/ext_ci-1', { headers: { 'x-api-key': 'k' } });
      expect(nexus.json.data.userData).toEqual({ InteractionName: 'Case', AccountId: GUIDS.AccountId, ContactId: GUIDS.ContactId });
    });

    it('XML: any member order, no namespace, i:nil for an optional GUID', async () => {
      const body = `<CreateVspInteraction xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><TenantKey i:nil="true"/><InteractionName>No ns</InteractionName><ContactId>${GUIDS.ContactId}</ContactId><AccountId>${GUIDS.AccountId}</AccountId><InteractionIdentity>xo-1</InteractionIdentity><AppAccessKey>${KEY}</AppAccessKey><GroupKey>${GUIDS.GroupKey}</GroupKey></CreateVspInteraction>`;
      const res = await postVsp(gw, body, { 'content-type': 'application/xml; charset=utf-8' });
      expect(res.status).toBe(200);
      const gms = await gmsGet('xo-1');
      expect(gms.json.interactionProperties.interactionUserData.map((e: { key: string }) => e.key)).toEqual(['ExternalId', 'InteractionName', 'AccountId', 'ContactId', 'GroupKey']);
    });

    it('XML text keeps escapes, CDATA and an XML declaration', async () => {
      const body = `<?xml version="1.0" encoding="utf-8"?>${createXml({ ...(createFields(KEY, 'xe-1') as Record<string, string>), InteractionName: 'A &amp; B &lt;C&gt; <![CDATA[<D>]]>' })}`;
      expect((await postVsp(gw, body, XML_TYPE)).status).toBe(200);
      const nexus = await call(gw, '/nexus/v3/openmedia/vsp/interactions/ext_xe-1', { headers: { 'x-api-key': 'k' } });
      expect(nexus.json.data.userData.InteractionName).toBe('A & B <C> <D>');
    });

    it('a form, with case-insensitive names; an empty optional GUID is none; answered in JSON', async () => {
      const form = new URLSearchParams({ appAccessKey: KEY, interactionidentity: 'form-1', InteractionName: 'From a form', AccountId: GUIDS.AccountId, ContactId: GUIDS.ContactId, TenantKey: '', GroupKey: GUIDS.GroupKey });
      const res = await postVsp(gw, form.toString(), FORM_TYPE);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.json).toEqual({ InteractionId: expect.any(String), CampaignKey: 'vsp', InteractionUrl: urlOf(res.json.InteractionId) });
      const nexus = await call(gw, '/nexus/v3/openmedia/vsp/interactions/ext_form-1', { headers: { 'x-api-key': 'k' } });
      expect(nexus.json.data.userData).toEqual({ InteractionName: 'From a form', AccountId: GUIDS.AccountId, ContactId: GUIDS.ContactId, GroupKey: GUIDS.GroupKey });
    });
  });

  describe('Accept negotiation', () => {
    const json = () => JSON.stringify(createFields(KEY, `acc-${Math.random()}`));
    const xml = () => createXml(createFields(KEY, `acc-${Math.random()}`) as Record<string, string>);

    it.each([
      ['JSON request, Accept application/xml', 'application/xml', json, JSON_TYPE, 'application/xml'],
      ['JSON request, Accept text/xml', 'text/xml', json, JSON_TYPE, 'text/xml'],
      ['XML request, Accept application/json', 'application/json', xml, XML_TYPE, 'application/json'],
      ['XML request, Accept text/json', 'text/json', xml, XML_TYPE, 'text/json'],
      ['XML request, Accept preferring JSON by q', 'application/json', xml, XML_TYPE, 'application/xml;q=0.5, application/json'],
      ['JSON request, Accept preferring XML by q', 'text/xml', json, JSON_TYPE, 'application/json;q=0.2, text/xml;q=0.9'],
      ['XML request, Accept */*', 'application/xml', xml, XML_TYPE, '*/*'],
      ['XML request, Accept text/html only', 'application/xml', xml, XML_TYPE, 'text/html'],
      ['JSON request, Accept with both at equal q', 'application/json', json, JSON_TYPE, 'application/xml, application/json'],
      ['form, Accept application/xml', 'application/xml', () => new URLSearchParams(createFields(KEY, `acc-${Math.random()}`) as Record<string, string>).toString(), FORM_TYPE, 'application/xml'],
    ])('%s → %s', async (_name, expected, body, type, accept) => {
      const res = await postVsp(gw, body(), { ...type, accept });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(`${expected}; charset=utf-8`);
      if (expected.endsWith('xml')) expect(res.text).toMatch(/^<VspInteraction xmlns:i="[^"]+" xmlns="[^"]+"><CampaignKey>vsp<\/CampaignKey><InteractionId>/);
      else expect(Object.keys(res.json)).toEqual(['InteractionId', 'CampaignKey', 'InteractionUrl']);
    });

    it('errors follow Accept too: an XML request that asks for JSON gets a JSON error', async () => {
      const res = await postVsp(gw, createXml({ AppAccessKey: 'wrong' }), { ...XML_TYPE, accept: 'application/json' });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ Message: 'Authorization has been denied for this request.' });
    });
  });

  describe('errors, in both formats', () => {
    /** The same request as JSON and as XML; the error must come back in the request's own format. */
    async function expectBoth(fields: Record<string, string | null>, status: number, message: string | RegExp): Promise<void> {
      const json = await postVsp(gw, JSON.stringify(fields), JSON_TYPE);
      expect(json.status).toBe(status);
      expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Object.keys(json.json)).toEqual(['Message']);
      expect(json.json.Message).toMatch(message);
      const xml = await postVsp(gw, createXml(fields), XML_TYPE);
      expect(xml.status).toBe(status);
      expect(xml.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(xmlErrorMessage(xml.text)).toMatch(message);
    }
    const valid = (identity: string) => createFields(KEY, identity) as Record<string, string>;
    const without = (identity: string, field: string) => Object.fromEntries(Object.entries(valid(identity)).filter(([k]) => k !== field));

    it.each(['AppAccessKey', 'InteractionIdentity', 'InteractionName', 'AccountId', 'ContactId'])('400 naming a missing %s', async (field) => {
      await expectBoth(without(`missing-${field}`, field), 400, `The ${field} field is required.`);
    });

    it.each(['InteractionIdentity', 'InteractionName'])('400 naming an empty %s', async (field) => {
      await expectBoth({ ...valid(`empty-${field}`), [field]: '' }, 400, `The ${field} field is required.`);
    });

    it.each([['a slash', 'a/b'], ['a backslash', 'a\\b'], ['a dot-dot', '..'], ['a control character', 'a\tb']])(
      '400 for an InteractionIdentity with %s: it could never be named in a path',
      async (_what, identity) => {
        await expectBoth({ ...valid('x'), InteractionIdentity: identity }, 400, /^The InteractionIdentity field is not valid/);
      },
    );

    it('400 for a JSON body nested far beyond any limit, never a crash', async () => {
      const deep = `{"AppAccessKey":"${KEY}","Note":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
      const res = await postVsp(gw, deep, JSON_TYPE);
      expect([400, 413]).toContain(res.status);
      expect(Object.keys(res.json)).toEqual(['Message']);
    });

    it('400 naming a required member sent as null / i:nil', async () => {
      await expectBoth({ ...valid('nil-1'), InteractionName: null }, 400, 'The InteractionName field is required.');
    });

    it.each(['AccountId', 'ContactId', 'TenantKey', 'GroupKey'])('400 naming %s when it is not a GUID', async (field) => {
      await expectBoth({ ...valid(`guid-${field}`), [field]: 'not-a-guid' }, 400, `The ${field} field is not a valid GUID.`);
    });

    it('400 for a member of the wrong type (a JSON number, an XML element holding elements)', async () => {
      const json = await postVsp(gw, JSON.stringify({ ...valid('type-1'), InteractionName: 42 }), JSON_TYPE);
      expect([json.status, json.json]).toEqual([400, { Message: 'The InteractionName field must be a string.' }]);
      const xml = await postVsp(gw, createXml({ ...valid('type-1'), InteractionName: '<Part>1</Part>' }), XML_TYPE);
      expect([xml.status, xmlErrorMessage(xml.text)]).toEqual([400, 'The InteractionName field must be a string.']);
    });

    it('400 for an unreadable body, a wrong root, an array and an empty body', async () => {
      const bad = await postVsp(gw, '{"AppAccessKey":', JSON_TYPE);
      expect([bad.status, bad.json]).toEqual([400, { Message: 'Malformed JSON body' }]);
      const array = await postVsp(gw, '[]', JSON_TYPE);
      expect(array.status).toBe(400);
      const badXml = await postVsp(gw, '<CreateVspInteraction><AppAccessKey>x</AppAccessKey>', XML_TYPE);
      expect([badXml.status, xmlErrorMessage(badXml.text)]).toEqual([400, expect.stringMatching(/^Malformed XML/)]);
      const root = await postVsp(gw, `<Other xmlns="urn:x"><AppAccessKey>${KEY}</AppAccessKey></Other>`, XML_TYPE);
      expect([root.status, xmlErrorMessage(root.text)]).toEqual([400, expect.stringContaining('root element must be CreateVspInteraction')]);
      const empty = await postVsp(gw, '', XML_TYPE);
      expect(empty.status).toBe(400);
      expect(xmlErrorMessage(empty.text)).toContain('body is required');
    });

    it('400 for a form or JSON body that is not UTF-8, or a form with invalid percent-encoding', async () => {
      const form = Buffer.concat([Buffer.from(`AppAccessKey=${KEY}&InteractionName=`), Buffer.from([0xff, 0xfe])]);
      expect((await postVsp(gw, form, FORM_TYPE)).json).toEqual({ Message: 'Form body is not valid UTF-8' });
      const json = Buffer.concat([Buffer.from(`{"AppAccessKey":"${KEY}","InteractionName":"`), Buffer.from([0xff]), Buffer.from('"}')]);
      expect((await postVsp(gw, json, JSON_TYPE)).status).toBe(400);
      const escaped = await postVsp(gw, `AppAccessKey=${KEY}&InteractionName=%ZZ`, FORM_TYPE);
      expect(escaped.status).toBe(400);
      expect(escaped.json.Message).toContain('InteractionName');
    });

    it('401 for a key that is not configured (checked before the other members)', async () => {
      await expectBoth({ AppAccessKey: 'not-a-key' }, 401, 'Authorization has been denied for this request.');
    });

    it('409 when another create has the InteractionIdentity in use, in JSON and in XML', async () => {
      expect((await postVsp(gw, JSON.stringify(valid('dup-1')), JSON_TYPE)).status).toBe(200);
      await expectBoth({ ...valid('dup-1'), InteractionName: 'Another name' }, 409, 'The InteractionIdentity is already in use.');
    });

    it('the same create sent again (a client retry) is answered as the first, in either format', async () => {
      const first = await postVsp(gw, JSON.stringify(valid('retry-1')), JSON_TYPE);
      const again = await postVsp(gw, JSON.stringify(valid('retry-1')), JSON_TYPE);
      const asXml = await postVsp(gw, createXml(valid('retry-1')), XML_TYPE);
      expect(first.status).toBe(200);
      expect(again.json).toEqual(first.json);
      expect(xmlMember(asXml.text, 'InteractionId')).toBe(first.json.InteractionId);
      const other = await postVsp(gw, JSON.stringify(createFields('sample string 1', 'retry-1')), JSON_TYPE);
      expect(other.status).toBe(409);
    });

    it('an Idempotency-Key reused for a different create is 422', async () => {
      const key = { ...JSON_TYPE, 'idempotency-key': `idem-${Math.random()}` };
      expect((await postVsp(gw, JSON.stringify(valid('idem-1')), key)).status).toBe(200);
      const reused = await postVsp(gw, JSON.stringify(valid('idem-2')), key);
      expect([reused.status, Object.keys(reused.json)]).toEqual([422, ['Message']]);
    });

    it('415 for another media type or charset, in JSON unless Accept asks for XML', async () => {
      const plain = await postVsp(gw, 'x', { 'content-type': 'text/plain' });
      expect([plain.status, plain.json]).toEqual([415, { Message: "The request entity's media type 'text/plain' is not supported for this resource." }]);
      const xml = await postVsp(gw, 'x', { 'content-type': 'application/octet-stream', accept: 'application/xml' });
      expect([xml.status, xmlErrorMessage(xml.text)]).toEqual([415, "The request entity's media type 'application/octet-stream' is not supported for this resource."]);
      const none = await postVsp(gw, 'x', {});
      expect(none.status).toBe(415);
      const utf16 = await postVsp(gw, JSON.stringify(valid('u16')), { 'content-type': 'application/json; charset=utf-16' });
      expect(utf16.status).toBe(415);
      const hostile = await postVsp(gw, 'x', { 'content-type': 'text/<script>' });
      expect([hostile.status, hostile.json]).toEqual([415, { Message: "The request entity's media type is not supported for this resource." }]);
    });

    it('405 for another method, in the Accept format', async () => {
      const res = await call(gw, VSP_CREATE, { headers: { accept: 'text/xml' } });
      expect(res.status).toBe(405);
      expect(xmlErrorMessage(res.text)).toContain('use POST');
    });
  });

  describe('credentials and logs', () => {
    it('never logs an AppAccessKey, accepted or refused, whatever the format', async () => {
      const refused = 'refused-key-9c1d';
      await postVsp(gw, JSON.stringify(createFields(KEY, 'log-1')), JSON_TYPE);
      await postVsp(gw, JSON.stringify(createFields(refused, 'log-2')), JSON_TYPE);
      await postVsp(gw, createXml({ AppAccessKey: refused, InteractionName: '<bad>' }), XML_TYPE);
      await postVsp(gw, `AppAccessKey=${refused}&AccountId=zzz`, FORM_TYPE);
      await postVsp(gw, `{"AppAccessKey":"${refused}",`, JSON_TYPE);
      const lines = logs.lines.join('\n');
      expect(lines).toContain('"dialect":"vsp"');
      expect(lines).not.toContain(KEY);
      expect(lines).not.toContain(refused);
      expect(lines).toContain('"client":"vsp-key#1"');
    });
  });

  describe('InteractionUrl', () => {
    it('is built from a plain Host header', async () => {
      const res = await postVsp(gw, JSON.stringify(createFields(KEY, 'host-1')), { ...JSON_TYPE, host: 'gateway.example:8443' });
      expect(res.json.InteractionUrl).toBe(`http://gateway.example:8443/api/v2/interactions/${res.json.InteractionId}`);
    });

    it.each([
      ['with a path', 'evil.example/phish?'],
      ['with a space', 'a b'],
      ['with userinfo', 'user@evil.example'],
      ['of 300 characters', 'x'.repeat(300)],
      ['with a port past 65535', 'host:99999'],
    ])('a hostile Host (%s) is refused before anything is created', async (_name, host) => {
      const identity = `host-bad-${Math.random()}`;
      const res = await postVsp(gw, JSON.stringify(createFields(KEY, identity)), { ...JSON_TYPE, host });
      expect([res.status, res.json]).toEqual([400, { Message: 'The request is invalid: the Host header is not a valid host name.' }]);
      expect((await gmsGet(identity)).json.statusCode).toBe(2);
    });
  });
});

describe('vsp with a configured public base URL, an open key list and another service', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ inbound: { vsp: { service: 'partner-sales', publicBaseUrl: 'https://gw.example.com/omgw/' } } });
  });
  afterAll(() => gw.close());

  it('answers the public URL whatever the Host, with CampaignKey the configured service; any non-empty key passes', async () => {
    const res = await postVsp(gw, JSON.stringify(createFields('whatever', 'pub-1')), { ...JSON_TYPE, host: 'evil.example/x' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      InteractionId: expect.any(String),
      CampaignKey: 'partner-sales',
      InteractionUrl: `https://gw.example.com/omgw/api/v2/interactions/${res.json.InteractionId}`,
    });
    const gms = await call(gw, `${GMS}/partner-sales/pub-1/get`, { method: 'POST', headers: FORM_TYPE, body: 'searchByExternalId=true' });
    expect(gms.json.interactionProperties.interactionId).toBe(res.json.InteractionId);
  });
});

describe('vsp failures beyond the request', () => {
  it('404 when no route serves the VSP service; 413 past the body limit; both in the request format', async () => {
    const gw = await startGateway({ server: { bodyLimit: '1kb' }, routes: [{ service: 'gms-*', backend: 'sim' }] });
    try {
      const json = await postVsp(gw, JSON.stringify(createFields('k', 'r-1')), JSON_TYPE);
      expect([json.status, json.json]).toEqual([404, { Message: expect.stringContaining('vsp') }]);
      const xml = await postVsp(gw, createXml(createFields('k', 'r-1') as Record<string, string>), XML_TYPE);
      expect([xml.status, xmlErrorMessage(xml.text)]).toEqual([404, expect.stringContaining('vsp')]);
      const big = await postVsp(gw, createXml({ ...(createFields('k', 'r-2') as Record<string, string>), InteractionName: 'x'.repeat(2048) }), XML_TYPE);
      expect(big.status).toBe(413);
      expect(xmlErrorMessage(big.text)).toMatch(/exceeds/);
    } finally {
      await gw.close();
    }
  });

  it('503 in the request format when the backend is unreachable', async () => {
    const port = await closedPort();
    const gw = await startGateway({
      backends: { down: { driver: 'nexus', baseUrl: `http://127.0.0.1:${port}/nexus/v3`, apiKey: 'k', timeoutMs: 2000, retries: 0 } },
    });
    try {
      const json = await postVsp(gw, JSON.stringify(createFields('k', 'down-1')), JSON_TYPE);
      expect([json.status, json.json]).toEqual([503, { Message: expect.any(String) }]);
      const xml = await postVsp(gw, createXml(createFields('k', 'down-2') as Record<string, string>), XML_TYPE);
      expect(xml.status).toBe(503);
      expect(xmlErrorMessage(xml.text)).toBeDefined();
    } finally {
      await gw.close();
    }
  });
});

describe('vsp with scoped AppAccessKeys', () => {
  let gw: TestGateway;
  const logs = winstonLines();
  beforeAll(async () => {
    gw = await startGateway(
      {
        inbound: {
          vsp: {
            service: 'partner-eu',
            appAccessKeys: [
              { key: 'eu-key', services: ['partner-*'] },
              { key: 'us-key', services: ['us-*'] },
              { key: 'slow-eu-key-93d1', services: ['partner-eu'], rateLimit: { rate: 0.001, burst: 2 } },
            ],
          },
        },
      },
      { logger: logs.logger },
    );
  });
  afterAll(() => gw.close());

  it('a key scoped to the VSP service creates; a known key scoped elsewhere is 403 in JSON and XML; an unknown one 401', async () => {
    expect((await postVsp(gw, JSON.stringify(createFields('eu-key', 'scope-1')), JSON_TYPE)).status).toBe(200);
    const json = await postVsp(gw, JSON.stringify(createFields('us-key', 'scope-2')), JSON_TYPE);
    expect([json.status, json.json]).toEqual([403, { Message: 'This AppAccessKey is not allowed for service partner-eu.' }]);
    const xml = await postVsp(gw, createXml(createFields('us-key', 'scope-2') as Record<string, string>), XML_TYPE);
    expect([xml.status, xmlErrorMessage(xml.text)]).toEqual([403, 'This AppAccessKey is not allowed for service partner-eu.']);
    expect((await postVsp(gw, JSON.stringify(createFields('eu-key ', 'scope-3')), JSON_TYPE)).status).toBe(401);
  });

  it('a key is a credential like every other: its own rate limit (429 in VSP form), its own bucket, its label in the log, never the key', async () => {
    for (const n of [1, 2]) expect((await postVsp(gw, JSON.stringify(createFields('slow-eu-key-93d1', `slow-${n}`)), JSON_TYPE)).status).toBe(200);
    const limited = await postVsp(gw, JSON.stringify(createFields('slow-eu-key-93d1', 'slow-3')), JSON_TYPE);
    expect([limited.status, limited.json]).toEqual([429, { Message: 'Too many requests' }]);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const limitedXml = await postVsp(gw, createXml(createFields('slow-eu-key-93d1', 'slow-4') as Record<string, string>), XML_TYPE);
    expect([limitedXml.status, xmlErrorMessage(limitedXml.text)]).toEqual([429, 'Too many requests']);
    // Another key of the same caller address keeps being served.
    expect((await postVsp(gw, JSON.stringify(createFields('eu-key', 'scope-4')), JSON_TYPE)).status).toBe(200);
    const requestLines = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.dialect === 'vsp');
    expect(requestLines.filter((l) => l.client === 'vsp-key#2').map((l) => l.status)).toEqual([200, 200, 429, 429]);
    expect(logs.lines.join('\n')).not.toMatch(/slow-eu-key-93d1|eu-key"|us-key/);
  });
});

describe('vsp answers for an upstream that refuses or hangs (a vsp backend behind the VSP dialect)', () => {
  const upstream = new FakeUpstream({ status: 401, json: { Message: 'Authorization has been denied for this request.' } });
  let gw: TestGateway;
  beforeAll(async () => {
    await upstream.start();
    // Short enough that the hung calls cost little, long enough that the refusal is never mistaken for a hang.
    gw = await startGateway({
      backends: {
        remote: { driver: 'vsp', baseUrl: `${upstream.url}/api`, appAccessKey: 'gw-key', accountId: GUIDS.AccountId, contactId: GUIDS.ContactId, timeoutMs: 1000, retries: 0 },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('an upstream refusing the gateway’s key → 502, in JSON and in XML, without the upstream’s words', async () => {
    upstream.answer();
    const json = await postVsp(gw, JSON.stringify(createFields('k', 'up-1')), JSON_TYPE);
    expect([json.status, Object.keys(json.json)]).toEqual([502, ['Message']]);
    expect(json.json.Message).not.toContain('denied');
    const xml = await postVsp(gw, createXml(createFields('k', 'up-2') as Record<string, string>), XML_TYPE);
    expect([xml.status, xmlErrorMessage(xml.text)]).toEqual([502, expect.any(String)]);
  });

  it('an upstream that never answers → 504, in JSON and in XML', async () => {
    upstream.answer(hang, hang);
    const json = await postVsp(gw, JSON.stringify(createFields('k', 'up-3')), JSON_TYPE);
    expect([json.status, Object.keys(json.json)]).toEqual([504, ['Message']]);
    const xml = await postVsp(gw, createXml(createFields('k', 'up-4') as Record<string, string>), XML_TYPE);
    expect([xml.status, xmlErrorMessage(xml.text)]).toEqual([504, expect.any(String)]);
  });
});
