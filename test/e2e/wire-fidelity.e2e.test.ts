import { startGateway, type TestGateway } from '../support/gateway';

/**
 * The edges of the GMS and Nexus wires, each in the dialect's own form over real HTTP, first on the memory backend,
 * then through chains of two gateways (a front speaking both dialects, its backend a driver to a back gateway on
 * memory), so each driver carries the same edge: bracketed keys, unaddressable externalIds, the ExternalId entry,
 * GMS bookkeeping, exact big integers and key order, lenient dates, flags and charsets, the spec's not-found words.
 */

const GMS = '/genesys/2/openmedia';
const NEXUS = '/nexus/v3/openmedia';
const FORM = 'application/x-www-form-urlencoded';

interface Answer {
  status: number;
  text: string;
  json: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** A GMS client: form posts, the body as given (a string is sent byte for byte, a Buffer too). */
const gms = (gw: () => TestGateway) => (path: string, body: string | Buffer = '', contentType = FORM) =>
  fetch(gw().url + GMS + path, { method: 'POST', headers: { 'content-type': contentType }, body }).then(answer);

/** A Nexus client: JSON text as given, so key order and long integer literals reach the wire as written. */
const nexus = (gw: () => TestGateway) => ({
  post: (path: string, json: string) =>
    fetch(gw().url + NEXUS + path, { method: 'POST', headers: { 'x-api-key': 'k', 'content-type': 'application/json' }, body: json }).then(answer),
  get: (path: string) => fetch(gw().url + NEXUS + path, { headers: { 'x-api-key': 'k' } }).then(answer),
});

let n = 0;
const fresh = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${n++}`;
const gmsFailure = (code: number, advice: string | jest.AsymmetricMatcher = expect.any(String)) => ({ statusCode: 2, errors: [{ code, advice }] });
const userDataOf = (got: Answer) => got.json.interactionProperties.interactionUserData as { key: string; type: string; value: unknown }[];
const keysOf = (got: Answer) => userDataOf(got).map((e) => e.key);

/** The suite each gateway set-up runs: `gw` is the gateway clients talk to, whatever its backend. */
function wireEdges(label: string, gw: () => TestGateway, options: { carriesReceivedAt: boolean }) {
  const post = gms(gw);
  const api = nexus(gw);
  const create = async (service: string, body: string) => {
    const res = await post(`/${service}`, body);
    expect(res.json).toEqual({ statusCode: 0, interactionId: expect.any(String) });
    return res.json.interactionId as string;
  };

  describe(`${label}: 1. bracketed user-data keys`, () => {
    it('userData[a]b]=v is the key a]b, as a servlet reads it; delete[a]b]= deletes exactly that key', async () => {
      const service = fresh('brackets');
      const body = new URLSearchParams([
        ['userData[a]b]', 'v1'],
        ['userData[a]', 'plain-a'],
        ['userData[b]', 'plain-b'],
        ['userData[x[1]', 'v2'],
        ['userData[Order][Item]', 'nested'],
      ]).toString();
      const id = await create(service, body);
      expect(userDataOf(await post(`/${service}/${id}/get`))).toEqual([
        { key: 'a]b', type: 'str', value: 'v1' },
        { key: 'a', type: 'str', value: 'plain-a' },
        { key: 'b', type: 'str', value: 'plain-b' },
        { key: 'x[1', type: 'str', value: 'v2' },
        { key: 'Order', type: 'kvlist', value: [{ key: 'Item', type: 'str', value: 'nested' }] },
      ]);
      expect((await post(`/${service}/${id}/update`, 'delete%5Ba%5Db%5D=&change%5Bc%5Dd%5D=w')).json).toEqual({ statusCode: 0 });
      expect(keysOf(await post(`/${service}/${id}/get`))).toEqual(['a', 'b', 'x[1', 'Order', 'c]d']);
    });

    it.each([
      ['userData[list][]=x', 'userData[list][]'],
      ['userData[list][0]=x&userData[list][1]=y', 'userData[list][0]'],
      ['userData[]=x', 'userData[]'],
    ])('%s (an array form) is a 400, code 200, naming the parameter; nothing is created', async (body, name) => {
      const service = fresh('arrays');
      const res = await post(`/${service}`, body);
      expect(res.status).toBe(400);
      expect(res.json).toEqual(gmsFailure(200, expect.stringContaining(name)));
    });
  });

  describe(`${label}: 2. an externalId that could not be named in a path is refused at create`, () => {
    it.each([['a/b'], ['a\\b'], ['.'], ['..'], ['tab\there'], ['nul\u0000']])('GMS externalId %j → 400, code 200', async (externalId) => {
      const service = fresh('ext');
      const res = await post(`/${service}`, new URLSearchParams({ externalId, 'userData[k]': 'v' }).toString());
      expect(res.status).toBe(400);
      expect(res.json).toEqual(gmsFailure(200, expect.stringContaining('externalId')));
    });

    it.each([['a/b'], ['..'], ['x\u0085y'], ['']])('Nexus externalId %j → 400', async (externalId) => {
      const res = await api.post(`/${fresh('ext')}/interactions`, JSON.stringify({ externalId }));
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ status: { code: 400, message: expect.stringContaining('externalId') } });
    });

    it('an addressable externalId with spaces, "%" and non-ASCII is read, updated and stopped by it in both dialects', async () => {
      const service = fresh('ext');
      const externalId = `ordre n°7 %41 & co ${n}`;
      await create(service, new URLSearchParams({ externalId }).toString());
      const ext = encodeURIComponent(externalId);
      expect((await api.get(`/${service}/interactions/ext_${ext}`)).json.data.externalId).toBe(externalId);
      expect((await post(`/${service}/${ext}/update`, 'searchByExternalId=true&change[k]=v')).json).toEqual({ statusCode: 0 });
      expect((await api.post(`/${service}/interactions/ext_${ext}/stop`, '{}')).status).toBe(200);
    });
  });

  describe(`${label}: 3. the ExternalId entry cannot hide or change the real externalId`, () => {
    it('GMS userData[ExternalId], change[ExternalId] and delete[ExternalId] are 400, code 200, naming the key', async () => {
      const service = fresh('extkey');
      const refused = await post(`/${service}`, 'externalId=real&userData[ExternalId]=fake');
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual(gmsFailure(200, expect.stringContaining('"ExternalId" is reserved')));
      const id = await create(service, 'externalId=real&userData[k]=v');
      for (const body of ['change[ExternalId]=fake', 'delete[ExternalId]=']) {
        expect((await post(`/${service}/${id}/update`, body)).json).toEqual(gmsFailure(200, expect.stringContaining('ExternalId')));
      }
      expect(userDataOf(await post(`/${service}/${id}/get`))).toEqual([
        { key: 'ExternalId', type: 'str', value: 'real' },
        { key: 'k', type: 'str', value: 'v' },
      ]);
    });

    it('Nexus userData.ExternalId, changedProperties/addedProperties/deletedProperties of it are 400', async () => {
      const service = fresh('extkey');
      expect((await api.post(`/${service}/interactions`, '{"externalId":"real","userData":{"ExternalId":"fake"}}')).status).toBe(400);
      const created = await api.post(`/${service}/interactions`, '{"externalId":"real","userData":{"k":"v"}}');
      expect(created.status).toBe(200);
      for (const body of ['{"changedProperties":{"ExternalId":"x"}}', '{"addedProperties":{"ExternalId":"x"}}', '{"deletedProperties":["ExternalId"]}']) {
        expect((await api.post(`/${service}/interactions/ext_real/update`, body)).json).toEqual({ status: { code: 400, message: expect.stringContaining('ExternalId') } });
      }
      // Nested, ExternalId is plain data.
      expect((await api.post(`/${service}/interactions/ext_real/update`, '{"addedProperties":{"Order":{"ExternalId":"inner"}}}')).status).toBe(200);
      expect((await api.get(`/${service}/interactions/ext_real`)).json.data).toMatchObject({ externalId: 'real', userData: { k: 'v', Order: { ExternalId: 'inner' } } });
    });
  });

  describe(`${label}: 5. numbers past 2^53 and the order the client sent`, () => {
    it('Nexus: an integer past 2^53 is kept as its exact decimal string; keys keep their order, integer-like ones included', async () => {
      const service = fresh('numbers');
      const json = '{"externalId":"big","userData":{"Big":12345678901234567890,"z":1,"10":"ten","a":{"y":"two","b":-9007199254740993},"Safe":9007199254740991}}';
      const created = await api.post(`/${service}/interactions`, json);
      expect(created.status).toBe(200);
      const got = await api.get(`/${service}/interactions/ext_big`);
      // Through a GMS backend integers come back as strings (GMS forms carry strings only); order and digits stay.
      expect(got.text).toMatch(/"userData":\{"Big":"12345678901234567890","z":"?1"?,"10":"ten","a":\{"y":"two","b":"-9007199254740993"\},"Safe":"?9007199254740991"?\}/);
      expect(userDataOf(await post(`/${service}/big/get`, 'searchByExternalId=true'))).toEqual([
        { key: 'ExternalId', type: 'str', value: 'big' },
        { key: 'Big', type: 'str', value: '12345678901234567890' },
        { key: 'z', type: expect.stringMatching(/^(int|str)$/), value: expect.anything() },
        { key: '10', type: 'str', value: 'ten' },
        { key: 'a', type: 'kvlist', value: [{ key: 'y', type: 'str', value: 'two' }, { key: 'b', type: 'str', value: '-9007199254740993' }] },
        { key: 'Safe', type: expect.stringMatching(/^(int|str)$/), value: expect.anything() },
      ]);
    });

    it('GMS: user data keeps the form order, integer-like keys included', async () => {
      const service = fresh('order');
      const id = await create(service, 'userData[z]=1&userData[10]=2&userData[a]=3&userData[0]=4');
      expect(keysOf(await post(`/${service}/${id}/get`))).toEqual(['z', '10', 'a', '0']);
      const got = await api.get(`/${service}/interactions/${id}`);
      expect(got.text).toContain('"userData":{"z":"1","10":"2","a":"3","0":"4"}');
    });
  });

  describe(`${label}: 6. lenient where the spec is`, () => {
    it.each([
      ['2024-05-01T10:00:00', '2024-05-01T10:00:00.000Z'],
      ['2024-05-01T12:00:00+0200', '2024-05-01T10:00:00.000Z'],
      ['2024-05-01T05:30:00-04:30', '2024-05-01T10:00:00.000Z'],
      ['2024-05-01T10:00:00.123456Z', '2024-05-01T10:00:00.123Z'],
      ['2024-05-01T10:00Z', '2024-05-01T10:00:00.000Z'],
    ])('Nexus receivedAt %s is read as %s', async (receivedAt, iso) => {
      // GMS's create has no receivedAt parameter: behind a gms driver the upstream stamps its own (README).
      if (!options.carriesReceivedAt) return;
      const service = fresh('dates');
      expect((await api.post(`/${service}/interactions`, JSON.stringify({ externalId: 'd', receivedAt }))).status).toBe(200);
      const got = (await api.get(`/${service}/interactions/ext_d`)).json.data.receivedAt as string;
      // A backend may keep whole seconds only (GMS shows times to the second).
      expect([iso, iso.replace(/\.\d{3}Z$/, 'Z'), iso.replace(/\.\d{3}Z$/, '.000Z')]).toContain(got);
    });

    it.each([['2024-02-30T10:00:00Z'], ['2024-05-01'], ['yesterday'], ['2024-05-01T25:00:00Z']])('Nexus receivedAt %s → 400 naming it', async (receivedAt) => {
      const res = await api.post(`/${fresh('dates')}/interactions`, JSON.stringify({ receivedAt }));
      expect(res.json).toEqual({ status: { code: 400, message: expect.stringContaining('receivedAt') } });
    });

    it('GMS searchByExternalId reads true/false in any case; anything else is a 400 naming it', async () => {
      const service = fresh('flags');
      const id = await create(service, 'externalId=flag');
      for (const flag of ['true', 'TRUE', 'True']) {
        expect((await post(`/${service}/flag/get`, `searchByExternalId=${flag}`)).json.interactionProperties.interactionId).toBe(id);
      }
      expect((await post(`/${service}/${id}/get`, 'searchByExternalId=FALSE')).json.interactionProperties.interactionId).toBe(id);
      const res = await post(`/${service}/flag/get`, 'searchByExternalId=yes');
      expect(res.status).toBe(400);
      expect(res.json).toEqual(gmsFailure(200, expect.stringContaining('searchByExternalId')));
    });

    it('a GMS form declaring charset=ISO-8859-1 is read as Latin-1, its bytes and its %XX escapes alike', async () => {
      const service = fresh('latin1');
      // What a Java client's URLEncoder.encode(…, "ISO-8859-1") writes, and a raw Latin-1 byte (0xE7, ç).
      const body = Buffer.concat([Buffer.from('externalId=caf%E9&userData%5BName%5D=Jos%E9+M%FCller&userData%5BCity%5D=Fran', 'latin1'), Buffer.from([0xe7]), Buffer.from('ois', 'latin1')]);
      const res = await post(`/${service}`, body, `${FORM}; charset=ISO-8859-1`);
      expect(res.json).toEqual({ statusCode: 0, interactionId: expect.any(String) });
      const got = await post(`/${service}/caf%C3%A9/get`, 'searchByExternalId=true');
      expect(userDataOf(got)).toEqual([
        { key: 'ExternalId', type: 'str', value: 'café' },
        { key: 'Name', type: 'str', value: 'José Müller' },
        { key: 'City', type: 'str', value: 'François' },
      ]);
    });

    it('an unsupported charset is a bad content type (400) naming it; undeclared, %E9 is not UTF-8 and is a 400', async () => {
      const service = fresh('charset');
      const res = await post(`/${service}`, 'userData[k]=v', `${FORM}; charset=UTF-16`);
      expect(res.status).toBe(400);
      expect(res.json).toEqual(gmsFailure(200, expect.stringContaining('"UTF-16"')));
      expect((await post(`/${service}`, 'userData[k]=Jos%E9')).status).toBe(400);
    });
  });

  describe(`${label}: 7. the spec's not-found advice`, () => {
    it('get: "Specified interaction Id[…]"; update and stop: "Interaction with specified id[…]"', async () => {
      const service = fresh('missing');
      expect((await post(`/${service}/NOPE0000/get`)).json).toEqual(gmsFailure(248, 'Specified interaction Id[NOPE0000] was not found'));
      expect((await post(`/${service}/NOPE0000/update`, 'change[a]=1')).json).toEqual(gmsFailure(248, 'Interaction with specified id[NOPE0000] was not found'));
      expect((await post(`/${service}/NOPE0000/stop`)).json).toEqual(gmsFailure(248, 'Interaction with specified id[NOPE0000] was not found'));
      expect((await post(`/${service}/nope-ext/stop`, 'searchByExternalId=true')).json).toEqual(gmsFailure(248, 'Interaction with specified id[nope-ext] was not found'));
    });
  });
}

