import { FakeUpstream, forwardTo, heldBack } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';

/**
 * Idempotent writes over real HTTP (DESIGN §7; IETF draft-ietf-httpapi-idempotency-key-header-07): a create with an
 * externalId, or any write with an Idempotency-Key, is answered from its first run on retry, in each dialect's
 * form; the upstream (a recorder relaying to a back gateway over memory) sees it once.
 */

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, any>;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, any> };
}

const gms = (g: TestGateway, path: string, body: string, headers: Record<string, string> = {}) =>
  call(`${g.url}/genesys/2/openmedia${path}`, { method: 'POST', headers: { ...FORM, ...headers }, body });

const nexus = (g: TestGateway, path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(`${g.url}/nexus/v3/openmedia${path}`, {
    method: 'POST',
    headers: { 'x-api-key': 'client-a', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

let n = 0;
const unique = (what: string) => `${what}-${Date.now().toString(36)}-${(n += 1)}`;

/** Waits (bounded) until `check` holds: for a request to have reached the upstream, not as an assertion on time. */
async function until(check: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline && !check(); ) await sleep(10);
  expect(check()).toBe(true);
}

describe('idempotent writes through a gateway in front of an upstream', () => {
  let back: TestGateway;
  const upstream = new FakeUpstream(forwardTo(() => back.url));
  let nexusFront: TestGateway;
  let gmsFront: TestGateway;
  let impatient: TestGateway;

  const upstreamCreates = () => upstream.recorded.filter((r) => r.method === 'POST' && (/\/interactions$/.test(r.path) || /\/openmedia\/[^/]+$/.test(r.path)));

  beforeAll(async () => {
    // The back plays a plain upstream: its own records lapse at once.
    back = await startGateway({ idempotency: { ttlMs: 1 } });
    await upstream.start();
    const backends = {
      cloud: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', breakerThreshold: 1000 },
      legacy: { driver: 'gms', baseUrl: `${upstream.url}/genesys/2/openmedia`, breakerThreshold: 1000 },
    };
    const routes = [
      { service: 'legacy-*', backend: 'legacy' },
      { service: '*', backend: 'cloud' },
    ];
    const apiKeys = { 'client-a': { services: ['*'] }, 'client-b': { services: ['*'] } };
    // Retries wait for the first try (long enough for a loaded machine) and replay it.
    const idempotency = { waitMs: 10_000 };
    nexusFront = await startGateway({ inbound: { nexus: { apiKeys } }, backends, routes, idempotency });
    gmsFront = await startGateway({ backends, routes, idempotency });
    // Answers "in progress" at once instead of waiting for the first try.
    impatient = await startGateway({ inbound: { nexus: { apiKeys } }, backends, routes, idempotency: { waitMs: 0 } });
  });
  afterAll(async () => {
    await Promise.all([nexusFront, gmsFront, impatient].map((g) => g?.close()));
    await upstream.close();
    await back?.close();
  });
  beforeEach(() => upstream.answer());

  describe('ten identical creates sent at once reach the upstream once, and all ten get its id', () => {
    it('GMS, with an externalId (no key needed)', async () => {
      const service = unique('legacy-ten');
      const body = `externalId=${unique('ext')}&userData%5Bk%5D=v`;
      const answers = await Promise.all(Array.from({ length: 10 }, () => gms(gmsFront, `/${service}`, body)));
      expect(upstreamCreates()).toHaveLength(1);
      const ids = new Set(answers.map((a) => a.json.interactionId));
      expect(ids.size).toBe(1);
      for (const a of answers) expect(a).toMatchObject({ status: 200, json: { statusCode: 0 } });
    });

    it('Nexus, with an Idempotency-Key and no externalId', async () => {
      const service = unique('ten');
      const key = unique('key');
      const answers = await Promise.all(Array.from({ length: 10 }, () => nexus(nexusFront, `/${service}/interactions`, { userData: { k: 'v' } }, { 'idempotency-key': key })));
      expect(upstreamCreates()).toHaveLength(1);
      expect(new Set(answers.map((a) => a.json.data?.id)).size).toBe(1);
      for (const a of answers) expect(a.status).toBe(200);
    });
  });

  describe('a retry while the first is still running: "in progress, try again" in the dialect\'s form', () => {
    it('Nexus: 409 with Retry-After; once the first ends, the retry is answered its result', async () => {
      const service = unique('busy');
      const key = unique('key');
      // The first try's answer is held until the retry has been answered: the two overlap however slow the machine.
      const firstAnswer = heldBack(forwardTo(() => back.url));
      upstream.answer(firstAnswer.handler);
      const first = nexus(impatient, `/${service}/interactions`, { userData: { k: 'v' } }, { 'idempotency-key': key });
      await until(() => upstreamCreates().length === 1);
      const retry = await nexus(impatient, `/${service}/interactions`, { userData: { k: 'v' } }, { 'idempotency-key': key });
      firstAnswer.release();
      expect(retry.status).toBe(409);
      expect(retry.json).toEqual({ status: { code: 409, message: expect.stringContaining('in progress') } });
      expect(retry.headers.get('retry-after')).toBe('1');
      const done = await first;
      expect(done.status).toBe(200);
      const later = await nexus(impatient, `/${service}/interactions`, { userData: { k: 'v' } }, { 'idempotency-key': key });
      expect(later).toMatchObject({ status: 200, json: { data: { id: done.json.data.id } } });
      expect(upstreamCreates()).toHaveLength(1);
    });

    it('GMS: statusCode 1', async () => {
      const service = unique('legacy-busy');
      const body = `externalId=${unique('ext')}`;
      const gmsImpatient = impatient;
      const firstAnswer = heldBack(forwardTo(() => back.url));
      upstream.answer(firstAnswer.handler);
      const first = gms(gmsImpatient, `/${service}`, body);
      await until(() => upstreamCreates().length === 1);
      const retry = gms(gmsImpatient, `/${service}`, body);
      expect(await retry.finally(firstAnswer.release)).toMatchObject({ status: 200, json: { statusCode: 1 } });
      const done = await first;
      expect(await gms(gmsImpatient, `/${service}`, body)).toMatchObject({ status: 200, json: { statusCode: 0, interactionId: done.json.interactionId } });
    });
  });

  describe('the same Idempotency-Key with a different payload → 422', () => {
    it('Nexus: its 422 envelope, and the upstream is not called', async () => {
      const service = unique('reuse');
      const key = unique('key');
      expect((await nexus(nexusFront, `/${service}/interactions`, { userData: { k: 'v' } }, { 'idempotency-key': key })).status).toBe(200);
      const other = await nexus(nexusFront, `/${service}/interactions`, { userData: { k: 'other' } }, { 'idempotency-key': key });
      expect(other).toMatchObject({ status: 422, json: { status: { code: 422, message: 'This Idempotency-Key was already used for a different request' } } });
      expect(upstreamCreates()).toHaveLength(1);
    });

    it('GMS: HTTP 422 with its statusCode 2 form (code 200, invalid parameters)', async () => {
      const service = unique('legacy-reuse');
      const key = unique('key');
      expect((await gms(gmsFront, `/${service}`, 'userData%5Bk%5D=v', { 'idempotency-key': key })).json.statusCode).toBe(0);
      const other = await gms(gmsFront, `/${service}`, 'userData%5Bk%5D=w', { 'idempotency-key': key });
      expect(other).toMatchObject({ status: 422, json: { statusCode: 2, errors: [{ code: 200, advice: 'This Idempotency-Key was already used for a different request' }] } });
    });
  });

  it('keys are per client: another API key with the same Idempotency-Key gets its own interaction', async () => {
    const service = unique('scoped');
    const key = unique('key');
    const a = await nexus(nexusFront, `/${service}/interactions`, { userData: { k: 'v' } }, { 'idempotency-key': key });
    const b = await nexus(nexusFront, `/${service}/interactions`, { userData: { k: 'v' } }, { 'idempotency-key': key, 'x-api-key': 'client-b' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.json.data.id).not.toBe(a.json.data.id);
    expect(upstreamCreates()).toHaveLength(2);
  });

  it('a stop retried with its Idempotency-Key is answered from the first, not refused as already stopped', async () => {
    const service = unique('stop');
    const id = (await nexus(nexusFront, `/${service}/interactions`, { userData: {} })).json.data.id as string;
    const key = unique('key');
    const stop = () => nexus(nexusFront, `/${service}/interactions/${id}/stop`, { reasonSystemName: 'done' }, { 'idempotency-key': key });
    expect((await stop()).status).toBe(200);
    expect((await stop()).status).toBe(200);
    expect(upstream.recorded.filter((r) => r.path.endsWith('/stop'))).toHaveLength(1);
    // Without the key, a second stop is what it is: a conflict.
    expect((await nexus(nexusFront, `/${service}/interactions/${id}/stop`, {})).status).toBe(409);
  });
});

describe('externalId creates on the memory backend (DESIGN §4, §7)', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startGateway();
  });
  afterAll(() => g.close());

  it('the same create again is answered with the same id; another with that externalId is a duplicate (250)', async () => {
    const ext = unique('ext');
    const first = await gms(g, '/svc', `externalId=${ext}&userData%5Bk%5D=v`);
    expect(first.json.statusCode).toBe(0);
    expect(await gms(g, '/svc', `externalId=${ext}&userData%5Bk%5D=v`)).toEqual(expect.objectContaining({ status: 200, json: first.json }));
    expect(await gms(g, '/svc', `externalId=${ext}&userData%5Bk%5D=other`)).toMatchObject({ status: 200, json: { statusCode: 2, errors: [{ code: 250 }] } });
  });

  it('once the interaction is stopped, the same create makes a new interaction', async () => {
    const ext = unique('ext');
    const first = (await gms(g, '/svc', `externalId=${ext}`)).json.interactionId as string;
    expect((await gms(g, `/svc/${first}/stop`, '')).json).toEqual({ statusCode: 0 });
    const again = await gms(g, '/svc', `externalId=${ext}`);
    expect(again.json.statusCode).toBe(0);
    expect(again.json.interactionId).not.toBe(first);
  });
});

describe('records expire after idempotency.ttlMs', () => {
  let g: TestGateway;
  beforeAll(async () => {
    // Long enough that two calls in a row fit in it on a loaded machine.
    g = await startGateway({ idempotency: { ttlMs: 3000 } });
  });
  afterAll(() => g.close());

  it('the same key after its record expired is a new request', async () => {
    const key = unique('key');
    const create = () => nexus(g, '/svc/interactions', { userData: { k: 'v' } }, { 'idempotency-key': key });
    const first = (await create()).json.data.id;
    expect((await create()).json.data.id).toBe(first);
    await sleep(3100);
    const later = await create();
    expect(later.status).toBe(200);
    expect(later.json.data.id).not.toBe(first);
  });
});
