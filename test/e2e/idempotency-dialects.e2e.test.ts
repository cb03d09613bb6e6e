import { delayed, FakeUpstream, forwardTo } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call, type Answer } from '../support/http-call';
import { basic } from '../support/workspace';
import { createFields, VSP_CREATE } from '../support/vsp';

/**
 * The Idempotency-Key outcomes (IETF draft-ietf-httpapi-idempotency-key-header-07; DESIGN §4 error mapping, §7) in
 * every dialect that writes, each in its own form: a retry while the first is still running is "in progress, try
 * again"; the same key with another payload is refused (422, or the dialect's own value); a retry after the first
 * ended is answered as the first. The upstream (a recorder relaying to a back gateway over memory) sees one write.
 */

const ORACLE = '/crmRestApi/resources/11.13.18.05/interactions';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
let n = 0;
const unique = (what: string) => `${what}-${Date.now().toString(36)}-${(n += 1)}`;

interface Dialect {
  name: string;
  /** The write under test: `variant` changes its payload. */
  write(g: TestGateway, key: string, variant: string, target: string): Promise<Answer>;
  /** What the write targets (an interaction for the dialects whose writes are operations on one). */
  prepare?(g: TestGateway): Promise<string>;
  isUpstreamWrite(method: string, path: string): boolean;
  /** The part of a successful answer that a replay must repeat. */
  outcomeOf(a: Answer): unknown;
  inProgress: { status: number; json: unknown };
  reused: { status: number; json: unknown };
}

const json = (headers: Record<string, string>) => ({ 'content-type': 'application/json', ...headers });
const IN_PROGRESS = expect.stringContaining('in progress');
const REUSED = 'This Idempotency-Key was already used for a different request';
const isCreate = (method: string, path: string) => method === 'POST' && path.endsWith('/interactions');

const DIALECTS: Dialect[] = [
  {
    name: 'gms',
    write: (g, key, v) =>
      call(g, `/genesys/2/openmedia/svc`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key }, body: `userData%5Bk%5D=${v}` }),
    isUpstreamWrite: isCreate,
    outcomeOf: (a) => [a.status, a.json.statusCode, a.json.interactionId],
    inProgress: { status: 200, json: { statusCode: 1 } },
    reused: { status: 422, json: { statusCode: 2, errors: [{ code: 200, advice: REUSED }] } },
  },
  {
    name: 'nexus',
    write: (g, key, v) =>
      call(g, `/nexus/v3/openmedia/svc/interactions`, { method: 'POST', headers: json({ 'x-api-key': 'client', 'idempotency-key': key }), body: JSON.stringify({ userData: { k: v } }) }),
    isUpstreamWrite: isCreate,
    outcomeOf: (a) => [a.status, a.json.data.id],
    inProgress: { status: 409, json: { status: { code: 409, message: IN_PROGRESS } } },
    reused: { status: 422, json: { status: { code: 422, message: REUSED } } },
  },
  {
    name: 'oracle',
    write: (g, key, v) => call(g, ORACLE, { method: 'POST', headers: json({ 'idempotency-key': key }), body: JSON.stringify({ InteractionData: [{ DataKey: 'k', DataValue: v }] }) }),
    isUpstreamWrite: isCreate,
    outcomeOf: (a) => [a.status, a.json.InteractionId],
    inProgress: { status: 409, json: { title: 'Conflict', status: 409, detail: IN_PROGRESS } },
    reused: { status: 422, json: { title: 'Unprocessable Entity', status: 422, detail: REUSED } },
  },
  {
    name: 'vsp',
    write: (g, key, v) => call(g, VSP_CREATE, { method: 'POST', headers: json({ 'idempotency-key': key }), body: JSON.stringify(createFields('vsp-key', `identity-${key}`, v)) }),
    isUpstreamWrite: isCreate,
    outcomeOf: (a) => [a.status, a.json.InteractionId],
    inProgress: { status: 409, json: { Message: IN_PROGRESS } },
    reused: { status: 422, json: { Message: REUSED } },
  },
  {
    name: 'wwe',
    // Workspace writes are operations on an interaction: one created through Nexus, updated by an agent.
    prepare: async (g) =>
      (await call(g, `/nexus/v3/openmedia/svc/interactions`, { method: 'POST', headers: json({ 'x-api-key': 'client' }), body: JSON.stringify({ userData: {} }) })).json.data.id,
    write: (g, key, v, id) =>
      call(g, `/api/v2/me/interactions/${id}`, {
        method: 'POST',
        headers: json({ authorization: basic('agent1', 'pw'), 'idempotency-key': key }),
        body: JSON.stringify({ operationName: 'UpdateUserData', userData: { k: v } }),
      }),
    isUpstreamWrite: (method, path) => method === 'POST' && path.endsWith('/update'),
    outcomeOf: (a) => [a.status, a.json.statusCode],
    inProgress: { status: 200, json: { statusCode: 4, statusMessage: IN_PROGRESS } },
    reused: { status: 200, json: { statusCode: 10, statusMessage: REUSED } },
  },
];

