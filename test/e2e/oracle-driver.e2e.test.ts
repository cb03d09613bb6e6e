import type { Driver } from '../../src/core/driver';
import { oracleDriverConfigSchema } from '../../src/drivers/oracle/oracle.config';
import { oracleDriver } from '../../src/drivers/oracle/oracle.driver';
import { SPEC_ITEM } from '../fixtures/oracle-spec';
import { byExt, byId, commandsFor, driversAgainst, failure, recordingLogger, str } from '../support/driver';
import { FakeUpstream, senderHeaders, type Recorded, type Reply } from '../support/fake-upstream';

const ROOT = '/crmRestApi/resources/11.13.18.05';
const BASE = `${ROOT}/interactions`;
const ID = SPEC_ITEM.InteractionId;
const NOW = new Date('2024-05-01T10:00:00.000Z');
const PASSWORD = 'p4ss-w0rd';
const AUTH = `Basic ${Buffer.from(`gateway:${PASSWORD}`).toString('base64')}`;
const READ_HEADERS = { accept: 'application/json', 'rest-framework-version': '4', 'x-request-id': 'req-1', authorization: AUTH };
const WRITE_HEADERS = { ...READ_HEADERS, 'content-type': 'application/vnd.oracle.adf.resourceitem+json' };

/** A request as the driver sent it: its own headers compared exactly, the JSON body parsed. */
const wire = (r: Recorded) => ({ method: r.method, path: r.path, headers: senderHeaders(r), body: r.body === '' ? undefined : JSON.parse(r.body) });

/** Oracle's answers, built from the spec's example item. */
const item = (fields: Record<string, unknown> = {}): Reply => ({ status: 200, json: { ...SPEC_ITEM, ...fields } });
const created = (fields: Record<string, unknown> = {}): Reply => ({ status: 201, json: { ...SPEC_ITEM, ...fields } });
const collection = (items: unknown[]): Reply => ({ status: 200, json: { items, count: items.length, hasMore: false, limit: 500, offset: 0 } });
const rows = (values: Record<string, string>) => collection(Object.entries(values).map(([DataKey, DataValue]) => ({ InteractionId: ID, DataKey, DataValue })));
const oracleError = (status: number): Reply => ({ status, json: { title: 'Error', status, detail: 'refused by Oracle' } });

const { createCmd, getCmd, updateCmd, stopCmd } = commandsFor('gms', 'sales', String(ID));
const findPath = (literal: string) => `${BASE}?q=${literal}&limit=500`;

