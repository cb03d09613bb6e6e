import { FakeUpstream, forwardTo, senderHeaders, type Recorded } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';

/** The GMS spec's own bodies (specs/gms-openmedia.md), typo `0rderNumber` and unencoded spaces included. */
const SPEC_CREATE =
  'externalId=xy932&userData%5B0rderNumber%5D=ABC123456789&userData%5BTestKey2%5D=Test+value&userData%5BKeyToDelete%5D=value to delete';
const SPEC_UPDATE = 'change%5B0rderNumber%5D=uABC123456789&change%5BTestKey2%5D=uTest+value&delete%5BKeyToDelete%5D=';
const SPEC_STOP = 'reason%3DRSN-123%26description%3DORDER%2BCANCELLED';

const ROOT = '/crmRestApi/resources/11.13.18.05';
const BASE = `${ROOT}/interactions`;
const BASIC = `Basic ${Buffer.from('gateway:crm-pw').toString('base64')}`;
const READ = { accept: 'application/json', 'rest-framework-version': '4', 'x-request-id': expect.any(String), authorization: BASIC };
const WRITE = { ...READ, 'content-type': 'application/vnd.oracle.adf.resourceitem+json' };

const wire = (r: Recorded) => ({ method: r.method, path: r.path, headers: senderHeaders(r), body: r.body === '' ? undefined : JSON.parse(r.body) });

/**
 * A GMS client → front gateway (gms inbound → oracle driver) → recorder → back gateway (oracle inbound → memory).
 * The recorder shows the exact Oracle requests; the back gateway's own Oracle and GMS APIs show what arrived.
 */
