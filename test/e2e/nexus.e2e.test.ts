import { request as httpRequest } from 'node:http';
import { startGateway, type TestGateway } from '../support/gateway';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** node:http rather than fetch: fetch would normalise `..` out of a path before it ever left the process. */
function call(base: string, method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          /* not JSON: kept as text */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const BASE = '/nexus/v3/openmedia';
const KEY = { 'x-api-key': 'any-key' };
const JSON_HEADERS = { ...KEY, 'content-type': 'application/json' };

function nexus(gw: TestGateway) {
  const post = (path: string, body?: unknown, headers: Record<string, string> = JSON_HEADERS) =>
    call(gw.url, 'POST', BASE + path, { headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const get = (path: string, headers: Record<string, string> = KEY) => call(gw.url, 'GET', BASE + path, { headers });
  return { post, get };
}

const errorBody = (code: number) => ({ status: { code, message: expect.any(String) } });

describe('nexus v3 over HTTP (memory backend)', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof nexus>;
  beforeAll(async () => {
    gw = await startGateway();
    api = nexus(gw);
  });
  afterAll(() => gw.close());

  describe('create and get', () => {
    it('creates from a flat body and reads it back by id and by ext_', async () => {
      const created = await api.post('/chat/interactions', {
        externalId: 'flat-1',
        userData: { OrderNumber: 'ABC123', Count: 3, Vip: true, Address: { City: 'Paris' } },
        unknownField: 'ignored',
      });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({ status: { code: 0 }, data: { id: expect.any(String), externalId: 'flat-1' } });
      const id: string = created.body.data.id;

      const byId = await api.get(`/chat/interactions/${id}`);
      expect(byId.status).toBe(200);
      expect(byId.body.status).toEqual({ code: 0 });
      expect(byId.body.data).toMatchObject({
        id,
        externalId: 'flat-1',
        service: 'chat',
        state: expect.any(String),
        type: expect.any(String),
        subtype: expect.any(String),
        mediaType: expect.any(String),
        receivedAt: expect.any(String),
        submittedAt: expect.any(String),
        userData: { OrderNumber: 'ABC123', Count: 3, Vip: 'true', Address: { City: 'Paris' } },
      });
      expect(byId.body.data.stoppedAt).toBeUndefined();

      const byExt = await api.get('/chat/interactions/ext_flat-1');
      expect(byExt.status).toBe(200);
      expect(byExt.body.data).toEqual(byId.body.data);
    });

    it('creates from a body wrapped in data, and from an empty body', async () => {
      const wrapped = await api.post('/chat/interactions', {
        data: { externalId: 'wrapped-1', parentInteractionId: 'P-1', receivedAt: '2024-05-01T10:00:00Z', userData: { A: 'x' } },
      });
      expect(wrapped.status).toBe(200);
      expect(wrapped.body.data.externalId).toBe('wrapped-1');
      const read = await api.get('/chat/interactions/ext_wrapped-1');
      expect(read.body.data).toMatchObject({ parentInteractionId: 'P-1', receivedAt: '2024-05-01T10:00:00.000Z', userData: { A: 'x' } });

      const empty = await api.post('/chat/interactions', undefined, KEY);
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ status: { code: 0 }, data: { id: expect.any(String) } });
    });

    it('answers 409 for an externalId already in use, and accepts it again once stopped', async () => {
      expect((await api.post('/chat/interactions', { externalId: 'dup-1' })).status).toBe(200);
      const dup = await api.post('/chat/interactions', { externalId: 'dup-1', userData: { other: 'x' } });
      expect(dup.status).toBe(409);
      expect(dup.body).toEqual(errorBody(409));
      expect((await api.post('/chat/interactions/ext_dup-1/stop', {})).status).toBe(200);
      expect((await api.post('/chat/interactions', { externalId: 'dup-1' })).status).toBe(200);
    });

    it('answers 404 for an unknown id or externalId', async () => {
      for (const path of ['/chat/interactions/NOSUCHID', '/chat/interactions/ext_nosuch']) {
        const res = await api.get(path);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(errorBody(404));
      }
      expect((await api.post('/chat/interactions/NOSUCHID/update', { deletedProperties: ['a'] })).status).toBe(404);
      expect((await api.post('/chat/interactions/ext_nosuch/stop', {})).status).toBe(404);
    });
  });

  describe('update and stop', () => {
    it('updates by id (flat) and by ext_ (wrapped): replace, add, delete', async () => {
      const created = await api.post('/chat/interactions', { externalId: 'upd-1', userData: { Keep: 'k', Change: 'old', Drop: 'd' } });
      const id: string = created.body.data.id;

      const flat = await api.post(`/chat/interactions/${id}/update`, {
        changedProperties: { Change: 'new' },
        addedProperties: { Added: 42 },
        deletedProperties: ['Drop'],
      });
      expect(flat.status).toBe(200);
      expect(flat.body).toEqual({ status: { code: 0 } });

      const wrapped = await api.post('/chat/interactions/ext_upd-1/update', { data: { addedProperties: { Nested: { a: 1 } } } });
      expect(wrapped.status).toBe(200);
      expect(wrapped.body).toEqual({ status: { code: 0 } });

      const read = await api.get(`/chat/interactions/${id}`);
      expect(read.body.data.userData).toEqual({ Keep: 'k', Change: 'new', Added: 42, Nested: { a: 1 } });
    });

    it('stops by id and by ext_ (flat, wrapped, empty body); the interaction stays readable; 409 afterwards', async () => {
      const a = (await api.post('/chat/interactions', { externalId: 'stop-a' })).body.data.id as string;
      await api.post('/chat/interactions', { externalId: 'stop-b' });
      const c = (await api.post('/chat/interactions', {})).body.data.id as string;

      const byId = await api.post(`/chat/interactions/${a}/stop`, { reasonSystemName: 'Done', reasonDescription: 'Order complete' });
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual({ status: { code: 0 } });
      expect((await api.post('/chat/interactions/ext_stop-b/stop', { data: { reasonSystemName: 'Cancelled' } })).status).toBe(200);
      expect((await api.post(`/chat/interactions/${c}/stop`, undefined, KEY)).status).toBe(200);

      const read = await api.get(`/chat/interactions/${a}`);
      expect(read.status).toBe(200);
      expect(read.body.data).toMatchObject({ state: 'stopped', stoppedAt: expect.any(String), stopReason: { systemName: 'Done', description: 'Order complete' } });

      const update = await api.post(`/chat/interactions/${a}/update`, { changedProperties: { x: 'y' } });
      expect(update.status).toBe(409);
      expect(update.body).toEqual(errorBody(409));
      expect((await api.post(`/chat/interactions/${a}/stop`, {})).status).toBe(409);
    });
  });

  describe('bad input', () => {
    let id: string;
    beforeAll(async () => {
      id = (await api.post('/chat/interactions', {})).body.data.id;
    });

    it.each([
      ['malformed JSON', '{"externalId":', JSON_HEADERS],
      ['a form content type', 'externalId=x', { ...KEY, 'content-type': 'application/x-www-form-urlencoded' }],
      ['no content type', '{}', KEY],
      ['a wrong type', { externalId: 12 }, JSON_HEADERS],
      ['a wrong type inside data', { data: { userData: 'x' } }, JSON_HEADERS],
      ['a JSON array', [], JSON_HEADERS],
      ['a null user-data value', { userData: { Order: null } }, JSON_HEADERS],
      ['an array user-data value', { userData: { Order: [1] } }, JSON_HEADERS],
    ])('rejects a create with %s (400)', async (_name, body, headers) => {
      const res = await api.post('/chat/interactions', body, headers as Record<string, string>);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorBody(400));
    });

    it('names the field or key that is wrong', async () => {
      expect((await api.post('/chat/interactions', { parentInteractionId: 5 })).body.status.message).toContain('parentInteractionId');
      expect((await api.post('/chat/interactions', { userData: { OrderNumber: null } })).body.status.message).toContain('OrderNumber');
    });

    it('rejects an update with no change (400): empty body, {} and empty parts', async () => {
      for (const body of [undefined, {}, { changedProperties: {}, addedProperties: {}, deletedProperties: [] }, { data: {} }]) {
        const res = await api.post(`/chat/interactions/${id}/update`, body, body === undefined ? KEY : JSON_HEADERS);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(errorBody(400));
      }
      expect((await api.post(`/chat/interactions/${id}/update`, { deletedProperties: 'a' })).status).toBe(400);
    });

    it('rejects __proto__ user data and keeps serving', async () => {
      const res = await api.post('/chat/interactions', '{"userData":{"__proto__":{"x":1}}}');
      expect(res.status).toBe(400);
      expect(res.body.status.message).toContain('__proto__');
      const update = await api.post(`/chat/interactions/${id}/update`, '{"addedProperties":{"constructor":{"prototype":{"x":1}}}}');
      expect(update.status).toBe(400);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect((await api.get(`/chat/interactions/${id}`)).status).toBe(200);
    });

    it.each(['..', '%2E%2E', '.', 'a%2Fb', 'a%5Cb', '%ZZ', 'a%00b', 'ext_', 'ext_..'])('rejects the id %s (400)', async (bad) => {
      for (const res of [
        await api.get(`/chat/interactions/${bad}`),
        await api.post(`/chat/interactions/${bad}/update`, { deletedProperties: ['a'] }),
        await api.post(`/chat/interactions/${bad}/stop`, {}),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body).toEqual(errorBody(400));
      }
    });

    it('rejects a bad service name (400)', async () => {
      expect((await api.post('/..%2F/interactions', {})).status).toBe(400);
      expect((await api.post('/a%2Fb/interactions', {})).status).toBe(400);
    });

    it('answers 413 for a body over the limit and for more than 1000 keys', async () => {
      const big = await api.post('/chat/interactions', { userData: { big: 'x'.repeat(1024 * 1024 + 10) } });
      expect(big.status).toBe(413);
      expect(big.body).toEqual(errorBody(413));

      const userData: Record<string, string> = {};
      for (let i = 0; i < 1001; i++) userData[`k${i}`] = 'v';
      const many = await api.post('/chat/interactions', { userData });
      expect(many.status).toBe(413);
      expect(many.body).toEqual(errorBody(413));
      expect((await api.get(`/chat/interactions/${id}`)).status).toBe(200);
    });

    it('answers 405 in its own form for a method the path does not take', async () => {
      const res = await call(gw.url, 'DELETE', `${BASE}/chat/interactions/${id}`, { headers: KEY });
      expect(res.status).toBe(405);
      expect(res.body).toEqual(errorBody(405));
    });
  });

  describe('x-api-key and X-B3-TraceId', () => {
    it('requires a non-empty x-api-key on every call (401)', async () => {
      const id = (await api.post('/chat/interactions', {})).body.data.id as string;
      for (const res of [
        await api.post('/chat/interactions', {}, { 'content-type': 'application/json' }),
        await api.get(`/chat/interactions/${id}`, {}),
        await api.get(`/chat/interactions/${id}`, { 'x-api-key': '' }),
        await api.post(`/chat/interactions/${id}/update`, { deletedProperties: ['a'] }, { 'content-type': 'application/json' }),
        await api.post(`/chat/interactions/${id}/stop`, {}, { 'content-type': 'application/json' }),
      ]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(errorBody(401));
      }
    });

    it('echoes a valid X-B3-TraceId, and generates one otherwise, on success and on errors', async () => {
      const given = '463ac35c9f6413ad48485a3953bb6124';
      const echoed = await api.post('/chat/interactions', {}, { ...JSON_HEADERS, 'X-B3-TraceId': given });
      expect(echoed.headers['x-b3-traceid']).toBe(given);
      const short = await api.get('/chat/interactions/NOSUCHID', { ...KEY, 'X-B3-TraceId': 'a3953bb6124463ac' });
      expect(short.status).toBe(404);
      expect(short.headers['x-b3-traceid']).toBe('a3953bb6124463ac');

      for (const res of [
        await api.post('/chat/interactions', {}),
        await api.post('/chat/interactions', {}, { ...JSON_HEADERS, 'X-B3-TraceId': 'not-hex!' }),
        await api.get('/chat/interactions/..'),
        await api.get('/chat/interactions/x', {}),
      ]) {
        expect(res.headers['x-b3-traceid']).toMatch(/^[0-9a-f]{16}$/);
      }
    });
  });
});

