import { countingNexusRelay, FakeUpstream } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';

/**
 * The outbox over real HTTP (DESIGN §7, `backends.<n>.outbox: true`): a front gateway whose backend's upstream is
 * down (503: nothing applied) queues keyed creates and answers them as accepted under a reserved id; when the
 * upstream (a recorder relaying to a back gateway over memory) is back, the worker delivers each exactly once,
 * and the reserved id works as an alias of the upstream's.
 */

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  json: Record<string, any>;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

const nexusPost = (g: TestGateway, path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(`${g.url}/nexus/v3/openmedia${path}`, {
    method: 'POST',
    headers: { 'x-api-key': 'client', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const nexusGet = (g: TestGateway, path: string) => call(`${g.url}/nexus/v3/openmedia${path}`, { headers: { 'x-api-key': 'client' } });

/** Polls (bounded) until `check` holds; the wait is for the worker, not an assertion on time. */
async function eventually(check: () => Promise<boolean>, tries = 300): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (await check()) return;
    await sleep(50);
  }
  expect(await check()).toBe(true);
}

let n = 0;
const unique = (what: string) => `${what}-${Date.now().toString(36)}-${(n += 1)}`;

describe('outbox: creates accepted while the upstream is down, delivered once when it is back', () => {
  let back: TestGateway;
  let front: TestGateway | undefined;
  /** The upstream's successful creates, by the externalId they carried: the proof of "exactly once". */
  const { handler: up, applied, order: appliedOrder } = countingNexusRelay(() => back.url);
  const down = { status: 503, json: { status: { code: 503, message: 'maintenance' } } };
  const upstream = new FakeUpstream(up);

  beforeAll(async () => {
    // The back plays a plain upstream: its own records lapse at once.
    back = await startGateway({ idempotency: { ttlMs: 1 } });
    await upstream.start();
  });
  afterEach(async () => {
    await front?.close();
    front = undefined;
  });
  afterAll(async () => {
    await upstream.close();
    await back.close();
  });

  async function gateway(outbox: Record<string, unknown> = {}): Promise<TestGateway> {
    front = await startGateway({
      backends: { cloud: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', outbox: true, retries: 0, breakerThreshold: 1000, timeoutMs: 2000 } },
      outbox: { retryMs: 50, maxRetryMs: 200, ...outbox },
    });
    return front;
  }

  it('a create is answered 202 with a reserved id; get shows it queued, update says try again; after delivery the id is an alias', async () => {
    const g = await gateway();
    const service = unique('svc');
    const externalId = unique('ext');
    upstream.respond(down);
    const created = await nexusPost(g, `/${service}/interactions`, { externalId, userData: { k: 'v' } });
    expect(created.status).toBe(202);
    expect(created.json).toEqual({ status: { code: 0 }, data: { id: expect.stringMatching(/^omgw-q-/), externalId } });
    const reserved = created.json.data.id as string;

    const pending = await nexusGet(g, `/${service}/interactions/${reserved}`);
    expect(pending).toMatchObject({ status: 200, json: { data: { id: reserved, externalId, state: 'queued', userData: { k: 'v' } } } });
    expect((await nexusGet(g, `/${service}/interactions/ext_${externalId}`)).json.data.id).toBe(reserved);
    const update = await nexusPost(g, `/${service}/interactions/${reserved}/update`, { changedProperties: { k: 'w' } });
    expect(update.status).toBe(503);
    expect((await call(`${g.url}/readyz`)).json.backends.cloud).toMatchObject({ outbox: 1 });

    upstream.respond(up);
    await eventually(async () => (await nexusGet(back, `/${service}/interactions/ext_${externalId}`)).status === 200);
    const onBack = (await nexusGet(back, `/${service}/interactions/ext_${externalId}`)).json.data;
    expect(applied.get(externalId)).toBe(1);

    const got = await nexusGet(g, `/${service}/interactions/${reserved}`);
    expect(got).toMatchObject({ status: 200, json: { data: { id: onBack.id, externalId, state: 'queued' } } });
    expect((await nexusPost(g, `/${service}/interactions/${reserved}/stop`, {})).status).toBe(200);
    expect((await nexusGet(back, `/${service}/interactions/${onBack.id}`)).json.data.state).toBe('stopped');
  });

  it('GMS: statusCode 0 with the reserved id, for a create with an Idempotency-Key and no externalId', async () => {
    const g = await gateway();
    const service = unique('svc');
    upstream.respond(down);
    const created = await call(`${g.url}/genesys/2/openmedia/${service}`, { method: 'POST', headers: { ...FORM, 'idempotency-key': unique('key') }, body: 'userData%5Bk%5D=v' });
    expect(created).toMatchObject({ status: 200, json: { statusCode: 0, interactionId: expect.stringMatching(/^omgw-q-/) } });
    const reserved = created.json.interactionId as string;
    upstream.respond(up);
    await eventually(async () => {
      const got = await call(`${g.url}/genesys/2/openmedia/${service}/${reserved}/get`, { method: 'POST', headers: FORM, body: '' });
      return got.json.statusCode === 0 && !String(got.json.interactionProperties.interactionId).startsWith('omgw-q-');
    });
  });

  it('a create without externalId or key is not queued: the caller gets the retryable error', async () => {
    const g = await gateway();
    upstream.respond(down);
    expect((await nexusPost(g, `/${unique('svc')}/interactions`, { userData: {} })).status).toBe(503);
    upstream.respond(up);
  });

  it('bounded: a full outbox answers the dialect\'s retryable error', async () => {
    const g = await gateway({ maxItems: 2 });
    const service = unique('svc');
    upstream.respond(down);
    for (let i = 0; i < 2; i += 1) expect((await nexusPost(g, `/${service}/interactions`, { externalId: unique('ext') })).status).toBe(202);
    expect((await nexusPost(g, `/${service}/interactions`, { externalId: unique('ext') })).status).toBe(503);
    const gms = await call(`${g.url}/genesys/2/openmedia/${service}`, { method: 'POST', headers: FORM, body: `externalId=${unique('ext')}` });
    expect(gms).toMatchObject({ status: 200, json: { statusCode: 1 } });
    upstream.respond(up);
  });

  it('500 creates while the upstream is down: every client answered; after recovery the upstream holds each exactly once, in order', async () => {
    const g = await gateway({ maxItems: 1000 });
    const service = unique('bulk');
    const externalIds = Array.from({ length: 500 }, (_, i) => `${service}-${String(i).padStart(3, '0')}`);
    upstream.respond(down);
    const answers: Answer[] = [];
    // 25 clients at a time, in order: each one's creates are answered before it sends the next.
    for (let i = 0; i < externalIds.length; i += 25) {
      answers.push(...(await Promise.all(externalIds.slice(i, i + 25).map((externalId) => nexusPost(g, `/${service}/interactions`, { externalId })))));
    }
    expect(answers.map((a) => a.status)).toEqual(externalIds.map(() => 202));

    upstream.respond(up);
    await eventually(async () => externalIds.every((e) => applied.get(e) === 1), 600);
    expect(externalIds.filter((e) => applied.get(e) !== 1)).toEqual([]);
    // In order: every create of a batch was accepted before the next batch was sent, so it reached the upstream first.
    const position = new Map(appliedOrder.map((e, i) => [e, i]));
    for (let i = 25; i < externalIds.length; i += 25) {
      const before = Math.max(...externalIds.slice(i - 25, i).map((e) => position.get(e)!));
      const after = Math.min(...externalIds.slice(i, i + 25).map((e) => position.get(e)!));
      expect(before).toBeLessThan(after);
    }
  }, 180_000);
});
