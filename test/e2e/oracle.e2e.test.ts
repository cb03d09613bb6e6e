import { SPEC_CREATE_BODY, SPEC_ITEM } from '../fixtures/oracle-spec';
import { startGateway, type TestGateway } from '../support/gateway';
import { call, type Answer } from '../support/http-call';
import { winstonLines } from '../support/log-capture';

const BASE = '/crmRestApi/resources/11.13.18.05/interactions';
const ITEM_TYPE = 'application/vnd.oracle.adf.resourceitem+json';
const JSON_TYPE = { 'content-type': 'application/json' };

function oracle(gw: () => TestGateway, auth: Record<string, string> = {}) {
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
    call(gw(), BASE + path, {
      method,
      headers: { ...JSON_TYPE, ...auth, ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return {
    post: (body: unknown, headers?: Record<string, string>) => send('POST', '', body, headers),
    get: (path: string, headers?: Record<string, string>) => send('GET', path, undefined, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) => send('PATCH', path, body, headers),
    postRow: (id: number, row: unknown) => send('POST', `/${id}/child/InteractionData`, row),
    del: (path: string) => send('DELETE', path),
  };
}

const gmsForm = (gw: TestGateway, path: string, form: string) =>
  call(gw, `/genesys/2/openmedia${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
const nexus = (gw: TestGateway, method: string, path: string, body?: unknown) =>
  call(gw, `/nexus/v3/openmedia${path}`, {
    method,
    headers: { 'x-api-key': 'k', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Oracle's error form (DESIGN §4 oracle). */
const oracleError = (status: number) => ({ title: expect.any(String), status, detail: expect.any(String) });

describe('oracle CX interactions over HTTP (memory backend)', () => {
  let gw: TestGateway;
  const api = oracle(() => gw);
  const logs = winstonLines();
  beforeAll(async () => {
    gw = await startGateway({}, { logger: logs.logger });
  });
  /** The one log line of the request that answered with this request id. */
  const logLineOf = (answer: Answer): Record<string, unknown> => {
    const lines = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === answer.headers['x-request-id']);
    expect(lines).toHaveLength(1);
    return lines[0]!;
  };
  afterAll(() => gw.close());

  describe('create and read', () => {
    it("answers the spec's example body with an item shaped like the spec's example item", async () => {
      const created = await api.post(SPEC_CREATE_BODY);
      expect(created.status).toBe(201);
      expect(created.headers['content-type']).toBe(ITEM_TYPE);
      const item = created.json;
      expect(Number.isSafeInteger(item.InteractionId)).toBe(true);
      expect(item).toMatchObject({
        ChannelTypeCd: 'ORA_SVC_WEB',
        DirectionCd: SPEC_ITEM.DirectionCd,
        StatusCd: SPEC_ITEM.StatusCd,
        Description: null,
        OriginalSystemReference: null,
        EndTime: null,
        TopLevelFlag: 'true',
        ParentInteractionId: item.InteractionId,
        InteractionData: [],
      });
      // Every attribute the gateway answers that the spec's item has is of the same JSON type there.
      for (const [key, value] of Object.entries(item)) {
        if (!(key in SPEC_ITEM)) continue;
        const specValue = (SPEC_ITEM as Record<string, unknown>)[key];
        if (specValue !== null && value !== null) expect([key, typeof value]).toEqual([key, typeof specValue]);
      }
      expect(Date.parse(item.StartTime)).not.toBeNaN();
      const self = `/interactions/${item.InteractionId}`;
      expect(item.links).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ rel: 'self', href: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${BASE}/${item.InteractionId}$`)) }),
          expect.objectContaining({ rel: 'canonical', href: expect.stringContaining(self) }),
        ]),
      );
      const read = await api.get(`/${item.InteractionId}`);
      expect(read.status).toBe(200);
      expect(read.json).toEqual(item);
    });

    it('each request is logged once under the command it was made for, though it runs more than one', async () => {
      const created = await api.post({ OriginalSystemReference: 'log-1', InteractionData: [{ DataKey: 'k', DataValue: 'v' }] });
      const id = created.json.InteractionId;
      const upserted = await api.post({ OriginalSystemReference: 'log-1', InteractionData: [{ DataKey: 'k', DataValue: 'w' }] }, { 'upsert-mode': 'true' });
      const rowAdded = await api.postRow(id, { DataKey: 'r', DataValue: 'x' });
      const closed = await api.patch(`/${id}`, { StatusCd: 'ORA_SVC_CLOSED' });
      const read = await api.get(`/${id}`);
      expect([created, upserted, rowAdded, closed, read].map((a) => [a.status, logLineOf(a).command])).toEqual([
        [201, 'create'],
        [200, 'create'],
        [201, 'update'],
        [200, 'update'],
        [200, 'get'],
      ]);
    });

    it('takes the resourceitem media type, keeps the Oracle attributes and reads the same interaction through GMS and Nexus', async () => {
      const created = await api.post(
        {
          ChannelTypeCd: 'ORA_SVC_EMAIL',
          DirectionCd: 'ORA_SVC_OUTBOUND',
          Description: 'Order question',
          OriginalSystemReference: 'crm-ref-1',
          StartTime: '2017-03-03T04:01:13-08:00',
          InteractionData: [
            { DataKey: 'OrderNumber', DataValue: 'ABC123' },
            { DataKey: 'Attempts', DataValue: 3 },
          ],
          UnknownAttribute: 'ignored',
        },
        { 'content-type': ITEM_TYPE },
      );
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        ChannelTypeCd: 'ORA_SVC_EMAIL',
        DirectionCd: 'ORA_SVC_OUTBOUND',
        Description: 'Order question',
        OriginalSystemReference: 'crm-ref-1',
        StartTime: '2017-03-03T12:01:13.000Z',
        InteractionData: [
          { InteractionId: created.json.InteractionId, DataKey: 'OrderNumber', DataValue: 'ABC123' },
          { InteractionId: created.json.InteractionId, DataKey: 'Attempts', DataValue: 3 },
        ],
      });

      const viaGms = await gmsForm(gw, '/crm/crm-ref-1/get', 'searchByExternalId=true');
      expect(viaGms.json.statusCode).toBe(0);
      const props = viaGms.json.interactionProperties;
      expect(props.interactionUserData).toEqual(
        expect.arrayContaining([
          { key: 'OrderNumber', type: 'str', value: 'ABC123' },
          { key: 'Attempts', type: 'int', value: 3 },
        ]),
      );
      // Oracle's own attributes are shown back only through Oracle.
      expect(viaGms.text).not.toContain('ORA_SVC');
      const viaNexus = await nexus(gw, 'GET', `/crm/interactions/${props.interactionId}`);
      expect(viaNexus.status).toBe(200);
      expect(viaNexus.json.data).toMatchObject({ externalId: 'crm-ref-1', userData: { OrderNumber: 'ABC123', Attempts: 3 } });
      expect(viaNexus.text).not.toContain('ORA_SVC');
    });

    it('finds an interaction by OriginalSystemReference, also one created through GMS, under one stable InteractionId', async () => {
      const made = await gmsForm(gw, '/crm', 'externalId=gms-made-1&userData%5BColor%5D=blue');
      expect(made.json.statusCode).toBe(0);
      const found = await api.get(`?q=${encodeURIComponent("OriginalSystemReference='gms-made-1'")}`);
      expect(found.status).toBe(200);
      expect(found.headers['content-type']).toBe('application/vnd.oracle.adf.resourcecollection+json');
      expect(found.json).toMatchObject({ count: 1, hasMore: false, items: [{ OriginalSystemReference: 'gms-made-1' }] });
      const id = found.json.items[0].InteractionId;
      expect((await api.get(`?q=${encodeURIComponent("OriginalSystemReference='gms-made-1'")}`)).json.items[0].InteractionId).toBe(id);
      expect((await api.get(`/${id}/child/InteractionData`)).json).toEqual({
        items: [{ InteractionId: id, DataKey: 'Color', DataValue: 'blue' }],
        count: 1,
        hasMore: false,
        limit: 25,
        offset: 0,
      });
    });

    it('a ParentInteractionId names a known interaction; an unknown one is 400', async () => {
      const parent = (await api.post(SPEC_CREATE_BODY)).json;
      const child = await api.post({ ParentInteractionId: parent.InteractionId });
      expect(child.status).toBe(201);
      expect(child.json).toMatchObject({ ParentInteractionId: parent.InteractionId, TopLevelFlag: 'false' });
      const unknown = await api.post({ ParentInteractionId: 8999999999999 });
      expect(unknown.status).toBe(400);
      expect(unknown.json).toEqual(oracleError(400));
      expect((await api.post({ ParentInteractionId: 1.5 })).status).toBe(400);
    });

    it('lists the service interactions page by page', async () => {
      for (let i = 0; i < 3; i++) expect((await api.post({ OriginalSystemReference: `listed-${i}` })).status).toBe(201);
      const first = await api.get('?limit=2');
      expect(first.json).toMatchObject({ count: 2, hasMore: true, limit: 2, offset: 0 });
      const all = await api.get('?limit=500');
      expect(all.json.hasMore).toBe(false);
      expect(all.json.items.map((i: { OriginalSystemReference: string }) => i.OriginalSystemReference)).toEqual(
        expect.arrayContaining(['listed-0', 'listed-1', 'listed-2']),
      );
    });
  });

  describe('user data both ways', () => {
    it('a row written through Oracle reads back as user data; a GMS change[k] and a Nexus change read back as rows', async () => {
      const { json: item } = await api.post({ OriginalSystemReference: 'rows-1', InteractionData: [{ DataKey: 'First', DataValue: 'one' }] });
      const id = item.InteractionId;
      const posted = await api.postRow(id, { DataKey: 'Second', DataValue: 'two' });
      expect(posted.status).toBe(201);
      expect(posted.json).toEqual({ InteractionId: id, DataKey: 'Second', DataValue: 'two' });

      const viaGms = await gmsForm(gw, '/crm/rows-1/get', 'searchByExternalId=true');
      expect(viaGms.json.interactionProperties.interactionUserData).toEqual(
        expect.arrayContaining([
          { key: 'First', type: 'str', value: 'one' },
          { key: 'Second', type: 'str', value: 'two' },
        ]),
      );
      const updated = await gmsForm(gw, '/crm/rows-1/update', 'searchByExternalId=true&change%5BFirst%5D=uno&change%5BThird%5D=tres&delete%5BSecond%5D=');
      expect(updated.json).toEqual({ statusCode: 0 });
      const canonicalId = viaGms.json.interactionProperties.interactionId;
      expect((await nexus(gw, 'POST', `/crm/interactions/${canonicalId}/update`, { addedProperties: { Fourth: 4 } })).status).toBe(200);

      const rows = await api.get(`/${id}/child/InteractionData`);
      expect(rows.json.items).toEqual([
        { InteractionId: id, DataKey: 'First', DataValue: 'uno' },
        { InteractionId: id, DataKey: 'Third', DataValue: 'tres' },
        { InteractionId: id, DataKey: 'Fourth', DataValue: 4 },
      ]);
      expect((await api.get(`/${id}/child/InteractionData/Third`)).json).toEqual({ InteractionId: id, DataKey: 'Third', DataValue: 'tres' });
    });

    it('PATCH and DELETE a row; an absent row is 404', async () => {
      const { json: item } = await api.post({ InteractionData: [{ DataKey: 'Keep', DataValue: 'k' }, { DataKey: 'Drop', DataValue: 'd' }] });
      const id = item.InteractionId;
      const patched = await api.patch(`/${id}/child/InteractionData/Keep`, { DataValue: 'kept' });
      expect(patched.status).toBe(200);
      expect(patched.json).toEqual({ InteractionId: id, DataKey: 'Keep', DataValue: 'kept' });
      const deleted = await api.del(`/${id}/child/InteractionData/Drop`);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect((await api.del(`/${id}/child/InteractionData/Drop`)).status).toBe(404);
      const absent = await api.patch(`/${id}/child/InteractionData/Never`, { DataValue: 'x' });
      expect(absent.status).toBe(404);
      expect(absent.json).toEqual(oracleError(404));
      expect((await api.get(`/${id}/child/InteractionData/Never`)).status).toBe(404);
      expect((await api.get(`/${id}`)).json.InteractionData).toEqual([{ InteractionId: id, DataKey: 'Keep', DataValue: 'kept' }]);
    });

    it('an integer past 2^53 keeps its exact digits; an object value keeps its key order', async () => {
      const created = await api.post('{"InteractionData":[{"DataKey":"Big","DataValue":12345678901234567890},{"DataKey":"Nested","DataValue":{"b":1,"2":"x","a":{"z":1,"1":2}}}]}');
      expect(created.status).toBe(201);
      expect(created.text).toContain('"DataKey":"Big","DataValue":"12345678901234567890"');
      expect(created.text).toContain('"DataValue":{"b":1,"2":"x","a":{"z":1,"1":2}}');
    });

    it('PATCH of the interaction upserts its InteractionData rows', async () => {
      const { json: item } = await api.post({ InteractionData: [{ DataKey: 'a', DataValue: '1' }, { DataKey: 'b', DataValue: '2' }] });
      const patched = await api.patch(`/${item.InteractionId}`, { InteractionData: [{ DataKey: 'a', DataValue: '10' }, { DataKey: 'c', DataValue: '3' }] });
      expect(patched.status).toBe(200);
      expect(patched.json.StatusCd).toBe('ORA_SVC_OPEN');
      expect(patched.json.InteractionData.map((r: { DataKey: string; DataValue: string }) => [r.DataKey, r.DataValue])).toEqual([
        ['a', '10'],
        ['b', '2'],
        ['c', '3'],
      ]);
    });
  });

  describe('closing', () => {
    it('PATCH StatusCd ORA_SVC_CLOSED stops it; GMS and Nexus see it stopped; any change after is 409', async () => {
      const { json: item } = await api.post({ OriginalSystemReference: 'close-1', InteractionData: [{ DataKey: 'k', DataValue: 'v' }] });
      const id = item.InteractionId;
      const closed = await api.patch(`/${id}`, { StatusCd: 'ORA_SVC_CLOSED' });
      expect(closed.status).toBe(200);
      expect(closed.json).toMatchObject({ InteractionId: id, StatusCd: 'ORA_SVC_CLOSED' });
      expect(Date.parse(closed.json.EndTime)).not.toBeNaN();
      expect((await gmsForm(gw, '/crm/close-1/get', 'searchByExternalId=true')).json.interactionProperties.interactionState).toBe('Stopped');

      for (const attempt of [
        api.patch(`/${id}`, { StatusCd: 'ORA_SVC_CLOSED' }),
        api.patch(`/${id}`, { InteractionData: [{ DataKey: 'k', DataValue: 'changed' }] }),
        api.patch(`/${id}`, {}),
        api.postRow(id, { DataKey: 'new', DataValue: 'x' }),
        api.patch(`/${id}/child/InteractionData/k`, { DataValue: 'changed' }),
        api.del(`/${id}/child/InteractionData/k`),
      ]) {
        const refused = await attempt;
        expect(refused.status).toBe(409);
        expect(refused.json).toEqual({ title: 'Conflict', status: 409, detail: `Interaction ${id} is closed` });
      }
      expect((await api.get(`/${id}`)).json).toMatchObject({ StatusCd: 'ORA_SVC_CLOSED', InteractionData: [{ DataKey: 'k', DataValue: 'v' }] });
    });

    it('PATCH with an EndTime stops it too, and the OriginalSystemReference is free again', async () => {
      const { json: item } = await api.post({ OriginalSystemReference: 'close-2' });
      expect((await api.patch(`/${item.InteractionId}`, { EndTime: '2017-03-03T05:01:13-08:00' })).json.StatusCd).toBe('ORA_SVC_CLOSED');
      const again = await api.post({ OriginalSystemReference: 'close-2' });
      expect(again.status).toBe(201);
      expect(again.json.InteractionId).not.toBe(item.InteractionId);
    });
  });

  describe('Upsert-Mode', () => {
    it('updates the open interaction with that OriginalSystemReference (200), creates otherwise (201)', async () => {
      const upsert = { 'upsert-mode': 'true' };
      const first = await api.post({ OriginalSystemReference: 'up-1', InteractionData: [{ DataKey: 'a', DataValue: '1' }] }, upsert);
      expect(first.status).toBe(201);
      const second = await api.post({ OriginalSystemReference: 'up-1', InteractionData: [{ DataKey: 'a', DataValue: '2' }, { DataKey: 'b', DataValue: '3' }] }, upsert);
      expect(second.status).toBe(200);
      expect(second.json.InteractionId).toBe(first.json.InteractionId);
      expect(second.json.InteractionData.map((r: { DataValue: string }) => r.DataValue)).toEqual(['2', '3']);

      const duplicate = await api.post({ OriginalSystemReference: 'up-1' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.json).toEqual(oracleError(409));
      const explicitFalse = await api.post({ OriginalSystemReference: 'up-1' }, { 'upsert-mode': 'false' });
      expect(explicitFalse.status).toBe(409);

      await api.patch(`/${first.json.InteractionId}`, { StatusCd: 'ORA_SVC_CLOSED' });
      const afterClose = await api.post({ OriginalSystemReference: 'up-1' }, upsert);
      expect(afterClose.status).toBe(201);
      expect(afterClose.json.InteractionId).not.toBe(first.json.InteractionId);
    });

    it('racing upserts make one interaction and none sees a 409', async () => {
      const body = { OriginalSystemReference: 'up-race', InteractionData: [{ DataKey: 'n', DataValue: 'x' }] };
      const answers = await Promise.all([1, 2, 3].map(() => api.post(body, { 'upsert-mode': 'true' })));
      // One creates (201); the others either find it (200) or, identical, are answered as retries of that create.
      expect(answers.map((a) => a.status)).toContain(201);
      for (const a of answers) expect([200, 201]).toContain(a.status);
      expect(new Set(answers.map((a) => a.json.InteractionId)).size).toBe(1);
    });
  });

  describe('Upsert-Mode races', () => {
    it('upserts with different rows racing: one creates (201), the others update it (200), every row lands', async () => {
      const answers = await Promise.all(
        ['a', 'b', 'c'].map((k) => api.post({ OriginalSystemReference: 'up-race-2', InteractionData: [{ DataKey: k, DataValue: k }] }, { 'upsert-mode': 'true' })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
      const ids = new Set(answers.map((a) => a.json.InteractionId));
      expect(ids.size).toBe(1);
      const rows = await api.get(`/${[...ids][0]}/child/InteractionData`);
      expect(rows.json.items.map((r: { DataKey: string }) => r.DataKey).sort()).toEqual(['a', 'b', 'c']);
    });
  });

  describe('Idempotency-Key', () => {
    it('a POST sent again with its key answers the same interaction; the key with another body is 422', async () => {
      const key = { 'idempotency-key': 'oracle-idem-1' };
      const body = { ChannelTypeCd: 'ORA_SVC_WEB', InteractionData: [{ DataKey: 'k', DataValue: 'v' }] };
      const first = await api.post(body, key);
      const again = await api.post(body, key);
      expect(first.status).toBe(201);
      expect(again.json.InteractionId).toBe(first.json.InteractionId);
      const other = await api.post({ ...body, Description: 'changed' }, key);
      expect(other.status).toBe(422);
      expect(other.json).toEqual(oracleError(422));
    });

    it('a PATCH writing rows and closing, with its key: both done; sent again, answered as the first', async () => {
      const id = (await api.post({ OriginalSystemReference: 'idem-patch-1' })).json.InteractionId;
      const key = { 'idempotency-key': 'oracle-idem-patch-1' };
      const body = { InteractionData: [{ DataKey: 'outcome', DataValue: 'solved' }], StatusCd: 'ORA_SVC_CLOSED' };
      const first = await api.patch(`/${id}`, body, key);
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({ StatusCd: 'ORA_SVC_CLOSED', InteractionData: [{ DataKey: 'outcome', DataValue: 'solved' }] });
      const again = await api.patch(`/${id}`, body, key);
      expect([again.status, again.json.StatusCd]).toEqual([200, 'ORA_SVC_CLOSED']);
      // Without the key, the same PATCH is a change of a closed interaction.
      expect((await api.patch(`/${id}`, body)).status).toBe(409);
    });
  });

  describe('bad input: Oracle error form, never a 5xx, nothing changed', () => {
    let id: number;
    beforeAll(async () => {
      id = (await api.post({ OriginalSystemReference: "x' or '1'='1-target", InteractionData: [{ DataKey: 'safe', DataValue: 'v' }] })).json.InteractionId;
    });

    it.each([
      ['malformed JSON', '{"ChannelTypeCd": '],
      ['a JSON array', '[]'],
      ['InteractionData not an array', { InteractionData: { DataKey: 'a' } }],
      ['a row without DataKey', { InteractionData: [{ DataValue: 'a' }] }],
      ['a null DataValue', { InteractionData: [{ DataKey: 'a', DataValue: null }] }],
      ['an array DataValue', { InteractionData: [{ DataKey: 'a', DataValue: [1] }] }],
      ['a __proto__ DataKey', { InteractionData: [{ DataKey: '__proto__', DataValue: 'x' }] }],
      ['a StartTime that is no date', { StartTime: 'yesterday' }],
      ['a number for ChannelTypeCd', { ChannelTypeCd: 7 }],
      ['an empty OriginalSystemReference', { OriginalSystemReference: '' }],
    ])('POST with %s → 400', async (_what, body) => {
      const answer = await api.post(body);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual(oracleError(400));
      expect(answer.headers['content-type']).toBe('application/vnd.oracle.adf.error+json');
    });

    it('a body in a media type Oracle does not take → 415, logged once; nothing created or changed', async () => {
      const before = (await api.get('')).json.count;
      for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'application/xml', '']) {
        for (const answer of [
          await api.post('{"OriginalSystemReference":"ct-1"}', { 'content-type': contentType }),
          await api.patch(`/${id}`, '{"StatusCd":"ORA_SVC_CLOSED"}', { 'content-type': contentType }),
          await api.patch(`/${id}/child/InteractionData/safe`, '{"DataValue":"x"}', { 'content-type': contentType }),
        ]) {
          expect([contentType, answer.status, answer.json]).toEqual([contentType, 415, { title: 'Unsupported Media Type', status: 415, detail: expect.stringContaining('Content-Type must be application/json') }]);
          expect(answer.headers['content-type']).toBe('application/vnd.oracle.adf.error+json');
          expect(logLineOf(answer)).toMatchObject({ dialect: 'oracle', status: 415, outcome: 'invalid_request' });
        }
      }
      expect((await api.get('')).json.count).toBe(before);
      expect((await api.get(`/${id}`)).json).toMatchObject({ StatusCd: 'ORA_SVC_OPEN', InteractionData: [{ DataKey: 'safe', DataValue: 'v' }] });
    });

    it('Upsert-Mode other than true or false → 400 naming it, nothing created', async () => {
      const before = (await api.get('')).json.count;
      for (const mode of ['yes', '1', 'true, true', '']) {
        const answer = await api.post({ OriginalSystemReference: `odd-upsert-${mode}` }, { 'upsert-mode': mode });
        expect([mode, answer.status, answer.json]).toEqual([mode, 400, { title: 'Bad Request', status: 400, detail: 'Upsert-Mode must be true or false' }]);
      }
      expect((await api.get('')).json.count).toBe(before);
      // Oracle's two values in any case and with spaces around them.
      expect((await api.post({ OriginalSystemReference: 'odd-upsert-ok' }, { 'upsert-mode': ' TRUE ' })).status).toBe(201);
      const notUpsert = await api.post({ OriginalSystemReference: 'odd-upsert-ok', Description: 'another create' }, { 'upsert-mode': 'False' });
      expect(notUpsert.status).toBe(409);
    });

    it.each([
      ['not digits', '/abc', 400],
      ['a canonical-looking id', '/0000000000000000', 404],
      ['dot dot', '/..', 400],
      ['an encoded dot dot', '/%2E%2E', 400],
      ['an encoded slash', `/${'1'}%2F2`, 400],
      ['bad percent-encoding', '/%ZZ', 400],
      ['a number past 2^53', '/9007199254740993', 404],
      ['a huge number', `/${'9'.repeat(40)}`, 404],
      ['a negative number', '/-1', 400],
      ['a decimal', '/1.5', 400],
      ['zero', '/0', 404],
      ['an unknown id', '/8999999999999', 404],
    ])('GET and PATCH by %s → %s', async (_what, path, status) => {
      for (const answer of [await api.get(path), await api.patch(path, { StatusCd: 'ORA_SVC_CLOSED' }), await api.get(`${path}/child/InteractionData`)]) {
        expect(answer.status).toBe(status);
        expect(answer.json).toEqual(oracleError(status));
      }
    });

    it('a path that only resembles the resource is 404, a row key with an encoded slash 400', async () => {
      expect((await api.get(`/${id}/child/Other`)).status).toBe(404);
      expect((await api.del(`/${id}/child/InteractionData/a%2Fb`)).status).toBe(400);
      expect((await api.del(`/${id}/child/InteractionData/..`)).status).toBe(400);
    });

    it('a q injection attempt is a value, never a condition', async () => {
      const injected = await api.get(`?q=${encodeURIComponent("OriginalSystemReference='x'' or ''1''=''1'")}`);
      expect(injected.status).toBe(200);
      expect(injected.json).toMatchObject({ count: 0, items: [] });
      const exact = await api.get(`?q=${encodeURIComponent("OriginalSystemReference='x'' or ''1''=''1-target'")}`);
      expect(exact.json.items.map((i: { InteractionId: number }) => i.InteractionId)).toEqual([id]);
      for (const q of ["OriginalSystemReference='x' or '1'='1'", "OriginalSystemReference='x'; StatusCd='ORA_SVC_OPEN'", 'StatusCd=ORA_SVC_OPEN', "OriginalSystemReference=''"]) {
        const answer = await api.get(`?q=${encodeURIComponent(q)}`);
        expect(answer.status).toBe(400);
        expect(answer.json).toEqual(oracleError(400));
      }
      expect((await api.get('?q=%ZZ')).status).toBe(400);
      expect((await api.get('?limit=0')).status).toBe(400);
      expect((await api.get('?limit=501')).status).toBe(400);
    });

    it('bad PATCH bodies change nothing', async () => {
      for (const body of [{ StatusCd: 'CLOSED' }, { StatusCd: 1 }, { EndTime: 'soon' }, { InteractionData: [{ DataKey: 'safe', DataValue: null }] }, '{oops']) {
        const answer = await api.patch(`/${id}`, body);
        expect(answer.status).toBe(400);
        expect(answer.json).toEqual(oracleError(400));
      }
      expect((await api.get(`/${id}`)).json).toMatchObject({ StatusCd: 'ORA_SVC_OPEN', InteractionData: [{ DataKey: 'safe', DataValue: 'v' }] });
    });

    it('an unsupported method is 405 in the Oracle form', async () => {
      const answer = await call(gw, `${BASE}/${id}`, { method: 'DELETE' });
      expect(answer.status).toBe(405);
      expect(answer.json).toEqual(oracleError(405));
    });
  });
});