describe('nexus with apiKeys and routes configured', () => {
  let gw: TestGateway;
  let api: ReturnType<typeof nexus>;
  beforeAll(async () => {
    gw = await startGateway({
      inbound: { nexus: { apiKeys: { k1: { services: ['customer-*'] }, k2: {} } } },
      routes: [{ service: 'customer-*', backend: 'sim' }, { service: 'open', backend: 'sim' }],
    });
    api = nexus(gw);
  });
  afterAll(() => gw.close());

  const as = (key: string) => ({ 'content-type': 'application/json', 'x-api-key': key });

  it('accepts a key for its services', async () => {
    const res = await api.post('/customer-support/interactions', { externalId: 'k-1' }, as('k1'));
    expect(res.status).toBe(200);
    expect((await api.get('/customer-support/interactions/ext_k-1', { 'x-api-key': 'k2' })).status).toBe(200);
  });

  it('answers 401 for a missing or unknown key and 403 for a service outside its scope', async () => {
    expect((await api.post('/customer-support/interactions', {}, { 'content-type': 'application/json' })).status).toBe(401);
    const unknown = await api.post('/customer-support/interactions', {}, as('k3'));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(errorBody(401));
    const forbidden = await api.post('/open/interactions', {}, as('k1'));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual(errorBody(403));
    expect((await api.get('/open/interactions/x', { 'x-api-key': 'k1' })).status).toBe(403);
    expect((await api.post('/open/interactions', {}, as('k2'))).status).toBe(200);
  });

  it('answers 404 for a service no route matches', async () => {
    const res = await api.post('/sales/interactions', {}, as('k2'));
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorBody(404));
  });
});

