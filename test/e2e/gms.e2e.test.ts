import { request } from 'node:http';
import { startGateway, type TestGateway } from '../support/gateway';

const FORM = 'application/x-www-form-urlencoded';
const BASE = '/genesys/2/openmedia';

/** The spec's own bodies, byte for byte (typo `0rderNumber` and the unencoded spaces included). */
const SPEC_CREATE =
  'externalId=xy932&userData%5B0rderNumber%5D=ABC123456789&userData%5BTestKey2%5D=Test+value&userData%5BKeyToDelete%5D=value to delete';
const SPEC_UPDATE = 'change%5B0rderNumber%5D=uABC123456789&change%5BTestKey2%5D=uTest+value&delete%5BKeyToDelete%5D=';
const SPEC_STOP = 'reason%3DRSN-123%26description%3DORDER%2BCANCELLED';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

function client(gw: () => TestGateway) {
  return async (path: string, body = '', headers: Record<string, string> = { 'content-type': FORM }, method = 'POST'): Promise<Answer> => {
    const res = await fetch(gw().url + BASE + path, { method, headers, ...(method === 'GET' ? {} : { body }) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

/** node:http sends the path as written; fetch would resolve `%2E%2E` itself before the gateway saw it. */
function rawStatus(url: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path: BASE + path, method: 'POST' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

const failure = (code: number, advice: string) => ({ statusCode: 2, errors: [{ code, advice }] });
const failureCode = (code: number) => ({ statusCode: 2, errors: [{ code, advice: expect.any(String) }] });
let unique = 0;
const fresh = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${unique++}`;

describe('gms over HTTP, memory backend', () => {
  let gw: TestGateway;
  const post = client(() => gw);
  beforeAll(async () => {
    gw = await startGateway({ server: { bodyLimit: '4kb' } });
  });
  afterAll(() => gw.close());

  /** A valid request that must still succeed after each bad one. */
  async function stillServes(): Promise<void> {
    const res = await post('/customer-support', `externalId=${fresh('ok')}&userData[k]=v`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ statusCode: 0, interactionId: expect.any(String) });
  }

  it('reads parameters from the query string too, the body winning where both give one', async () => {
    const externalId = fresh('q');
    expect((await post(`/customer-support?externalId=${externalId}`, 'userData%5BK%5D=v')).json.statusCode).toBe(0);
    const got = await post(`/customer-support/${externalId}/get?searchByExternalId=true`);
    expect(got.json.interactionProperties.interactionUserData).toEqual(
      expect.arrayContaining([
        { key: 'ExternalId', type: 'str', value: externalId },
        { key: 'K', type: 'str', value: 'v' },
      ]),
    );
    const bodyWins = await post(`/customer-support/${externalId}/get?searchByExternalId=true`, 'searchByExternalId=false');
    expect(bodyWins.json).toEqual(failure(248, `Specified interaction Id[${externalId}] was not found`));
    expect((await post('/customer-support/x/get?searchByExternalId=%ZZ')).status).toBe(400);
  });

  it('create, get, update, stop with the spec bodies', async () => {
    const created = await post('/customer-support', SPEC_CREATE);
    expect(created.status).toBe(200);
    expect(created.text).toMatch(/^\{"statusCode":0,"interactionId":"[^"]+"\}$/);
    const id: string = created.json.interactionId;

    const got = await post(`/customer-support/${id}/get`, '');
    expect(got.status).toBe(200);
    expect(got.json.statusCode).toBe(0);
    const props = got.json.interactionProperties;
    expect(props).toMatchObject({
      interactionId: id,
      interactionState: 'Queued',
      interactionIsHeld: false,
      interactionIsLocked: false,
      interactionIsOnline: false,
    });
    for (const k of ['interactionType', 'interactionSubtype', 'interactionMediatype']) expect(typeof props[k]).toBe('string');
    for (const k of ['interactionReceivedAt', 'interactionSubmittedAt']) expect(props[k]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(props.interactionUserData).toEqual(
      expect.arrayContaining([
        { key: 'ExternalId', type: 'str', value: 'xy932' },
        { key: '0rderNumber', type: 'str', value: 'ABC123456789' },
        { key: 'TestKey2', type: 'str', value: 'Test value' },
        { key: 'KeyToDelete', type: 'str', value: 'value to delete' },
      ]),
    );

    const updated = await post(`/customer-support/${id}/update`, SPEC_UPDATE);
    expect(updated.status).toBe(200);
    expect(updated.text).toBe('{"statusCode":0}');
    const afterUpdate = (await post(`/customer-support/${id}/get`)).json.interactionProperties.interactionUserData;
    expect(afterUpdate).toEqual(
      expect.arrayContaining([
        { key: '0rderNumber', type: 'str', value: 'uABC123456789' },
        { key: 'TestKey2', type: 'str', value: 'uTest value' },
      ]),
    );
    expect(afterUpdate.some((e: { key: string }) => e.key === 'KeyToDelete')).toBe(false);

    const stopped = await post(`/customer-support/${id}/stop`, SPEC_STOP);
    expect(stopped.status).toBe(200);
    expect(stopped.text).toBe('{"statusCode":0}');
    const afterStop = await post(`/customer-support/${id}/get`);
    expect(afterStop.json.interactionProperties.interactionState).toBe('Stopped');

    // Stopped interactions stay readable; writing to them is a conflict (DESIGN §4).
    expect((await post(`/customer-support/${id}/update`, 'change[a]=1')).json).toEqual(failureCode(253));
    expect((await post(`/customer-support/${id}/stop`, '')).json).toEqual(failureCode(253));
    // After the stop the externalId is free again.
    expect((await post('/customer-support', SPEC_CREATE)).json.statusCode).toBe(0);
  });

  it('get, update and stop by externalId', async () => {
    const ext = fresh('ext');
    const id: string = (await post('/svc-a', `externalId=${ext}&userData[a]=1`)).json.interactionId;
    const got = await post(`/svc-a/${ext}/get`, 'searchByExternalId=true');
    expect(got.status).toBe(200);
    expect(got.json.interactionProperties.interactionId).toBe(id);
    expect(got.json.interactionProperties.interactionUserData).toContainEqual({ key: 'ExternalId', type: 'str', value: ext });
    expect((await post(`/svc-a/${ext}/update`, 'searchByExternalId=true&change[b]=2')).json).toEqual({ statusCode: 0 });
    expect((await post(`/svc-a/${ext}/stop`, 'searchByExternalId=true&reasonSystemName=Cancel')).json).toEqual({ statusCode: 0 });
    // Without the flag the externalId is looked up as an interaction id.
    expect((await post(`/svc-a/${ext}/get`, '')).json).toEqual(failure(248, `Specified interaction Id[${ext}] was not found`));
  });

  it('renders nested brackets as kvlists', async () => {
    const id: string = (await post('/svc-a', 'userData[addr][city]=Paris&userData[addr][geo][lat]=48')).json.interactionId;
    const ud = (await post(`/svc-a/${id}/get`)).json.interactionProperties.interactionUserData;
    expect(ud).toContainEqual({
      key: 'addr',
      type: 'kvlist',
      value: [
        { key: 'city', type: 'str', value: 'Paris' },
        { key: 'geo', type: 'kvlist', value: [{ key: 'lat', type: 'str', value: '48' }] },
      ],
    });
  });

  it('duplicate externalId (another create with it) → 200, code 250; the same create again → its id', async () => {
    const ext = fresh('dup');
    const first = await post('/svc-a', `externalId=${ext}&userData%5Bk%5D=1`);
    expect(first.json.statusCode).toBe(0);
    const dup = await post('/svc-a', `externalId=${ext}&userData%5Bk%5D=2`);
    expect(dup.status).toBe(200);
    expect(dup.json).toEqual(failureCode(250));
    expect((await post('/svc-a', `externalId=${ext}&userData%5Bk%5D=1`)).json).toEqual(first.json);
  });

  it('not found → 200, code 248 naming the id', async () => {
    const res = await post('/customer-support/01QG0Q2S5S50G000/get');
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"statusCode":2,"errors":[{"code":248,"advice":"Specified interaction Id[01QG0Q2S5S50G000] was not found"}]}');
    // The spec's update and stop pages word the same code differently from its get page.
    expect((await post('/customer-support/01QG0Q2S5S50G000/update', 'change[a]=1')).json).toEqual(
      failure(248, 'Interaction with specified id[01QG0Q2S5S50G000] was not found'),
    );
    expect((await post('/customer-support/01QG0Q2S5S50G000/stop')).json).toEqual(failure(248, 'Interaction with specified id[01QG0Q2S5S50G000] was not found'));
  });

  it('update with neither change nor delete → 400, code 200', async () => {
    const id: string = (await post('/svc-a', 'userData[a]=1')).json.interactionId;
    const res = await post(`/svc-a/${id}/update`, 'searchByExternalId=false');
    expect(res.status).toBe(400);
    expect(res.json).toEqual(failureCode(200));
    await stillServes();
  });

  it('wrong or missing content type → 400; an empty body needs none', async () => {
    const json = await post('/svc-a', '{"externalId":"x"}', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(json.json).toEqual(failureCode(200));
    expect((await post('/svc-a', 'externalId=x', { 'content-type': 'text/plain' })).status).toBe(400);
    expect((await post('/svc-a', 'userData[a]=1', { 'content-type': `${FORM}; charset=UTF-8` })).json.statusCode).toBe(0);
    expect((await post('/svc-a', '', { 'content-type': 'application/json' })).json.statusCode).toBe(0);
    await stillServes();
  });

  it('malformed percent-encoding → 400, code 200', async () => {
    for (const body of ['userData[a]=%ZZ', 'userData%ZZ=1', 'externalId=%E0%A4%A']) {
      const res = await post('/svc-a', body);
      expect(res.status).toBe(400);
      expect(res.json).toEqual(failureCode(200));
    }
    await stillServes();
  });

  it('wrong parameter shapes → 400 naming the parameter', async () => {
    const res = await post('/svc-a', 'externalId[x]=1');
    expect(res.status).toBe(400);
    expect(res.json.errors[0].advice).toMatch(/externalId/);
    expect((await post('/svc-a/x/get', 'searchByExternalId=yes')).status).toBe(400);
    expect((await post('/svc-a', 'userData[a][b][c][d][e][f]=1')).status).toBe(400);
    await stillServes();
  });

  it('body over server.bodyLimit → 413; more than 1000 fields → 413', async () => {
    const big = await post('/svc-a', `userData[a]=${'x'.repeat(5000)}`);
    expect(big.status).toBe(413);
    expect(big.json).toEqual(failureCode(200));
    await stillServes();

    const fields = Array.from({ length: 1001 }, (_, i) => `userData[${i}]=`).join('&');
    const many = await startGateway({ server: { bodyLimit: '1mb' } });
    try {
      const res = await fetch(`${many.url}${BASE}/svc-a`, { method: 'POST', headers: { 'content-type': FORM }, body: fields });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual(failureCode(200));
      const exactly = Array.from({ length: 1000 }, (_, i) => `userData[k${i}]=v`).join('&');
      const ok = await fetch(`${many.url}${BASE}/svc-a`, { method: 'POST', headers: { 'content-type': FORM }, body: exactly });
      expect(((await ok.json()) as { statusCode: number }).statusCode).toBe(0);
    } finally {
      await many.close();
    }
  });

  it('prototype keys are refused and pollute nothing', async () => {
    for (const body of ['userData[__proto__][x]=1', 'userData[constructor][prototype][x]=1', '__proto__[x]=1', 'change[__proto__]=1']) {
      const res = await post('/svc-a', body);
      expect(res.status).toBe(400);
      expect(res.json).toEqual(failureCode(200));
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    await stillServes();
  });

  it('checks ids in the path, and refuses other methods', async () => {
    expect((await post('/', 'userData[a]=1')).status).toBe(400);
    expect((await post('/svc-a/a%2Fb/get')).status).toBe(400);
    expect(await rawStatus(gw.url, '/svc-a/%2E%2E/get')).toBe(400);
    expect(await rawStatus(gw.url, '/svc-a/a%5Cb/get')).toBe(400);
    expect(await rawStatus(gw.url, '/svc-a/a%00b/get')).toBe(400);
    expect((await post('/svc-a/%ZZ/get')).json).toEqual(failureCode(200));
    expect((await post('/svc-a', '', {}, 'GET')).status).toBe(405);
    expect((await post('/svc-a/x/unknown')).status).toBe(404);
    await stillServes();
  });
});

describe('gms routing and service options', () => {
  it('unrouted service → HTTP 404, code 252', async () => {
    const gw = await startGateway({ backends: { sim: { driver: 'memory' } }, routes: [{ service: 'only-*', backend: 'sim' }] });
    const post = client(() => gw);
    try {
      const res = await post('/customer-support', 'userData[a]=1');
      expect(res.status).toBe(404);
      expect(res.json).toEqual(failureCode(252));
      expect((await post('/customer-support/abc/get')).status).toBe(404);
      expect((await post('/only-this', 'userData[a]=1')).json.statusCode).toBe(0);
    } finally {
      await gw.close();
    }
  });

  it.each([
    [false, 'workitem'],
    [true, 'chat'],
  ])('allowOverwrite %s → mediaType %s', async (allowOverwrite, expected) => {
    const gw = await startGateway({
      services: { 'customer-support': { interactionType: 'Inbound', mediaType: 'workitem', allowOverwrite } },
    });
    const post = client(() => gw);
    try {
      const id: string = (await post('/customer-support', 'mediaType=chat&interactionType=Outbound&interactionSubType=Sub')).json.interactionId;
      const props = (await post(`/customer-support/${id}/get`)).json.interactionProperties;
      expect(props.interactionMediatype).toBe(expected);
      expect(props.interactionType).toBe(allowOverwrite ? 'Outbound' : 'Inbound');
      // A field the service leaves unset takes the request's value either way.
      expect(props.interactionSubtype).toBe('Sub');
    } finally {
      await gw.close();
    }
  });
});

describe('gms Basic auth', () => {
  let gw: TestGateway;
  const post = client(() => gw);
  const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;
  beforeAll(async () => {
    gw = await startGateway({ inbound: { gms: { basicAuth: { users: { legacy: 's3cret' } } } } });
  });
  afterAll(() => gw.close());

  it.each([
    ['missing', {}],
    ['wrong password', { authorization: basic('legacy:nope') }],
    ['unknown user', { authorization: basic('other:s3cret') }],
    ['not Basic', { authorization: 'Bearer s3cret' }],
  ])('%s → 401 with a Basic challenge', async (_what, auth) => {
    const res = await post('/svc-a', 'userData[a]=1', { 'content-type': FORM, ...auth });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="gms"');
    expect(res.json.statusCode).toBe(2);
    expect(res.text).not.toMatch(/s3cret/);
  });

  it('right credentials → 200; gms_user is no credential', async () => {
    const ok = await post('/svc-a', 'userData[a]=1', { 'content-type': FORM, authorization: basic('legacy:s3cret'), gms_user: 'agent7' });
    expect(ok.status).toBe(200);
    expect(ok.json.statusCode).toBe(0);
    expect((await post('/svc-a', 'userData[a]=1', { 'content-type': FORM, gms_user: 'legacy' })).status).toBe(401);
  });
});
