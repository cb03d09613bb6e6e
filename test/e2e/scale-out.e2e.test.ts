import { call, type Answer } from '../support/http-call';
import { ensureBuilt } from '../support/omgw-process';
import { describeWithRedis } from '../support/redis';
import { SCALE_OUT_API_KEY, startScaleOut, type Replica, type ScaleOut } from '../support/scale-out';

/**
 * Two gateway processes on one real Redis in front of one upstream (issue bar "scale-out"): whatever one replica
 * did, the other sees — the interaction itself (through the upstream), the id index and Oracle's numeric aliases,
 * and the idempotency records that keep a create from reaching the upstream twice.
 */

const NEXUS = '/nexus/v3/openmedia';
const ORACLE = '/crmRestApi/resources/11.13.18.05/interactions';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_BODY = { 'content-type': 'application/json', 'x-api-key': SCALE_OUT_API_KEY };
let seq = 0;
const unique = (name: string) => `${name}-${Date.now().toString(36)}-${++seq}`;

const nexus = (r: Replica, path: string, body?: unknown): Promise<Answer> =>
  call(r, `${NEXUS}${path}`, body === undefined ? { headers: { 'x-api-key': SCALE_OUT_API_KEY } } : { headers: JSON_BODY, body: JSON.stringify(body) });
const gms = (r: Replica, path: string, body = ''): Promise<Answer> =>
  call(r, `/genesys/2/openmedia${path}`, { method: 'POST', headers: FORM, body });
const oracle = (r: Replica, path: string, method = 'GET', body?: unknown): Promise<Answer> =>
  call(r, `${ORACLE}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describeWithRedis('scale-out: two gateway processes on one Redis, one upstream', () => {
  let env: ScaleOut;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    ensureBuilt();
    // A generous wait for the first try, so a loaded machine does not turn a replay into "in progress".
    env = await startScaleOut({ config: { idempotency: { waitMs: 15_000 } } });
    [a, b] = env.replicas as [Replica, Replica];
  }, 240_000);
  afterAll(() => env?.close(), 60_000);

  test('created through one replica: read, updated and stopped through the other, by id and by externalId', async () => {
    const service = unique('support');
    const externalId = unique('ord');
    const created = await nexus(a, `/${service}/interactions`, { externalId, userData: { Order: 'A1', Keep: 'yes' } });
    expect(created.status).toBe(200);
    const id: string = created.json.data.id;

    const byId = await nexus(b, `/${service}/interactions/${id}`);
    expect(byId.json.data).toMatchObject({ id, externalId, state: 'queued', userData: { Order: 'A1', Keep: 'yes' } });
    expect((await nexus(b, `/${service}/interactions/ext_${externalId}`)).json.data.id).toBe(id);

    expect((await nexus(b, `/${service}/interactions/ext_${externalId}/update`, { changedProperties: { Order: 'B2' } })).status).toBe(200);
    expect((await gms(a, `/${service}/${externalId}/get`, 'searchByExternalId=true')).json.interactionProperties).toMatchObject({
      interactionId: id,
      interactionState: 'Queued',
    });
    expect((await nexus(a, `/${service}/interactions/${id}`)).json.data.userData).toEqual({ Order: 'B2', Keep: 'yes' });

    expect((await gms(b, `/${service}/${id}/stop`, 'reasonSystemName=DONE')).json).toEqual({ statusCode: 0 });
    expect((await nexus(a, `/${service}/interactions/${id}`)).json.data.state).toBe('stopped');
    expect(env.upstreamCreates(service)).toBe(1);
  });

  test('by id alone (Oracle InteractionId): the number one replica handed out is known to the other', async () => {
    const reference = unique('crm-ref');
    const created = await oracle(a, '', 'POST', { OriginalSystemReference: reference, InteractionData: [{ DataKey: 'Topic', DataValue: 'billing' }] });
    expect(created.status).toBe(201);
    const number: number = created.json.InteractionId;
    expect(Number.isSafeInteger(number)).toBe(true);

    const got = await oracle(b, `/${number}`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ InteractionId: number, OriginalSystemReference: reference, StatusCd: 'ORA_SVC_OPEN' });
    expect(got.json.InteractionData).toEqual([expect.objectContaining({ DataKey: 'Topic', DataValue: 'billing' })]);

    expect((await oracle(b, `/${number}`, 'PATCH', { InteractionData: [{ DataKey: 'Topic', DataValue: 'refund' }] })).status).toBe(200);
    expect((await oracle(b, `/${number}`, 'PATCH', { StatusCd: 'ORA_SVC_CLOSED' })).status).toBe(200);
    const closed = await oracle(a, `/${number}`);
    expect(closed.json).toMatchObject({ InteractionId: number, StatusCd: 'ORA_SVC_CLOSED' });
    expect(closed.json.InteractionData).toEqual([expect.objectContaining({ DataKey: 'Topic', DataValue: 'refund' })]);
  });

  test('the same create sent to both replicas at once reaches the upstream once; every caller gets its id', async () => {
    const service = unique('orders');
    const externalId = unique('same');
    const body = { externalId, userData: { Order: 'C3' } };
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => nexus(i % 2 ? b : a, `/${service}/interactions`, body)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const ids = new Set(answers.map((r) => r.json.data.id as string));
    expect(ids.size).toBe(1);
    expect(env.upstreamCreates(service)).toBe(1);
  });

  test('a create retried on the other replica (a load balancer moving the retry) is replayed, not run again', async () => {
    const service = unique('retry');
    const key = unique('key');
    const first = await call(a, `${NEXUS}/${service}/interactions`, { headers: { ...JSON_BODY, 'idempotency-key': key }, body: JSON.stringify({ userData: { n: '1' } }) });
    const retried = await call(b, `${NEXUS}/${service}/interactions`, { headers: { ...JSON_BODY, 'idempotency-key': key }, body: JSON.stringify({ userData: { n: '1' } }) });
    expect(first.status).toBe(200);
    expect(retried.status).toBe(200);
    expect(retried.json.data.id).toBe(first.json.data.id);
    expect(env.upstreamCreates(service)).toBe(1);
    // The same key with another payload on the other replica is a misuse of the key, whichever replica sees it.
    const misuse = await call(b, `${NEXUS}/${service}/interactions`, { headers: { ...JSON_BODY, 'idempotency-key': key }, body: JSON.stringify({ userData: { n: '2' } }) });
    expect(misuse.status).toBe(422);
  });
});
