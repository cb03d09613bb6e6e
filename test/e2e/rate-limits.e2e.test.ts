import { startGateway, type TestGateway } from '../support/gateway';
import { call, type Answer } from '../support/http-call';

/**
 * server.rateLimit: a token bucket per credential (and per address for anonymous callers), overridable per
 * credential; failed authentications limited apart per address. Limited answers: 429 + Retry-After (Nexus),
 * statusCode 1 (GMS); the metrics count them.
 */

const GMS = '/genesys/2/openmedia/svc';
const NEXUS = '/nexus/v3/openmedia/svc/interactions';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const SLOW = { rate: 0.1, burst: 3 };

const gmsCreate = (gw: TestGateway, authorization?: string) =>
  call(gw, GMS, { headers: { ...FORM, ...(authorization && { authorization }) }, body: '' });
const nexusCreate = (gw: TestGateway, key: string) => call(gw, NEXUS, { headers: { 'content-type': 'application/json', 'x-api-key': key }, body: '{}' });
const metric = async (gw: TestGateway, labels: string): Promise<number> => {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`omgw_rate_limited_total{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
};

const gmsLimited = (a: Answer) => a.status === 200 && a.json.statusCode === 1;

describe('per-credential rate limits', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      server: { rateLimit: SLOW },
      inbound: {
        gms: { basicAuth: { users: { slow: 'slow-pw-1', vip: { password: 'vip-pw-2', rateLimit: { rate: 1000, burst: 1000 } } } } },
        nexus: { apiKeys: { 'slow-key-123': {}, 'other-key-456': {} } },
      },
    });
  });
  afterAll(() => gw.close());

  it('GMS: the burst goes through, then statusCode 1 (GMS has no Retry-After); another credential keeps being served', async () => {
    const slow = basic('slow', 'slow-pw-1');
    const first = [await gmsCreate(gw, slow), await gmsCreate(gw, slow), await gmsCreate(gw, slow)];
    for (const a of first) expect(a.json).toMatchObject({ statusCode: 0 });
    const limited = await gmsCreate(gw, slow);
    expect(gmsLimited(limited)).toBe(true);
    expect(limited.json).toEqual({ statusCode: 1 });
    // Nothing was created by the limited request: the limit comes before the backend.
    const vip = basic('vip', 'vip-pw-2');
    const answers = await Promise.all(Array.from({ length: 30 }, () => gmsCreate(gw, vip)));
    for (const a of answers) expect(a.json).toMatchObject({ statusCode: 0 });
    expect(gmsLimited(await gmsCreate(gw, slow))).toBe(true);
    expect(await metric(gw, 'dialect="gms",limit="client"')).toBe(2);
  });

  it('Nexus: 429 with Retry-After per key, each key its own bucket', async () => {
    for (let i = 0; i < 3; i++) expect((await nexusCreate(gw, 'slow-key-123')).status).toBe(200);
    const limited = await nexusCreate(gw, 'slow-key-123');
    expect(limited).toMatchObject({ status: 429, json: { status: { code: 429, message: 'Too many requests' } } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await nexusCreate(gw, 'other-key-456')).status).toBe(200);
    expect(await metric(gw, 'dialect="nexus",limit="client"')).toBe(1);
  });
});

describe('anonymous callers are limited by address', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ server: { rateLimit: SLOW } });
  });
  afterAll(() => gw.close());

  it('an open GMS is limited per remote address, whatever the body', async () => {
    for (let i = 0; i < 3; i++) expect((await gmsCreate(gw)).json).toMatchObject({ statusCode: 0 });
    expect(gmsLimited(await gmsCreate(gw))).toBe(true);
    // An open Nexus names no configured credential: any key is the same address.
    expect((await nexusCreate(gw, 'any-key-1')).status).toBe(429);
    expect((await nexusCreate(gw, 'any-key-2')).status).toBe(429);
  });
});

describe('failed authentications are limited per address', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      server: { authFailureLimit: { rate: 0.1, burst: 5 } },
      inbound: { gms: { basicAuth: { users: { legacy: 'legacy-pw-9' } } }, nexus: { apiKeys: { 'right-key-789': {} } } },
    });
  });
  afterAll(() => gw.close());

  it('200 wrong keys from one address: the first few get 401, the rest 429 at once, even a right key then', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await nexusCreate(gw, `wrong-key-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    const right = await nexusCreate(gw, 'right-key-789');
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await gmsCreate(gw, basic('legacy', 'legacy-pw-9'))).toMatchObject({ status: 200, json: { statusCode: 1 } });
    expect(await metric(gw, 'dialect="nexus",limit="auth_failures"')).toBe(196);
  });
});

describe('no limit configured', () => {
  it('serves every request, and the metric stays empty', async () => {
    const gw = await startGateway();
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => gmsCreate(gw)));
      for (const a of answers) expect(a.json).toMatchObject({ statusCode: 0 });
      expect(await metric(gw, 'dialect="gms",limit="client"')).toBe(0);
    } finally {
      await gw.close();
    }
  });
});