describe('chain: GMS client → front gateway (oracle driver) → back gateway (Oracle inbound, memory)', () => {
  let back: TestGateway;
  let front: TestGateway;
  const recorder = new FakeUpstream(forwardTo(() => back.url));

  beforeAll(async () => {
    back = await startGateway({ inbound: { oracle: { service: 'crm', basicAuth: { users: { gateway: 'crm-pw' } } } } });
    await recorder.start();
    front = await startGateway({
      backends: { crmcloud: { driver: 'oracle', baseUrl: `${recorder.url}${ROOT}`, basicAuth: { username: 'gateway', password: 'crm-pw' } } },
      routes: [{ service: '*', backend: 'crmcloud' }],
    });
  });
  afterAll(async () => {
    await front?.close();
    await recorder.close();
    await back?.close();
  });

  const gms = (path: string, body = '') =>
    call(front, `/genesys/2/openmedia${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const onBack = (path: string) => call(back, BASE + path, { headers: { authorization: BASIC } });
  const sent = () => recorder.recorded.map(wire);

  it('create, get, update with change and delete, stop, and a second stop is a conflict', async () => {
    recorder.answer();
    const created = await gms('/customer-support', SPEC_CREATE);
    expect(created.json).toEqual({ statusCode: 0, interactionId: expect.stringMatching(/^[1-9]\d*$/) });
    const id: string = created.json.interactionId;
    expect(sent()).toEqual([
      { method: 'GET', path: `${BASE}?q=OriginalSystemReference%3D'xy932'&limit=500`, headers: READ, body: undefined },
      {
        method: 'POST',
        path: BASE,
        headers: WRITE,
        body: {
          ChannelTypeCd: 'ORA_SVC_WEB',
          DirectionCd: 'ORA_SVC_INBOUND',
          OriginalSystemReference: 'xy932',
          InteractionData: [
            { DataKey: '0rderNumber', DataValue: 'ABC123456789' },
            { DataKey: 'TestKey2', DataValue: 'Test value' },
            { DataKey: 'KeyToDelete', DataValue: 'value to delete' },
          ],
        },
      },
    ]);
    // The front's id is the back's InteractionId; the back's own GMS finds it in the Oracle service.
    const stored = await onBack(`/${id}`);
    expect(stored.json).toMatchObject({ InteractionId: Number(id), OriginalSystemReference: 'xy932', StatusCd: 'ORA_SVC_OPEN' });
    const backGms = await call(back, '/genesys/2/openmedia/crm/xy932/get', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'searchByExternalId=true' });
    expect(backGms.json.interactionProperties.interactionState).toBe('Queued');

    recorder.answer();
    const got = await gms(`/customer-support/${id}/get`);
    expect(sent().map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${BASE}/${id}`, `GET ${BASE}/${id}/child/InteractionData?limit=500&offset=0`]);
    expect(got.json.statusCode).toBe(0);
    expect(got.json.interactionProperties).toMatchObject({ interactionId: id, interactionState: 'Queued' });
    expect(got.json.interactionProperties.interactionUserData).toEqual(
      expect.arrayContaining([
        { key: 'ExternalId', type: 'str', value: 'xy932' },
        { key: '0rderNumber', type: 'str', value: 'ABC123456789' },
        { key: 'TestKey2', type: 'str', value: 'Test value' },
        { key: 'KeyToDelete', type: 'str', value: 'value to delete' },
      ]),
    );
    const byExternalId = await gms('/customer-support/xy932/get', 'searchByExternalId=true');
    expect(byExternalId.json.interactionProperties.interactionId).toBe(id);

    recorder.answer();
    expect((await gms(`/customer-support/${id}/update`, SPEC_UPDATE)).json).toEqual({ statusCode: 0 });
    const rows = `${BASE}/${id}/child/InteractionData`;
    expect(sent()).toEqual([
      { method: 'GET', path: `${BASE}/${id}`, headers: READ, body: undefined },
      { method: 'GET', path: `${rows}?limit=500&offset=0`, headers: READ, body: undefined },
      { method: 'PATCH', path: `${rows}/0rderNumber`, headers: WRITE, body: { DataValue: 'uABC123456789' } },
      { method: 'PATCH', path: `${rows}/TestKey2`, headers: WRITE, body: { DataValue: 'uTest value' } },
      { method: 'DELETE', path: `${rows}/KeyToDelete`, headers: READ, body: undefined },
    ]);
    expect((await onBack(`/${id}/child/InteractionData`)).json.items).toEqual([
      { InteractionId: Number(id), DataKey: '0rderNumber', DataValue: 'uABC123456789' },
      { InteractionId: Number(id), DataKey: 'TestKey2', DataValue: 'uTest value' },
    ]);

    recorder.answer();
    expect((await gms(`/customer-support/${id}/stop`, SPEC_STOP)).json).toEqual({ statusCode: 0 });
    expect(sent()).toEqual([
      { method: 'GET', path: `${BASE}/${id}`, headers: READ, body: undefined },
      { method: 'PATCH', path: `${BASE}/${id}`, headers: WRITE, body: { StatusCd: 'ORA_SVC_CLOSED', EndTime: expect.any(String) } },
    ]);
    expect((await onBack(`/${id}`)).json).toMatchObject({ StatusCd: 'ORA_SVC_CLOSED', EndTime: expect.any(String) });

    recorder.answer();
    const again = await gms(`/customer-support/${id}/stop`, SPEC_STOP);
    expect(again.json).toEqual({ statusCode: 2, errors: [{ code: 253, advice: expect.any(String) }] });
    const late = await gms(`/customer-support/${id}/update`, SPEC_UPDATE);
    expect(late.json).toEqual({ statusCode: 2, errors: [{ code: 253, advice: expect.any(String) }] });
    expect(sent().map((r) => r.method)).toEqual(['GET', 'GET']);
    const stopped = await gms(`/customer-support/${id}/get`);
    expect(stopped.json.interactionProperties.interactionState).toBe('Stopped');
  });

  it('an update failing part way says which rows were written; sent again, it PATCHes them and no row is doubled', async () => {
    const created = await gms('/sales', 'externalId=partial-1&userData%5BA%5D=1');
    const id: string = created.json.interactionId;
    const rows = `${BASE}/${id}/child/InteractionData`;
    const relay = forwardTo(() => back.url);
    // The item, its rows, A and B reach the back gateway; the POST of C meets a 503 there.
    recorder.answer(relay, relay, relay, relay, { status: 503, json: { title: 'Service Unavailable', status: 503, detail: 'maintenance' } });
    const update = { changedProperties: { A: '2' }, addedProperties: { B: 'b', C: 'c' } };
    const nexusUpdate = () =>
      call(front, `/nexus/v3/openmedia/sales/interactions/${id}/update`, { method: 'POST', headers: { 'x-api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify(update) });
    const failed = await nexusUpdate();
    expect(failed.status).toBe(503);
    expect(failed.json.status.message).toMatch(/applied in part: InteractionData rows "A", "B" written, "C" failed$/);
    expect((await onBack(`/${id}/child/InteractionData`)).json.items.map((r: { DataKey: string; DataValue: string }) => `${r.DataKey}=${r.DataValue}`)).toEqual(['A=2', 'B=b']);

    recorder.answer();
    expect((await nexusUpdate()).status).toBe(200);
    expect(sent().map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${BASE}/${id}`,
      `GET ${rows}?limit=500&offset=0`,
      `PATCH ${rows}/A`,
      `PATCH ${rows}/B`,
      `POST ${rows}`,
    ]);
    expect((await onBack(`/${id}/child/InteractionData`)).json).toMatchObject({
      count: 3,
      items: [
        { DataKey: 'A', DataValue: '2' },
        { DataKey: 'B', DataValue: 'b' },
        { DataKey: 'C', DataValue: 'c' },
      ],
    });
  });

  it('an Oracle PATCH whose rows were written but whose close failed says so, and sent again closes it', async () => {
    const oracleFront = (method: string, path: string, body: unknown) =>
      call(front, BASE + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await oracleFront('POST', '', { OriginalSystemReference: 'patch-partial-1' });
    expect(created.status).toBe(201);
    const frontId = created.json.InteractionId;
    const relay = forwardTo(() => back.url);
    // The rows reach the back gateway (item, rows, POST), the close's read too; from the close on, the tenant is down.
    recorder.answer();
    recorder.respond(relay, relay, relay, relay, { status: 503, json: { title: 'Service Unavailable', status: 503, detail: 'maintenance' } });
    const patch = { InteractionData: [{ DataKey: 'outcome', DataValue: 'solved' }], StatusCd: 'ORA_SVC_CLOSED' };
    const failed = await oracleFront('PATCH', `/${frontId}`, patch);
    expect(failed.status).toBe(503);
    expect(failed.json.detail).toMatch(/; the InteractionData rows were written, the interaction was not closed$/);
    expect(recorder.recorded.slice(0, 5).map((r) => r.method)).toEqual(['GET', 'GET', 'POST', 'GET', 'PATCH']);
    recorder.answer();
    expect((await oracleFront('GET', `/${frontId}`, undefined)).json).toMatchObject({ StatusCd: 'ORA_SVC_OPEN', InteractionData: [{ DataKey: 'outcome', DataValue: 'solved' }] });

    const again = await oracleFront('PATCH', `/${frontId}`, patch);
    expect([again.status, again.json.StatusCd, again.json.InteractionData]).toEqual([200, 'ORA_SVC_CLOSED', [expect.objectContaining({ DataKey: 'outcome', DataValue: 'solved' })]]);
  });

  it("an externalId built to inject into q (x' or '1'='1) is one value end to end, and finds only its own interaction", async () => {
    const plain = await gms('/sales', 'externalId=x&userData%5Bwho%5D=plain');
    const hostile = await gms('/sales', `externalId=${encodeURIComponent("x' or '1'='1")}&userData%5Bwho%5D=hostile`);
    expect([plain.json.statusCode, hostile.json.statusCode]).toEqual([0, 0]);
    recorder.answer();
    const got = await gms(`/sales/${encodeURIComponent("x' or '1'='1")}/get`, 'searchByExternalId=true');
    expect(got.json.interactionProperties).toMatchObject({ interactionId: hostile.json.interactionId });
    expect(recorder.recorded[0]!.path).toBe(`${BASE}?q=OriginalSystemReference%3D'x''%20or%20''1''%3D''1'&limit=500`);
    expect((await onBack(`/${hostile.json.interactionId}`)).json.OriginalSystemReference).toBe("x' or '1'='1");
    expect((await gms('/sales/x/get', 'searchByExternalId=true')).json.interactionProperties.interactionId).toBe(plain.json.interactionId);
  });

  it('a duplicate externalId is GMS 250, an unknown id 248, and a wrong credential never reaches the client', async () => {
    expect((await gms('/sales', 'externalId=dup-1')).json.statusCode).toBe(0);
    // The same create again is a retry (answered from its first answer); another one with that externalId is not.
    expect((await gms('/sales', 'externalId=dup-1&userData%5Bsecond%5D=yes')).json).toEqual({ statusCode: 2, errors: [{ code: 250, advice: expect.any(String) }] });
    expect((await gms('/sales/12345678/get')).json).toEqual({ statusCode: 2, errors: [{ code: 248, advice: expect.any(String) }] });

    const wrong = await startGateway({
      backends: { crmcloud: { driver: 'oracle', baseUrl: `${back.url}${ROOT}`, basicAuth: { username: 'gateway', password: 'wrong-pw' } } },
    });
    try {
      const refused = await call(wrong, '/genesys/2/openmedia/sales', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'userData%5Ba%5D=1' });
      expect(refused.json.statusCode).toBe(2);
      expect(refused.text).not.toContain('wrong-pw');
    } finally {
      await wrong.close();
    }
  });
});