describe('oracle driver against a recording Oracle CX server', () => {
  const upstream = new FakeUpstream({ status: 500 });
  const logger = recordingLogger();
  const makeDriver = driversAgainst(upstream, (options) =>
    oracleDriver.create(
      { backendName: 'crmcloud', logger, now: () => NOW },
      oracleDriverConfigSchema.parse({ driver: 'oracle', baseUrl: `${upstream.url}${ROOT}`, basicAuth: { username: 'gateway', password: PASSWORD }, timeoutMs: 10_000, retries: 0, breakerThreshold: 1000, ...options }),
    ),
  );
  let driver: Driver;
  beforeAll(() => {
    driver = makeDriver();
  });

  describe('create', () => {
    it('looks the externalId up with a quoted q, then POSTs the item with its InteractionData rows', async () => {
      upstream.answer(collection([]), created({ OriginalSystemReference: 'xy932' }));
      const result = await driver.create!(
        createCmd({
          externalId: 'xy932',
          receivedAt: '2024-05-01T09:59:00.000Z',
          userData: [str('0rderNumber', 'ABC123456789'), { key: 'n', type: 'int', value: 7 }, { key: 'kv', type: 'kvlist', value: [str('a', 'b')] }],
          extra: { 'oracle.Description': 'from the CRM' },
        }),
      );
      expect(result).toEqual({ id: String(ID), externalId: 'xy932' });
      expect(upstream.recorded.map(wire)).toEqual([
        { method: 'GET', path: findPath("OriginalSystemReference%3D'xy932'"), headers: READ_HEADERS, body: undefined },
        {
          method: 'POST',
          path: BASE,
          headers: WRITE_HEADERS,
          body: {
            ChannelTypeCd: 'ORA_SVC_WEB',
            DirectionCd: 'ORA_SVC_INBOUND',
            Description: 'from the CRM',
            OriginalSystemReference: 'xy932',
            StartTime: '2024-05-01T09:59:00.000Z',
            InteractionData: [
              { DataKey: '0rderNumber', DataValue: 'ABC123456789' },
              { DataKey: 'n', DataValue: '7' },
              { DataKey: 'kv', DataValue: '{"a":"b"}' },
            ],
          },
        },
      ]);
    });

    it("quotes an injection attempt into one literal: x' or '1'='1 stays a value", async () => {
      upstream.answer(collection([]), created());
      await driver.create!(createCmd({ externalId: "x' or '1'='1" }));
      expect(upstream.recorded[0]!.path).toBe(findPath("OriginalSystemReference%3D'x''%20or%20''1''%3D''1'"));
      expect(decodeURIComponent(new URL(upstream.recorded[0]!.path, 'http://x').searchParams.get('q')!)).toBe("OriginalSystemReference='x'' or ''1''=''1'");
    });

    it('hostile externalIds: &, #, %, ;, quotes and Unicode stay inside one encoded literal; a backslash or control character is never sent', async () => {
      for (const externalId of ['a&limit=1#x', '100%;--', `"o'b"`, 'ünï 𝄞']) {
        upstream.answer(collection([]));
        await failure(driver.get!(getCmd(byExt(externalId))), 'not_found');
        const sent = new URL(upstream.recorded[0]!.path, 'http://x');
        expect([...sent.searchParams.keys()]).toEqual(['q', 'limit']);
        expect(sent.searchParams.get('q')).toBe(`OriginalSystemReference='${externalId.replace(/'/g, "''")}'`);
      }
      // In some q syntaxes a backslash escapes the closing quote: `x\' or 1=1 or 'a` would then be a second condition.
      upstream.answer();
      for (const externalId of ["x\\' or 1=1 or 'a", 'x\\', 'a\u0000b', 'a\nb']) {
        await failure(driver.get!(getCmd(byExt(externalId))), 'invalid_request');
        await failure(driver.create!(createCmd({ externalId })), 'invalid_request');
      }
      expect(upstream.total()).toBe(0);
    });

    it('an open interaction with the externalId makes it a duplicate, without a POST; a closed one does not', async () => {
      upstream.answer(collection([{ ...SPEC_ITEM, OriginalSystemReference: 'dup' }]));
      await failure(driver.create!(createCmd({ externalId: 'dup' })), 'already_exists');
      expect(upstream.recorded.map((r) => r.method)).toEqual(['GET']);
      upstream.answer(collection([{ ...SPEC_ITEM, StatusCd: 'ORA_SVC_CLOSED', EndTime: '2017-03-03T05:00:00-08:00' }]), created({ InteractionId: ID + 1 }));
      expect(await driver.create!(createCmd({ externalId: 'dup' }))).toEqual({ id: String(ID + 1), externalId: 'dup' });
    });

    it('without externalId: one POST; a bearer token, the pinned framework version and the configured defaults', async () => {
      const bearer = makeDriver({ basicAuth: undefined, bearerToken: 'tok-1', frameworkVersion: 9, channelType: 'ORA_SVC_PHONE', direction: 'ORA_SVC_OUTBOUND' });
      upstream.answer(created());
      expect(await bearer.create!(createCmd({ extra: { 'oracle.ChannelTypeCd': 'ORA_SVC_EMAIL' } }))).toEqual({ id: String(ID) });
      expect(upstream.recorded.map(wire)).toEqual([
        {
          method: 'POST',
          path: BASE,
          headers: { ...WRITE_HEADERS, authorization: 'Bearer tok-1', 'rest-framework-version': '9' },
          body: { ChannelTypeCd: 'ORA_SVC_EMAIL', DirectionCd: 'ORA_SVC_OUTBOUND', InteractionData: [] },
        },
      ]);
    });

    it('a 409 from Oracle is already_exists', async () => {
      upstream.answer(collection([]), oracleError(409));
      await failure(driver.create!(createCmd({ externalId: 'raced' })), 'already_exists');
    });
  });

  describe('get', () => {
    it('by id: the item and its rows, as the canonical interaction', async () => {
      upstream.answer(item({ OriginalSystemReference: 'xy932' }), rows({ OrderNumber: 'ABC123', Attempts: '3' }));
      const got = await driver.get!(getCmd(byId(String(ID))));
      expect(upstream.recorded.map(wire)).toEqual([
        { method: 'GET', path: `${BASE}/${ID}`, headers: READ_HEADERS, body: undefined },
        { method: 'GET', path: `${BASE}/${ID}/child/InteractionData?limit=500&offset=0`, headers: READ_HEADERS, body: undefined },
      ]);
      expect(got).toEqual({
        id: String(ID),
        externalId: 'xy932',
        service: 'sales',
        type: 'Inbound',
        subtype: '',
        mediaType: '',
        state: 'queued',
        receivedAt: '2017-03-03T12:01:13.000Z',
        submittedAt: '2017-03-03T12:01:13.000Z',
        userData: [str('OrderNumber', 'ABC123'), str('Attempts', '3')],
        extra: { 'oracle.ChannelTypeCd': 'ORA_SVC_WEB', 'oracle.DirectionCd': 'ORA_SVC_INBOUND' },
      });
    });

    it('by externalId: the open one of several, its rows read page by page', async () => {
      const closed = { ...SPEC_ITEM, InteractionId: ID + 5, StatusCd: 'ORA_SVC_CLOSED', EndTime: '2017-03-03T05:00:00-08:00' };
      upstream.answer(
        collection([closed, { ...SPEC_ITEM, OriginalSystemReference: 'xy932' }]),
        { status: 200, json: { items: [{ DataKey: 'a', DataValue: '1' }], count: 1, hasMore: true } },
        rows({ b: '2' }),
      );
      const got = await driver.get!(getCmd(byExt('xy932')));
      expect(got).toMatchObject({ id: String(ID), state: 'queued', userData: [str('a', '1'), str('b', '2')] });
      expect(upstream.recorded.map((r) => r.path)).toEqual([
        findPath("OriginalSystemReference%3D'xy932'"),
        `${BASE}/${ID}/child/InteractionData?limit=500&offset=0`,
        `${BASE}/${ID}/child/InteractionData?limit=500&offset=500`,
      ]);
    });

    it('a closed interaction reads as stopped at its EndTime', async () => {
      upstream.answer(item({ StatusCd: 'ORA_SVC_CLOSED', EndTime: '2017-03-03T05:01:13-08:00' }), rows({}));
      expect(await driver.get!(getCmd(byId(String(ID))))).toMatchObject({ state: 'stopped', stoppedAt: '2017-03-03T13:01:13.000Z' });
    });

    it('an id that is no InteractionId is not found without a call; Oracle 404 is not_found', async () => {
      upstream.answer();
      for (const id of ['0000000000000000', 'abc', '9007199254740993', '-1']) await failure(driver.get!(getCmd(byId(id))), 'not_found');
      expect(upstream.total()).toBe(0);
      upstream.answer(oracleError(404));
      await failure(driver.get!(getCmd(byId('42'))), 'not_found');
      upstream.answer(collection([]));
      await failure(driver.get!(getCmd(byExt('nobody'))), 'not_found');
    });
  });

  describe('update', () => {
    it('through the child resource: PATCH a present key, POST a new one, DELETE a removed one, each key once', async () => {
      upstream.answer(item(), rows({ present: 'old', gone: 'x' }), item(), item(), { status: 204 });
      await driver.update!(
        updateCmd([
          { op: 'upsert', entries: [str('present', 'first'), str('fresh', 'new')] },
          { op: 'replace', entries: [str('present', 'new')] },
          { op: 'delete', keys: ['gone', 'never-there'] },
        ]),
      );
      const rowsPath = `${BASE}/${ID}/child/InteractionData`;
      expect(upstream.recorded.map(wire)).toEqual([
        { method: 'GET', path: `${BASE}/${ID}`, headers: READ_HEADERS, body: undefined },
        { method: 'GET', path: `${rowsPath}?limit=500&offset=0`, headers: READ_HEADERS, body: undefined },
        { method: 'PATCH', path: `${rowsPath}/present`, headers: WRITE_HEADERS, body: { DataValue: 'new' } },
        { method: 'POST', path: rowsPath, headers: WRITE_HEADERS, body: { DataKey: 'fresh', DataValue: 'new' } },
        { method: 'DELETE', path: `${rowsPath}/gone`, headers: READ_HEADERS, body: undefined },
      ]);
    });

    it('row keys are encoded as one path segment; a key no path can carry is refused before any write', async () => {
      upstream.answer(item(), rows({ 'a b?c': '1' }), item());
      await driver.update!(updateCmd([{ op: 'upsert', entries: [str('a b?c', '2')] }]));
      expect(upstream.recorded[2]!.path).toBe(`${BASE}/${ID}/child/InteractionData/a%20b%3Fc`);
      upstream.answer(item(), rows({ 'a/b': '1', '..': '2' }), item(), rows({ 'a/b': '1', '..': '2' }));
      await failure(driver.update!(updateCmd([{ op: 'delete', keys: ['a/b'] }])), 'invalid_request');
      await failure(driver.update!(updateCmd([{ op: 'upsert', entries: [str('..', '3')] }])), 'invalid_request');
      expect(upstream.recorded.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'GET']);
    });

    it('a closed interaction is a conflict, without a write; a repeated DELETE finding no row is done', async () => {
      upstream.answer(item({ StatusCd: 'ORA_SVC_CLOSED' }));
      await failure(driver.update!(updateCmd([{ op: 'upsert', entries: [str('a', '1')] }])), 'conflict');
      expect(upstream.total()).toBe(1);
      upstream.answer(item(), rows({ a: '1' }), oracleError(404));
      await driver.update!(updateCmd([{ op: 'delete', keys: ['a'] }]));
      upstream.answer(item(), rows({}), oracleError(409));
      await failure(driver.update!(updateCmd([{ op: 'upsert', entries: [str('a', '1')] }])), 'conflict');
    });

    it('a failure part way says which rows were written; the update sent again PATCHes them, never POSTs a row twice', async () => {
      const rowsPath = `${BASE}/${ID}/child/InteractionData`;
      const row = (DataKey: string, DataValue: string): Reply => ({ status: 201, json: { InteractionId: ID, DataKey, DataValue } });
      const changes = updateCmd([{ op: 'upsert', entries: [str('a', '2'), str('b', 'new'), str('c', 'new'), str('d', 'new')] }]);
      upstream.answer(item(), rows({ a: '1' }), item(), row('b', 'new'), oracleError(503));
      const err = await failure(driver.update!(changes), 'upstream_unavailable');
      expect(err.details).toMatchObject({ upstreamStatus: 503, applied: 'unknown', partial: { written: ['a', 'b'], failed: 'c', unsent: ['d'] } });
      expect(err.message).toMatch(/applied in part: InteractionData rows "a", "b" written, "c" failed, "d" not sent$/);
      expect(err.retryable).toBe(true);
      expect(upstream.recorded.map((r) => `${r.method} ${r.path}`).slice(2)).toEqual([`PATCH ${rowsPath}/a`, `POST ${rowsPath}`, `POST ${rowsPath}`]);

      // Sent again: Oracle now holds a and b (and, the 503 notwithstanding, c): each is PATCHed, only d is POSTed.
      upstream.answer(item(), rows({ a: '2', b: 'new', c: 'new' }), item(), item(), item(), row('d', 'new'));
      await driver.update!(changes);
      expect(upstream.recorded.map(wire).slice(2)).toEqual([
        { method: 'PATCH', path: `${rowsPath}/a`, headers: WRITE_HEADERS, body: { DataValue: '2' } },
        { method: 'PATCH', path: `${rowsPath}/b`, headers: WRITE_HEADERS, body: { DataValue: 'new' } },
        { method: 'PATCH', path: `${rowsPath}/c`, headers: WRITE_HEADERS, body: { DataValue: 'new' } },
        { method: 'POST', path: rowsPath, headers: WRITE_HEADERS, body: { DataKey: 'd', DataValue: 'new' } },
      ]);

      // The first row call failing: nothing was written, and the error says no more than the upstream's.
      upstream.answer(item(), rows({}), oracleError(400));
      const first = await failure(driver.update!(changes), 'upstream_rejected');
      expect(first.details.partial).toBeUndefined();
      expect(first.message).toBe('Upstream rejected the request');
    });
  });

  describe('stop', () => {
    it('PATCH StatusCd ORA_SVC_CLOSED with the EndTime; a closed one is a conflict without a write', async () => {
      upstream.answer(item(), item({ StatusCd: 'ORA_SVC_CLOSED' }));
      await driver.stop!(stopCmd({ reasonSystemName: 'dropped: Oracle has no reason attribute' }));
      expect(upstream.recorded.map(wire)).toEqual([
        { method: 'GET', path: `${BASE}/${ID}`, headers: READ_HEADERS, body: undefined },
        { method: 'PATCH', path: `${BASE}/${ID}`, headers: WRITE_HEADERS, body: { StatusCd: 'ORA_SVC_CLOSED', EndTime: NOW.toISOString() } },
      ]);
      upstream.answer(item({ StatusCd: 'ORA_SVC_CLOSED' }));
      await failure(driver.stop!(stopCmd()), 'conflict');
      expect(upstream.total()).toBe(1);
    });
  });

  describe('failures', () => {
    it.each([
      [500, 'upstream_unavailable'],
      [503, 'upstream_unavailable'],
      [504, 'upstream_timeout'],
      [401, 'upstream_rejected'],
      [403, 'upstream_rejected'],
      [400, 'upstream_rejected'],
      [429, 'rate_limited'],
    ] as const)('Oracle %s → %s, with the status kept', async (status, code) => {
      upstream.answer(oracleError(status));
      const err = await failure(driver.get!(getCmd(byId(String(ID)))), code);
      expect(err.details.upstreamStatus).toBe(status);
      expect(err.retryable).toBe(code === 'upstream_unavailable' || code === 'upstream_timeout' || code === 'rate_limited');
    });

    it('an answer that is not an Oracle item is upstream_rejected', async () => {
      for (const reply of [{ status: 200, text: '<html>' }, { status: 200, json: { items: 'no' } }, { status: 200, json: { InteractionId: 'x' } }] as Reply[]) {
        upstream.answer(reply);
        await failure(driver.get!(getCmd(byId(String(ID)))), 'upstream_rejected');
      }
    });

    it.each([
      [400, 'upstream_rejected'],
      [401, 'upstream_rejected'],
      [404, 'not_found'],
      [409, 'conflict'],
      [429, 'rate_limited'],
    ] as const)('Oracle %s: its words ride on the error to the request’s log line; the driver writes none', async (status, code) => {
      logger.lines.length = 0;
      upstream.answer(oracleError(status));
      const err = await failure(driver.get!(getCmd(byId(String(ID)))), code);
      expect(err.details).toMatchObject({ upstreamStatus: status, upstreamMessage: 'Error: refused by Oracle' });
      expect(err.message).not.toContain('refused by Oracle');
      expect(logger.lines).toEqual([]);
    });
  });
});