describe('wire edges on the memory backend', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw?.close());

  wireEdges('memory', () => gw, { carriesReceivedAt: true });

  it('4. GMS get answers every property of the spec example, the bookkeeping ones included', async () => {
    const service = fresh('props');
    const created = await gms(() => gw)(`/${service}`, 'externalId=p&userData[k]=v');
    const got = await gms(() => gw)(`/${service}/${created.json.interactionId}/get`);
    const time = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(got.json.interactionProperties).toEqual({
      interactionId: created.json.interactionId,
      interactionType: 'Inbound',
      interactionSubtype: 'InboundNew',
      interactionMediatype: 'workitem',
      interactionState: 'Queued',
      interactionQueue: service,
      interactionReceivedAt: time,
      interactionSubmittedAt: time,
      interactionPlacedInQueueAt: time,
      interactionMovedToQueueAt: time,
      interactionIsHeld: false,
      interactionIsLocked: false,
      interactionIsOnline: false,
      interactionTenantId: 1,
      interactionSubmittedBy: 'openmedia-gateway:gms',
      interactionSubmitSeq: expect.stringMatching(/^\d+$/),
      interactionPlaceInQueueSeq: expect.stringMatching(/^\d+$/),
      interactionUserData: [
        { key: 'ExternalId', type: 'str', value: 'p' },
        { key: 'k', type: 'str', value: 'v' },
      ],
    });
  });
});

