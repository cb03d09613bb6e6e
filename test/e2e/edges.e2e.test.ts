import { Agent } from 'node:http';
import { startGateway, type TestGateway } from '../support/gateway';
import { call, type Answer } from '../support/http-call';
import { memoryLogger, winstonLines } from '../support/log-capture';

/**
 * The operational edges every dialect shares (DESIGN §4 "Rules shared by every dialect", §8): health, request
 * ids, body limits in each dialect's error form, robustness under a burst of bad requests, and the one log
 * line per request with its secrets kept out.
 */

const GMS = '/genesys/2/openmedia';
const NEXUS = '/nexus/v3/openmedia';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const NEXUS_KEY = 'nexus-key-0123456789';
const NEXUS_JSON = { 'content-type': 'application/json', 'x-api-key': NEXUS_KEY };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('operations endpoints and request ids', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('/healthz answers 200', async () => {
    const res = await call(gw, '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 with each backend', async () => {
    const res = await call(gw, '/readyz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ready', backends: { sim: { ok: true } }, store: { ok: true } });
  });

  it('an unknown path is a 404 in JSON', async () => {
    const res = await call(gw, '/no/such/thing');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json).toEqual({ error: 'not_found', message: expect.any(String) });
  });

  const answers: [string, (gw: TestGateway, headers: Record<string, string>) => Promise<Answer>][] = [
    ['/healthz', (g, h) => call(g, '/healthz', { headers: h })],
    ['/readyz', (g, h) => call(g, '/readyz', { headers: h })],
    ['an unknown path', (g, h) => call(g, '/nope', { headers: h })],
    ['a GMS create', (g, h) => call(g, `${GMS}/svc`, { headers: { ...FORM, ...h }, body: 'userData%5Ba%5D=1' })],
    ['a GMS error', (g, h) => call(g, `${GMS}/svc/x/update`, { headers: { ...FORM, ...h }, body: '' })],
    ['a Nexus create', (g, h) => call(g, `${NEXUS}/svc/interactions`, { headers: { ...NEXUS_JSON, ...h }, body: '{}' })],
    ['a Nexus 401', (g, h) => call(g, `${NEXUS}/svc/interactions/abc`, { headers: h })],
  ];

  it.each(answers)('%s carries a generated X-Request-Id', async (_name, send) => {
    const res = await send(gw, {});
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it.each(answers)("%s keeps the caller's plain X-Request-Id", async (_name, send) => {
    const res = await send(gw, { 'x-request-id': 'req-42.A:b@c_d' });
    expect(res.headers['x-request-id']).toBe('req-42.A:b@c_d');
  });

  it.each([['<script>alert(1)</script>'], ['x'.repeat(129)], ['has space'], ['quote"d'], ['ünïcode']])('replaces a hostile X-Request-Id %p', async (hostile) => {
    for (const [, send] of answers) {
      const res = await send(gw, { 'x-request-id': Buffer.from(hostile, 'utf8').toString('latin1') });
      expect(res.headers['x-request-id']).toMatch(UUID);
    }
  });
});

describe('body limits (server.bodyLimit 1kb, maxFields default 1000)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ server: { bodyLimit: '1kb' } });
  });
  afterAll(() => gw.close());

  const bigForm = `userData%5Bk%5D=${'x'.repeat(2048)}`;
  const bigJson = JSON.stringify({ userData: { k: 'x'.repeat(2048) } });
  const gms413 = { statusCode: 2, errors: [expect.objectContaining({ code: expect.any(Number) })] };
  const nexus413 = { status: { code: 413, message: expect.any(String) } };

  it('GMS: a body over the limit → 413 in the GMS form', async () => {
    const res = await call(gw, `${GMS}/svc`, { headers: FORM, body: bigForm });
    expect(res.status).toBe(413);
    expect(res.json).toEqual(gms413);
  });

  it('GMS: a chunked body over the limit → 413 in the GMS form', async () => {
    const res = await call(gw, `${GMS}/svc`, { headers: FORM, body: [bigForm.slice(0, 600), bigForm.slice(600, 1200), bigForm.slice(1200)] });
    expect(res.status).toBe(413);
    expect(res.json).toEqual(gms413);
  });

  it('Nexus: a body over the limit → 413 in the Nexus form', async () => {
    const res = await call(gw, `${NEXUS}/svc/interactions`, { headers: NEXUS_JSON, body: bigJson });
    expect(res.status).toBe(413);
    expect(res.json).toEqual(nexus413);
  });

  it('Nexus: a chunked body over the limit → 413 in the Nexus form', async () => {
    const res = await call(gw, `${NEXUS}/svc/interactions`, { headers: NEXUS_JSON, body: [bigJson.slice(0, 700), bigJson.slice(700)] });
    expect(res.status).toBe(413);
    expect(res.json).toEqual(nexus413);
  });

  it('a body of exactly the limit is read', async () => {
    const body = `externalId=exact&userData%5Bk%5D=${'x'.repeat(1024 - 'externalId=exact&userData%5Bk%5D='.length)}`;
    expect(Buffer.byteLength(body)).toBe(1024);
    const res = await call(gw, `${GMS}/svc`, { headers: FORM, body });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ statusCode: 0, interactionId: expect.any(String) });
  });

  it('the connection stays usable after a 413', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await call(gw, `${GMS}/svc`, { headers: FORM, body: bigForm, agent })).status).toBe(413);
      expect((await call(gw, '/healthz', { agent })).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });
});