describe('one interaction through GMS and Nexus on one gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const gmsUserData = (body: any): Record<string, unknown> =>
    Object.fromEntries((body.interactionProperties.interactionUserData as { key: string; value: unknown }[]).map((e) => [e.key, e.value]));

  it('creates through GMS, then gets, updates and stops through Nexus, and reads back through GMS', async () => {
    const created = await call(gw.url, 'POST', '/genesys/2/openmedia/orders', { headers: form, body: 'externalId=cross-1&userData%5BOrderNumber%5D=ABC' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ statusCode: 0, interactionId: expect.any(String) });
    const id: string = created.body.interactionId;
    const api = nexus(gw);

    const byId = await api.get(`/orders/interactions/${id}`);
    expect(byId.status).toBe(200);
    expect(byId.body.data).toMatchObject({ id, externalId: 'cross-1', service: 'orders', userData: { OrderNumber: 'ABC' } });
    expect((await api.get('/orders/interactions/ext_cross-1')).body.data.id).toBe(id);

    expect((await api.post(`/orders/interactions/${id}/update`, { changedProperties: { OrderNumber: 'DEF' }, addedProperties: { Priority: 5 } })).status).toBe(200);
    expect((await api.post('/orders/interactions/ext_cross-1/update', { data: { deletedProperties: ['Priority'], addedProperties: { Channel: 'web' } } })).status).toBe(200);

    const read = await call(gw.url, 'POST', `/genesys/2/openmedia/orders/${id}/get`, { headers: form, body: '' });
    expect(read.status).toBe(200);
    expect(read.body.statusCode).toBe(0);
    expect(gmsUserData(read.body)).toMatchObject({ OrderNumber: 'DEF', Channel: 'web' });
    expect(gmsUserData(read.body)).not.toHaveProperty('Priority');

    expect((await api.post('/orders/interactions/ext_cross-1/stop', { reasonSystemName: 'Done' })).status).toBe(200);
    const stopped = await call(gw.url, 'POST', '/genesys/2/openmedia/orders/cross-1/get', { headers: form, body: 'searchByExternalId=true' });
    expect(stopped.body).toMatchObject({ statusCode: 0, interactionProperties: { interactionId: id, interactionState: 'Stopped' } });
    expect((await api.get(`/orders/interactions/${id}`)).body.data.state).toBe('stopped');
  });
});
