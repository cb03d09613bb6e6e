import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { createFields, VSP_CREATE } from '../support/vsp';
import { basic, workspaceAs } from '../support/workspace';

/**
 * Idempotency records are bounded and expire (DESIGN §7; the bounded-buffer rule): on the memory state store a full
 * budget (`store.maxEntries`) refuses a write that needs a record with each dialect's "try again" — before anything
 * is applied — while writes that need none go on; records expire after `idempotency.ttlMs`, which frees the
 * budget, and the same key is then a new request.
 */

const TTL_MS = 3000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const JSON_TYPE = { 'content-type': 'application/json' };

describe('idempotency records on a memory state store of 4 entries, living 3 s', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startGateway({ store: { kind: 'memory', maxEntries: 4 }, idempotency: { ttlMs: TTL_MS } });
  });
  afterAll(() => g.close());

  const nexusCreate = (body: unknown, key?: string) =>
    call(g, '/nexus/v3/openmedia/svc/interactions', {
      method: 'POST',
      headers: { ...JSON_TYPE, 'x-api-key': 'k', ...(key !== undefined && { 'idempotency-key': key }) },
      body: JSON.stringify(body),
    });
  const nexusGet = (ref: string) => call(g, `/nexus/v3/openmedia/svc/interactions/${ref}`, { headers: { 'x-api-key': 'k' } });

  it('full: every dialect answers its try-again form and applies nothing; expired records free the budget and their keys', async () => {
    // An interaction for the Workspace agent, made and accepted without records (no key, no externalId).
    const owned = (await nexusCreate({ userData: {} })).json.data.id as string;
    expect((await workspaceAs(() => g.url, 'agent1').operate(owned, { operationName: 'Accept' })).json.statusCode).toBe(0);

    const first = (await nexusCreate({ userData: { n: '1' } }, 'key-1')).json.data.id as string;
    expect((await nexusCreate({ userData: { n: '1' } }, 'key-1')).json.data.id).toBe(first);
    for (const n of [2, 3, 4]) expect((await nexusCreate({ userData: { n: String(n) } }, `key-${n}`)).status).toBe(200);

    // The budget is spent: a write that needs a record is refused as try-again, in each dialect's form.
    const gms = await call(g, '/genesys/2/openmedia/svc', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'externalId=full-gms' });
    expect({ status: gms.status, json: gms.json }).toEqual({ status: 200, json: { statusCode: 1 } });
    const nexus = await nexusCreate({ externalId: 'full-nexus' });
    expect([nexus.status, nexus.headers['retry-after'], nexus.json.status.code]).toEqual([429, '1', 429]);
    const oracle = await call(g, '/crmRestApi/resources/11.13.18.05/interactions', { method: 'POST', headers: JSON_TYPE, body: '{"OriginalSystemReference":"full-oracle"}' });
    expect([oracle.status, oracle.headers['retry-after'], oracle.json.title]).toEqual([429, '1', 'Too Many Requests']);
    const vsp = await call(g, VSP_CREATE, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(createFields('any', 'full-vsp')) });
    expect([vsp.status, vsp.headers['retry-after'], typeof vsp.json.Message]).toEqual([429, '1', 'string']);
    const wwe = await call(g, `/api/v2/me/interactions/${owned}`, {
      method: 'POST',
      headers: { ...JSON_TYPE, authorization: basic('agent1'), 'idempotency-key': 'full-wwe' },
      body: JSON.stringify({ operationName: 'UpdateUserData', userData: { k: 'v' } }),
    });
    expect(wwe.json).toMatchObject({ statusCode: 4 });
    // Nothing refused was applied; a write that needs no record goes on.
    for (const ext of ['full-gms', 'full-nexus']) expect((await nexusGet(`ext_${ext}`)).status).toBe(404);
    expect((await nexusGet(owned)).json.data.userData).toEqual({});
    expect((await nexusCreate({ userData: {} })).status).toBe(200);

    await sleep(TTL_MS + 200);
    // Expired: the budget is free again, and the same key is a new request.
    const again = await nexusCreate({ userData: { n: '1' } }, 'key-1');
    expect(again.status).toBe(200);
    expect(again.json.data.id).not.toBe(first);
    expect((await nexusCreate({ externalId: 'full-nexus' })).status).toBe(200);
  });
});

describe('an Oracle create applied while the memory state store fills up', () => {
  let g: TestGateway;
  beforeAll(async () => {
    // 4 entries: the first create takes them all (alias counter, id index, the alias both ways).
    g = await startGateway({ store: { kind: 'memory', maxEntries: 4 } });
  });
  afterAll(() => g.close());

  it('is answered 201 with the InteractionId drawn before it, not an error a client would retry into a duplicate', async () => {
    const ORACLE = `${g.url}/crmRestApi/resources/11.13.18.05/interactions`;
    const create = (Description: string) => fetch(ORACLE, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Description }) });
    const first = await create('fills the store');
    expect(first.status).toBe(201);
    const firstId = ((await first.json()) as { InteractionId: number }).InteractionId;
    // The counter is already there, so the number is drawn; recording it afterwards does not fit.
    const second = await create('applied when full');
    expect(second.status).toBe(201);
    const item = (await second.json()) as { links: { href: string }[] };
    expect(item).toMatchObject({ Description: 'applied when full', StatusCd: 'ORA_SVC_OPEN', InteractionId: firstId + 1 });
    expect(item.links[0]?.href).toMatch(new RegExp(`/interactions/${firstId + 1}$`));
  });
});