describe('field limits (maxFields default 1000)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  const fields = (n: number) => Array.from({ length: n }, (_, i) => `userData%5Bk${i}%5D=v`).join('&');

  it('GMS: 1000 form fields are accepted', async () => {
    const res = await call(gw, `${GMS}/svc`, { headers: FORM, body: fields(1000) });
    expect(res.status).toBe(200);
  });

  it('GMS: 1001 form fields → 413 in the GMS form', async () => {
    const res = await call(gw, `${GMS}/svc`, { headers: FORM, body: fields(1001) });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ statusCode: 2 });
  });

  it('Nexus: more than 1000 JSON keys → 413 in the Nexus form', async () => {
    const userData = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, 'v']));
    const res = await call(gw, `${NEXUS}/svc/interactions`, { headers: NEXUS_JSON, body: JSON.stringify({ userData }) });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ status: { code: 413, message: expect.any(String) } });
  });

  it('a burst of bad requests, then a good one still answers 200', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    try {
      const bad: Promise<Answer>[] = [];
      for (let i = 0; i < 60; i++) {
        bad.push(call(gw, `${GMS}/svc`, { headers: FORM, body: `userData%5Bk%5D=%ZZ${i}`, agent }));
        bad.push(call(gw, `${GMS}/svc`, { headers: FORM, body: fields(1001), agent }));
        bad.push(call(gw, `${NEXUS}/svc/interactions`, { headers: NEXUS_JSON, body: '{"userData":', agent }));
        bad.push(call(gw, `${NEXUS}/%2E%2E/interactions`, { headers: NEXUS_JSON, body: '{}', agent }));
        bad.push(call(gw, `${GMS}/svc`, { headers: { 'content-type': 'text/plain' }, body: 'hello', agent }));
      }
      const answers = await Promise.all(bad);
      for (const a of answers) expect([400, 413]).toContain(a.status);
      const good = await call(gw, `${NEXUS}/svc/interactions`, { headers: NEXUS_JSON, body: '{"externalId":"after-burst"}', agent });
      expect(good.status).toBe(200);
      expect(good.json).toMatchObject({ status: { code: 0 } });
    } finally {
      agent.destroy();
    }
  });
});

