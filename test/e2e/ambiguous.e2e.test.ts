import { appliedThen, FakeUpstream, forwardTo, type Recorded } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';

/**
 * Unknown outcomes (DESIGN §7): the upstream REALLY applies a create (the fake relays it to a back gateway over
 * memory) and then loses the answer (reset, or an answer after the timeout). A create with an externalId is
 * resolved by a get by externalId: one interaction, and the caller gets its id, never "already exists" for its
 * own create. One without is never sent twice blindly.
 */

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Answer {
  status: number;
  json: Record<string, any>;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** One direction: the client's dialect at the front, the driver it is routed to, and how the back is read. */
interface Direction {
  title: string;
  backend(url: string): Record<string, unknown>;
  create(front: TestGateway, service: string, fields: { externalId?: string; key?: string }): Promise<Answer>;
  createdId(answer: Answer): string | undefined;
  /** `ok` answer of a create with this id. */
  isCreated(answer: Answer, id: string): boolean;
  /** The client's "unavailable" / "timeout" forms. */
  isRetryable(answer: Answer): boolean;
  /** Whether a recorded upstream request is a create. */
  isUpstreamCreate(r: Recorded): boolean;
  /** The externalId a recorded upstream create carries. */
  externalIdOf(r: Recorded): string | undefined;
  /** The back's own id for an externalId (read through the back's dialect), undefined when none is live. */
  backIdOf(back: TestGateway, service: string, externalId: string): Promise<string | undefined>;
}

const gmsToNexus: Direction = {
  title: 'GMS client → gateway (nexus driver) → Nexus upstream',
  backend: (url) => ({ driver: 'nexus', baseUrl: `${url}/nexus/v3`, apiKey: 'k' }),
  create: (front, service, { externalId, key }) =>
    call(`${front.url}/genesys/2/openmedia/${service}`, {
      method: 'POST',
      headers: { ...FORM, ...(key !== undefined && { 'idempotency-key': key }) },
      body: `${externalId === undefined ? '' : `externalId=${externalId}&`}userData%5Bk%5D=v`,
    }),
  createdId: (a) => a.json.interactionId,
  isCreated: (a, id) => a.status === 200 && a.json.statusCode === 0 && a.json.interactionId === id,
  isRetryable: (a) => a.status === 200 && a.json.statusCode === 1,
  isUpstreamCreate: (r) => r.method === 'POST' && r.path.endsWith('/interactions'),
  externalIdOf: (r) => (JSON.parse(r.body) as { externalId?: string }).externalId,
  async backIdOf(back, service, externalId) {
    const res = await call(`${back.url}/nexus/v3/openmedia/${service}/interactions/ext_${externalId}`, { headers: { 'x-api-key': 'k' } });
    return res.status === 200 && res.json.data.state !== 'stopped' ? res.json.data.id : undefined;
  },
};

const nexusToGms: Direction = {
  title: 'Nexus client → gateway (gms driver) → GMS upstream',
  backend: (url) => ({ driver: 'gms', baseUrl: `${url}/genesys/2/openmedia` }),
  create: (front, service, { externalId, key }) =>
    call(`${front.url}/nexus/v3/openmedia/${service}/interactions`, {
      method: 'POST',
      headers: { 'x-api-key': 'client', 'content-type': 'application/json', ...(key !== undefined && { 'idempotency-key': key }) },
      body: JSON.stringify({ ...(externalId !== undefined && { externalId }), userData: { k: 'v' } }),
    }),
  createdId: (a) => a.json.data?.id,
  isCreated: (a, id) => a.status === 200 && a.json.status.code === 0 && a.json.data.id === id,
  isRetryable: (a) => a.status === 503 || a.status === 504,
  isUpstreamCreate: (r) => r.method === 'POST' && /\/openmedia\/[^/]+$/.test(r.path),
  externalIdOf: (r) => new URLSearchParams(r.body).get('externalId') ?? undefined,
  async backIdOf(back, service, externalId) {
    const res = await call(`${back.url}/genesys/2/openmedia/${service}/${externalId}/get`, { method: 'POST', headers: FORM, body: 'searchByExternalId=true' });
    const props = res.json.interactionProperties;
    return res.json.statusCode === 0 && props.interactionState !== 'Stopped' ? props.interactionId : undefined;
  },
};

/**
 * The attempt timeout: the answers the upstream does give (relayed from the back gateway) are far within it on a
 * loaded machine; an answer it loses comes LATE_MS later, long after the attempt gave up (and never, in fact: the
 * fake drops it once the gateway hangs up).
 */
const TIMEOUT_MS = 2000;
const LATE_MS = 60_000;

describe.each([gmsToNexus, nexusToGms])('$title', (dir) => {
  let back: TestGateway;
  let front: TestGateway | undefined;
  const upstream = new FakeUpstream(forwardTo(() => back.url));
  const applied = (fault: 'reset' | { lateMs: number }) => appliedThen(() => back.url, fault);
  let n = 0;
  const unique = (what: string) => `${what}-${Date.now().toString(36)}-${(n += 1)}`;

  beforeAll(async () => {
    // The back plays a plain upstream: its own idempotency records lapse at once, so a repeated create is refused
    // as a duplicate there, as Nexus and GMS refuse it, instead of being replayed.
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

  async function gateway(backend: Record<string, unknown> = {}): Promise<TestGateway> {
    front = await startGateway({
      server: { requestTimeoutMs: 10_000 },
      backends: { up: { ...dir.backend(upstream.url), timeoutMs: TIMEOUT_MS, retries: 2, breakerThreshold: 1000, ...backend } },
    });
    return front;
  }

  const creates = () => upstream.recorded.filter(dir.isUpstreamCreate);

  /** With the upstream answering again, the caller's retry is answered with the interaction its first try made. */
  async function expectRetryCreates(g: TestGateway, service: string, externalId: string): Promise<void> {
    upstream.answer();
    const retried = await dir.create(g, service, { externalId });
    const backId = await dir.backIdOf(back, service, externalId);
    expect(dir.isCreated(retried, backId!)).toBe(true);
  }

  it('applied, then reset: the retry meets "already exists" for its own externalId and answers that interaction', async () => {
    const g = await gateway();
    const service = unique('svc');
    const externalId = unique('ext');
    upstream.answer(applied('reset'));
    const created = await dir.create(g, service, { externalId });
    const backId = await dir.backIdOf(back, service, externalId);
    expect(backId).toBeDefined();
    expect(dir.isCreated(created, backId!)).toBe(true);
    // The first attempt created it; the second was refused as a duplicate and resolved, nothing more.
    expect(creates()).toHaveLength(2);
  });

  it('applied, then answered after the timeout: resolved by a get by externalId', async () => {
    const g = await gateway({ retries: 0 });
    const service = unique('svc');
    const externalId = unique('ext');
    upstream.answer(applied({ lateMs: LATE_MS }));
    const created = await dir.create(g, service, { externalId });
    const backId = await dir.backIdOf(back, service, externalId);
    expect(dir.isCreated(created, backId!)).toBe(true);
    expect(creates()).toHaveLength(1);
  });

  it('an outcome left unknown by one call is resolved by the caller\'s retry, not answered "already exists"', async () => {
    const g = await gateway({ retries: 0 });
    const service = unique('svc');
    const externalId = unique('ext');
    // The create is applied and its answer lost; the get that would resolve it fails too.
    upstream.answer(applied('reset'), (req) => req.socket.destroy());
    const first = await dir.create(g, service, { externalId });
    expect(dir.isRetryable(first)).toBe(true);

    await expectRetryCreates(g, service, externalId);
  });

  it('"already exists" that the lookup cannot check is answered try-again, never a duplicate; the retry resolves it', async () => {
    const g = await gateway({ retries: 1 });
    const service = unique('svc');
    const externalId = unique('ext');
    // Applied and its answer lost; the gateway's own retry is refused as a duplicate; both tries of the get by
    // externalId that would tell whose interaction it is fail.
    const reset = (req: { socket: { destroy(): void } }) => req.socket.destroy();
    upstream.answer(applied('reset'), forwardTo(() => back.url), reset, reset);
    const first = await dir.create(g, service, { externalId });
    expect(dir.isRetryable(first)).toBe(true);

    await expectRetryCreates(g, service, externalId);
  });

  it('without an externalId, an Idempotency-Key does not make the upstream create repeatable: sent once', async () => {
    const g = await gateway();
    const service = unique('svc');
    upstream.answer(applied({ lateMs: LATE_MS }));
    const created = await dir.create(g, service, { key: unique('key') });
    expect(dir.isRetryable(created)).toBe(true);
    expect(creates()).toHaveLength(1);
  });

  it('assignExternalId: a create without one gets one, so the lost answer is resolved and the caller gets its id', async () => {
    const g = await gateway({ assignExternalId: true });
    const service = unique('svc');
    upstream.answer(applied('reset'));
    const created = await dir.create(g, service, {});
    const sent = creates();
    expect(sent.length).toBe(2);
    const assigned = dir.externalIdOf(sent[0]!);
    expect(assigned).toMatch(/^omgw-/);
    // Every attempt carried the same externalId: the upstream could hold only one interaction from this create.
    expect(sent.map(dir.externalIdOf)).toEqual([assigned, assigned]);
    const backId = await dir.backIdOf(back, service, assigned!);
    expect(dir.isCreated(created, backId!)).toBe(true);
  });
});
