import { appliedThen, FakeUpstream, forwardTo, hang, type Handler, type Recorded } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { workspaceAs } from '../support/workspace';

/**
 * Unknown outcomes of updates and stops (DESIGN §7), through each driver that has them. The upstream REALLY applies
 * what it is sent (a relay to a back gateway over memory, speaking the driver's dialect) and then loses the answer.
 * An update only sets and deletes keys, so repeating it is safe; a stop repeated after one that was applied is
 * refused ("already stopped"), and reading the interaction back (stopped) makes it a success. An outcome that
 * cannot be known is answered as such. The caller is a Nexus client of the front gateway.
 */

const TIMEOUT_MS = 400;
const ROOT = '/crmRestApi/resources/11.13.18.05';

type Write = 'update' | 'stop';

interface Way {
  driver: string;
  backend(url: string): Record<string, unknown>;
  /** Whether a recorded upstream request is the write itself (not a read around it). */
  isWrite(write: Write, r: Recorded): boolean;
  /** An interaction to work on, as the front names it, with user data a=1 and b=1. */
  prepare(front: TestGateway, back: TestGateway, service: string): Promise<string>;
}

const operationOf = (r: Recorded): unknown => (r.body === '' ? undefined : (JSON.parse(r.body) as { operationName?: string }).operationName);
const nexusCreate = async (g: TestGateway, service: string) =>
  (await call(g, `/nexus/v3/openmedia/${service}/interactions`, nexusPost({ userData: { a: '1', b: '1' } }))).json.data.id as string;