describe('the request log', () => {
  const GMS_PASSWORD = 'gms-pa55word-xyz';
  const basic = `Basic ${Buffer.from(`legacy:${GMS_PASSWORD}`).toString('base64')}`;
  const config = {
    server: { bodyLimit: '1kb' },
    inbound: {
      gms: { basicAuth: { users: { legacy: '${GMS_PASSWORD}' } } },
      nexus: { apiKeys: { '${NEXUS_KEY}': { services: ['svc'] } } },
    },
    logging: { sensitiveKeys: ['CardNumber'] },
  };
  const env = { GMS_PASSWORD, NEXUS_KEY };

  it('writes exactly one line per request, with id, dialect, command, service, backend, outcome and duration', async () => {
    const logger = memoryLogger();
    const gw = await startGateway(config, { env, logger });
    try {
      const sent: Answer[] = [];
      sent.push(await call(gw, `${NEXUS}/svc/interactions`, { headers: NEXUS_JSON, body: '{"externalId":"log-1","userData":{"CardNumber":"4111"}}' }));
      sent.push(await call(gw, `${NEXUS}/svc/interactions/ext_log-1`, { headers: { 'x-api-key': NEXUS_KEY } }));
      sent.push(await call(gw, `${NEXUS}/svc/interactions/ext_nope`, { headers: { 'x-api-key': NEXUS_KEY } }));
      sent.push(await call(gw, `${GMS}/svc`, { headers: { ...FORM, authorization: basic }, body: 'externalId=log-2' }));
      sent.push(await call(gw, `${GMS}/svc/log-2/update`, { headers: { ...FORM, authorization: basic }, body: 'searchByExternalId=true' }));
      expect(sent.map((s) => s.status)).toEqual([200, 200, 404, 200, 400]);

      // The log line is written as the answer is sent; give the last one a tick.
      await new Promise((r) => setImmediate(r));
      const requestLines = logger.lines.filter((l) => l.message === 'request');
      expect(requestLines).toHaveLength(sent.length);
      for (const answer of sent) {
        const id = answer.headers['x-request-id'];
        expect(requestLines.filter((l) => l.fields.requestId === id)).toHaveLength(1);
      }
      const byId = (a: Answer) => requestLines.find((l) => l.fields.requestId === a.headers['x-request-id'])!;
      expect(byId(sent[0]!)).toMatchObject({ level: 'info', fields: { dialect: 'nexus', command: 'create', service: 'svc', backend: 'sim', outcome: 'ok', status: 200, ms: expect.any(Number) } });
      expect(byId(sent[1]!).fields).toMatchObject({ dialect: 'nexus', command: 'get', service: 'svc', backend: 'sim', outcome: 'ok' });
      expect(byId(sent[2]!)).toMatchObject({ level: 'warn', fields: { dialect: 'nexus', command: 'get', service: 'svc', backend: 'sim', outcome: 'not_found', status: 404 } });
      expect(byId(sent[3]!).fields).toMatchObject({ dialect: 'gms', command: 'create', service: 'svc', backend: 'sim', outcome: 'ok', client: 'legacy' });
      expect(byId(sent[4]!).fields).toMatchObject({ dialect: 'gms', command: 'update', service: 'svc', outcome: 'invalid_request', status: 400 });
    } finally {
      await gw.close();
    }
  });

  it('a request refused before it was understood still gets its one line', async () => {
    const logger = memoryLogger();
    const gw = await startGateway(config, { env, logger });
    try {
      const tooBig = await call(gw, `${NEXUS}/svc/interactions`, { headers: NEXUS_JSON, body: JSON.stringify({ pad: 'x'.repeat(2048) }) });
      const badId = await call(gw, `${GMS}/svc/%2E%2E/get`, { headers: { ...FORM, authorization: basic }, body: '' });
      await new Promise((r) => setImmediate(r));
      for (const answer of [tooBig, badId]) {
        const lines = logger.lines.filter((l) => l.message === 'request' && l.fields.requestId === answer.headers['x-request-id']);
        expect(lines).toHaveLength(1);
        expect(lines[0]!.fields).toMatchObject({ dialect: expect.any(String), outcome: 'invalid_request', status: answer.status, ms: expect.any(Number) });
      }
    } finally {
      await gw.close();
    }
  });

  it('never writes an x-api-key, an Authorization value or a password (real winston output)', async () => {
    const { logger, lines } = winstonLines(config.logging.sensitiveKeys);
    const gw = await startGateway(config, { env, logger });
    const wrongKey = 'wrong-key-9876543210';
    const wrongBasic = `Basic ${Buffer.from('legacy:not-the-password-555').toString('base64')}`;
    try {
      const statuses = [
        (await call(gw, `${NEXUS}/svc/interactions`, { headers: NEXUS_JSON, body: '{"externalId":"s-1","userData":{"CardNumber":"4111-1111"}}' })).status,
        (await call(gw, `${NEXUS}/svc/interactions`, { headers: { ...NEXUS_JSON, 'x-api-key': wrongKey }, body: '{}' })).status,
        (await call(gw, `${NEXUS}/other/interactions`, { headers: NEXUS_JSON, body: '{}' })).status,
        (await call(gw, `${GMS}/svc`, { headers: { ...FORM, authorization: basic }, body: 'userData%5BCardNumber%5D=4111-2222' })).status,
        (await call(gw, `${GMS}/svc`, { headers: { ...FORM, authorization: wrongBasic }, body: 'a=b' })).status,
      ];
      expect(statuses).toEqual([200, 401, 403, 200, 401]);
    } finally {
      await gw.close();
    }
    await new Promise((r) => setImmediate(r));
    const requestLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === 'request');
    expect(requestLines).toHaveLength(5);
    for (const l of requestLines) expect(l).toMatchObject({ requestId: expect.any(String), dialect: expect.any(String), outcome: expect.any(String), timestamp: expect.any(String) });
    const everything = lines.join('\n');
    for (const secret of [NEXUS_KEY, wrongKey, GMS_PASSWORD, basic, wrongBasic, basic.slice(6), wrongBasic.slice(6), 'not-the-password-555']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('redacts secrets and logging.sensitiveKeys in whatever a component logs', () => {
    const { logger, lines } = winstonLines(['CardNumber']);
    logger.warn('upstream said no', {
      headers: { 'x-api-key': NEXUS_KEY, authorization: basic },
      userData: [
        { key: 'CardNumber', type: 'str', value: '4111-3333' },
        { key: 'Order', type: 'str', value: 'A-1' },
      ],
      body: { cardnumber: '4111-4444', Order: 'A-2' },
    });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, any>;
    expect(line).toMatchObject({
      level: 'warn',
      message: 'upstream said no',
      headers: { 'x-api-key': '[REDACTED]', authorization: '[REDACTED]' },
      userData: [
        { key: 'CardNumber', value: '[REDACTED]' },
        { key: 'Order', value: 'A-1' },
      ],
      body: { cardnumber: '[REDACTED]', Order: 'A-2' },
    });
    expect(lines[0]).not.toMatch(/4111|nexus-key|Basic /);
  });
});