describe('Idempotency-Key outcomes in each dialect that writes, through a gateway in front of an upstream', () => {
  let back: TestGateway;
  let front: TestGateway;
  const upstream = new FakeUpstream(forwardTo(() => back.url));

  beforeAll(async () => {
    back = await startGateway({ idempotency: { ttlMs: 1 } });
    await upstream.start();
    // One backend for every service (Oracle creates land in `crm`, VSP's in `vsp`); "in progress" at once.
    front = await startGateway({
      backends: { cloud: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', breakerThreshold: 1000, upsertStrategy: 'changed' } },
      routes: [{ service: '*', backend: 'cloud' }],
      idempotency: { waitMs: 0 },
    });
  });
  afterAll(async () => {
    await front?.close();
    await upstream.close();
    await back?.close();
  });

  it.each(DIALECTS)('$name: in progress → its try-again form; replayed once done; another payload → its refusal', async (d) => {
    upstream.answer();
    const target = (await d.prepare?.(front)) ?? '';
    const key = unique(d.name);
    const writes = () => upstream.recorded.filter((r) => d.isUpstreamWrite(r.method, r.path)).length;
    upstream.answer(delayed(800, forwardTo(() => back.url)));
    const first = d.write(front, key, 'v', target);
    for (let i = 0; i < 200 && writes() === 0; i += 1) await sleep(10);
    const retry = await d.write(front, key, 'v', target);
    expect({ status: retry.status, json: retry.json }).toEqual(d.inProgress);
    if (retry.status === 409) expect(retry.headers['retry-after']).toBe('1');
    const done = await first;
    expect(done.status).toBeLessThan(300);
    expect(d.outcomeOf(await d.write(front, key, 'v', target))).toEqual(d.outcomeOf(done));
    const other = await d.write(front, key, 'w', target);
    expect({ status: other.status, json: other.json }).toEqual(d.reused);
    expect(writes()).toBe(1);
  });
});

/**
 * Oracle and VSP have no "accepted" status in their specs (Oracle REST answers a create 201 with the item, VSP 200
 * with a VspInteraction): a create the outbox keeps is answered in that same form, under the id the gateway
 * reserved, and that id stays readable — queued before delivery, the upstream's interaction after.
 */
describe('a create kept in the outbox, answered in the Oracle and VSP forms and readable by its id', () => {
  let back: TestGateway;
  let front: TestGateway;
  let up = false;
  const relay = forwardTo(() => back.url);
  const upstream = new FakeUpstream((req, res, seen) => (up ? relay(req, res, seen) : void res.writeHead(503).end()));
  let since = 0;
  const creates = () => upstream.recorded.slice(since).filter((r) => isCreate(r.method, r.path));

  beforeAll(async () => {
    back = await startGateway();
    await upstream.start();
    front = await startGateway({
      backends: { cloud: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', retries: 0, breakerThreshold: 1000, outbox: true } },
      routes: [{ service: '*', backend: 'cloud' }],
      outbox: { retryMs: 50, maxRetryMs: 200 },
    });
  });
  afterAll(async () => {
    await front?.close();
    await upstream.close();
    await back?.close();
  });
  const deliveredAll = async () => {
    since = upstream.recorded.length;
    up = true;
    for (let i = 0; i < 200 && creates().length < 2; i += 1) await sleep(25);
    expect(creates()).toHaveLength(2);
  };

  it('Oracle 201 with the item, GET /{InteractionId} queued then delivered under the same number; VSP 200, its InteractionUrl read after delivery', async () => {
    const key = { 'idempotency-key': unique('oracle-pending') };
    const body = JSON.stringify({ OriginalSystemReference: unique('osr'), InteractionData: [{ DataKey: 'k', DataValue: 'v' }] });
    const created = await call(front, ORACLE, { method: 'POST', headers: json(key), body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ InteractionId: expect.any(Number), StatusCd: 'ORA_SVC_OPEN', InteractionData: [{ DataKey: 'k', DataValue: 'v' }] });
    const path = `${ORACLE}/${created.json.InteractionId}`;
    expect((await call(front, path)).json).toMatchObject({ InteractionId: created.json.InteractionId, StatusCd: 'ORA_SVC_OPEN' });
    // The same POST again is the same interaction, not a second queued one.
    expect((await call(front, ORACLE, { method: 'POST', headers: json(key), body })).json.InteractionId).toBe(created.json.InteractionId);

    const vsp = await call(front, VSP_CREATE, { method: 'POST', headers: json({}), body: JSON.stringify(createFields('vsp-key', unique('identity'))) });
    expect(vsp.status).toBe(200);
    expect(vsp.json.InteractionId).toMatch(/^omgw-q-/);
    const url = new URL(vsp.json.InteractionUrl as string);

    await deliveredAll();
    const read = await call(front, path);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ InteractionId: created.json.InteractionId, InteractionData: [{ DataKey: 'k', DataValue: 'v' }] });
    // VSP's InteractionUrl (the Workspace GET) reads the delivered interaction by the id VSP was given.
    const got = await call(front, url.pathname, { headers: { authorization: basic('agent1', 'pw') } });
    expect(got.json).toMatchObject({ statusCode: 0, interaction: { userData: { InteractionName: 'Order 42' } } });
  });
});