const WAYS: Way[] = [
  {
    driver: 'nexus',
    backend: (url) => ({ driver: 'nexus', baseUrl: `${url}/nexus/v3`, apiKey: 'k' }),
    isWrite: (write, r) => r.method === 'POST' && r.path.endsWith(`/${write}`),
    prepare: (front, _back, service) => nexusCreate(front, service),
  },
  {
    driver: 'gms',
    backend: (url) => ({ driver: 'gms', baseUrl: `${url}/genesys/2/openmedia` }),
    isWrite: (write, r) => r.method === 'POST' && r.path.endsWith(`/${write}`),
    prepare: (front, _back, service) => nexusCreate(front, service),
  },
  {
    driver: 'oracle',
    backend: (url) => ({ driver: 'oracle', baseUrl: `${url}${ROOT}` }),
    isWrite: (write, r) => r.method === 'PATCH' && (write === 'stop' ? /\/interactions\/\d+$/ : /\/child\/InteractionData\//).test(r.path),
    prepare: (front, _back, service) => nexusCreate(front, service),
  },
  {
    driver: 'wwe',
    backend: (url) => ({ driver: 'wwe', baseUrl: `${url}/api/v2`, basicAuth: { username: 'agent1', password: 'pw' } }),
    isWrite: (write, r) => r.method === 'POST' && operationOf(r) === (write === 'stop' ? 'Complete' : 'UpdateUserData'),
    // Workspace has no create: the interaction is made on the back and accepted by the driver's agent.
    async prepare(_front, back, service) {
      const id = await nexusCreate(back, service);
      expect((await workspaceAs(() => back.url, 'agent1').operate(id, { operationName: 'Accept' })).json.statusCode).toBe(0);
      return id;
    },
  },
];

function nexusPost(body: unknown, headers: Record<string, string> = {}) {
  return { method: 'POST', headers: { 'x-api-key': 'client', 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

describe.each(WAYS)('Nexus client → gateway ($driver driver) → upstream that applies, then loses the answer', (way) => {
  let back: TestGateway;
  let front: TestGateway | undefined;
  const upstream = new FakeUpstream(forwardTo(() => back.url));
  const relay = forwardTo(() => back.url);
  let n = 0;
  const service = () => `svc-${way.driver}-${Date.now().toString(36)}-${(n += 1)}`;

  beforeAll(async () => {
    back = await startGateway();
    await upstream.start();
  });
  beforeEach(() => upstream.answer());
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
      server: { requestTimeoutMs: 4000 },
      backends: { up: { ...way.backend(upstream.url), timeoutMs: TIMEOUT_MS, retries: 2, breakerThreshold: 1000, ...backend } },
    });
    return front;
  }

  /** Every request relayed, but the first write gets `fault`; with `thenAll`, everything after it too. */
  function faultOnWrite(write: Write, fault: Handler, thenAll?: Handler): void {
    let faulted = false;
    upstream.answer();
    upstream.respond((req, res, seen) => {
      if (faulted && thenAll) return thenAll(req, res, seen);
      if (faulted || !way.isWrite(write, seen)) return relay(req, res, seen);
      faulted = true;
      return fault(req, res, seen);
    });
  }
  const writes = (write: Write) => upstream.recorded.filter((r) => way.isWrite(write, r)).length;
  const get = async (svc: string, id: string) => {
    upstream.answer();
    return (await call(front!, `/nexus/v3/openmedia/${svc}/interactions/${id}`, { headers: { 'x-api-key': 'client' } })).json.data;
  };
  const update = (svc: string, id: string, body: unknown = { changedProperties: { a: '2' }, deletedProperties: ['b'] }) =>
    call(front!, `/nexus/v3/openmedia/${svc}/interactions/${id}/update`, nexusPost(body));
  const stop = (svc: string, id: string, headers?: Record<string, string>) => call(front!, `/nexus/v3/openmedia/${svc}/interactions/${id}/stop`, nexusPost({}, headers));

  it('update applied, then reset: the gateway repeats it (it only sets and deletes keys) and answers success', async () => {
    const g = await gateway();
    const svc = service();
    const id = await way.prepare(g, back, svc);
    faultOnWrite('update', appliedThen(() => back.url, 'reset'));
    expect((await update(svc, id)).status).toBe(200);
    expect(writes('update')).toBe(2);
    expect((await get(svc, id)).userData).toEqual({ a: '2' });
  });

  it('stop applied, then reset: the repeat is refused as already stopped, read back as stopped, answered success', async () => {
    const g = await gateway();
    const svc = service();
    const id = await way.prepare(g, back, svc);
    faultOnWrite('stop', appliedThen(() => back.url, 'reset'));
    const answer = await stop(svc, id);
    expect({ status: answer.status, json: answer.json }).toEqual({ status: 200, json: { status: { code: 0 } } });
    expect(writes('stop')).toBe(2);
    expect((await get(svc, id)).state).toBe('stopped');
  });

  // One change: Oracle and Workspace write each key in a call of its own, and a later one is not sent at all.
  it('update applied, then answered after the timeout, no repeats: read back as asked, answered success', async () => {
    const g = await gateway({ retries: 0 });
    const svc = service();
    const id = await way.prepare(g, back, svc);
    faultOnWrite('update', appliedThen(() => back.url, { lateMs: TIMEOUT_MS * 3 }));
    expect((await update(svc, id, { changedProperties: { a: '2' } })).status).toBe(200);
    expect(writes('update')).toBe(1);
    expect((await get(svc, id)).userData).toEqual({ a: '2', b: '1' });
  });

  // Oracle and Workspace write each key in a call of its own: the call after the lost one was never sent.
  it('update of two keys, its first call applied then reset, no repeats: read back part done, sent once more, success', async () => {
    const g = await gateway({ retries: 0 });
    const svc = service();
    const id = await way.prepare(g, back, svc);
    faultOnWrite('update', appliedThen(() => back.url, 'reset'));
    expect((await update(svc, id)).status).toBe(200);
    expect((await get(svc, id)).userData).toEqual({ a: '2' });
  });

  it('update never answered, nor anything after it: the answer says the outcome is unknown', async () => {
    const g = await gateway({ retries: 0 });
    const svc = service();
    const id = await way.prepare(g, back, svc);
    faultOnWrite('update', hang, hang);
    const answer = await update(svc, id);
    expect(answer.status).toBe(504);
    expect(answer.json.status.message).toMatch(/the update may have been applied/);
  });

  it('stop never answered, nor anything after it: the answer says the outcome is unknown', async () => {
    const g = await gateway({ retries: 0 });
    const svc = service();
    const id = await way.prepare(g, back, svc);
    faultOnWrite('stop', hang, hang);
    const answer = await stop(svc, id);
    expect(answer.status).toBe(504);
    expect(answer.json.status.message).toMatch(/the stop may have been applied/);
    expect((await get(svc, id)).state).not.toBe('stopped');
  });

  it('a stop whose outcome was left unknown is resolved by the caller\'s retry under the same Idempotency-Key', async () => {
    const g = await gateway({ retries: 0 });
    const svc = service();
    const id = await way.prepare(g, back, svc);
    const key = { 'idempotency-key': `stop-${svc}` };
    // Applied, answer lost; the read back is lost as well.
    faultOnWrite('stop', appliedThen(() => back.url, 'reset'), (req) => req.socket.destroy());
    const first = await stop(svc, id, key);
    expect(first.status).toBe(503);
    expect(first.json.status.message).toMatch(/may have been applied/);
    upstream.answer();
    // The upstream refuses the stop now (already stopped): the retry reads it back instead of answering 409.
    expect((await stop(svc, id, key)).json).toEqual({ status: { code: 0 } });
    expect((await get(svc, id)).state).toBe('stopped');
  });
});