/** Front gateways speak both dialects; their only backend is a driver to the back gateway, which runs on memory. */
describe('wire edges through chains of two gateways', () => {
  let back: TestGateway;
  let viaNexus: TestGateway;
  let viaGms: TestGateway;
  beforeAll(async () => {
    back = await startGateway();
    viaNexus = await startGateway({ backends: { cloud: { driver: 'nexus', baseUrl: `${back.url}/nexus/v3`, apiKey: 'k', timeoutMs: 5000 } } });
    viaGms = await startGateway({ backends: { legacy: { driver: 'gms', baseUrl: `${back.url}${GMS}`, timeoutMs: 5000 } } });
  });
  afterAll(async () => {
    await viaNexus?.close();
    await viaGms?.close();
    await back?.close();
  });

  wireEdges('front → nexus driver → back', () => viaNexus, { carriesReceivedAt: true });
  wireEdges('front → gms driver → back', () => viaGms, { carriesReceivedAt: false });

  it('4. the gms driver passes the upstream GMS bookkeeping through to a GMS client at the front', async () => {
    const service = fresh('props');
    const created = await gms(() => viaGms)(`/${service}`, 'externalId=p');
    const atFront = (await gms(() => viaGms)(`/${service}/p/get`, 'searchByExternalId=true')).json.interactionProperties;
    const atBack = (await gms(() => back)(`/${service}/p/get`, 'searchByExternalId=true')).json.interactionProperties;
    expect(atFront.interactionId).toBe(created.json.interactionId);
    for (const key of ['interactionTenantId', 'interactionSubmittedBy', 'interactionSubmitSeq', 'interactionMovedToQueueAt', 'interactionPlaceInQueueSeq']) {
      expect(atBack[key]).toBeDefined();
      expect(atFront[key]).toEqual(atBack[key]);
    }
  });

  it('1. a bracketed key crosses both drivers whole, and its delete removes exactly it at the back', async () => {
    const service = fresh('brackets');
    for (const front of [viaNexus, viaGms]) {
      const id = (await nexus(() => front).post(`/${service}/interactions`, '{"userData":{"a]b":"1","a":"2","[x":"3"}}')).json.data.id;
      expect((await nexus(() => back).get(`/${service}/interactions/${id}`)).json.data.userData).toEqual({ 'a]b': '1', a: '2', '[x': '3' });
      expect((await nexus(() => front).post(`/${service}/interactions/${id}/update`, '{"deletedProperties":["a]b"]}')).status).toBe(200);
      expect((await nexus(() => back).get(`/${service}/interactions/${id}`)).json.data.userData).toEqual({ a: '2', '[x': '3' });
    }
  });
});
