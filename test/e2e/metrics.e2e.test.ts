import { startGateway, type TestGateway } from '../support/gateway';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const GMS = '/genesys/2/openmedia';
const NEXUS = '/nexus/v3/openmedia';
const KEY = { 'x-api-key': 'k' };

async function call(gw: TestGateway, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await fetch(gw.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Each call a different create (its user data differs): one with an externalId in use is a duplicate, not a retry. */
let sent = 0;
const gmsCreate = (gw: TestGateway, service: string, externalId: string) =>
  call(gw, 'POST', `${GMS}/${service}`, FORM, `externalId=${externalId}&userData%5BK%5D=v${(sent += 1)}`);

/** Samples of the text exposition by series (`name{labels}`), labels as the registry wrote them. */
async function scrape(gw: TestGateway): Promise<Map<string, number>> {
  const res = await call(gw, 'GET', '/metrics');
  expect(res.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

describe('GET /metrics', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('answers the Prometheus text format with the gateway families and the process metrics', async () => {
    const res = await call(gw, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).toContain('# TYPE omgw_requests_total counter');
    expect(res.text).toContain('# TYPE omgw_request_duration_seconds histogram');
    expect(res.text).toContain('# TYPE omgw_upstream_request_duration_seconds histogram');
    expect(res.text).toContain('# TYPE omgw_upstream_errors_total counter');
    expect(res.text).toContain('# TYPE omgw_breaker_state gauge');
    expect(res.text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(res.text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('counts dialect requests by dialect, command and outcome, and times them per dialect', async () => {
    expect((await gmsCreate(gw, 'svc', 'a1')).status).toBe(200);
    expect((await gmsCreate(gw, 'svc', 'a2')).status).toBe(200);
    // A duplicate externalId is GMS's HTTP 200 with code 250: counted by outcome, not by HTTP status.
    expect(JSON.parse((await gmsCreate(gw, 'svc', 'a1')).text)).toMatchObject({ statusCode: 2, errors: [{ code: 250 }] });
    expect((await call(gw, 'GET', `${NEXUS}/svc/interactions/ext_a1`, KEY)).status).toBe(200);
    expect((await call(gw, 'GET', `${NEXUS}/svc/interactions/ext_nosuch`, KEY)).status).toBe(404);
    // Refused for its credential: still counted under the command it asked for.
    expect((await call(gw, 'GET', `${NEXUS}/svc/interactions/ext_a1`)).status).toBe(401);
    // No endpoint of the dialect: no command at all.
    expect((await call(gw, 'POST', `${NEXUS}/svc/interactions/ext_a1/bogus`, KEY)).status).toBe(404);

    const m = await scrape(gw);
    expect(m.get('omgw_requests_total{dialect="gms",command="create",outcome="ok"}')).toBe(2);
    expect(m.get('omgw_requests_total{dialect="gms",command="create",outcome="already_exists"}')).toBe(1);
    expect(m.get('omgw_requests_total{dialect="nexus",command="get",outcome="ok"}')).toBe(1);
    expect(m.get('omgw_requests_total{dialect="nexus",command="get",outcome="not_found"}')).toBe(1);
    expect(m.get('omgw_requests_total{dialect="nexus",command="get",outcome="unauthorized"}')).toBe(1);
    expect(m.get('omgw_requests_total{dialect="nexus",command="none",outcome="not_found"}')).toBe(1);

    expect(m.get('omgw_request_duration_seconds_count{dialect="gms"}')).toBe(3);
    expect(m.get('omgw_request_duration_seconds_count{dialect="nexus"}')).toBe(4);
    expect(m.get('omgw_request_duration_seconds_bucket{dialect="gms",le="+Inf"}')).toBe(3);
    expect(m.get('omgw_request_duration_seconds_sum{dialect="gms"}')).toBeGreaterThan(0);
    // Buckets are cumulative.
    const gmsBuckets = [...m].filter(([k]) => k.startsWith('omgw_request_duration_seconds_bucket') && k.includes('dialect="gms"')).map(([, v]) => v);
    expect(gmsBuckets).toEqual([...gmsBuckets].sort((a, b) => a - b));

    // Operational endpoints are not dialect requests.
    expect([...m.keys()].some((k) => k.startsWith('omgw_requests_total') && !/dialect="(gms|nexus)"/.test(k))).toBe(false);
  });

  it('keeps the series of each gateway in one process apart', async () => {
    const other = await startGateway();
    try {
      expect((await gmsCreate(other, 'svc', 'b1')).status).toBe(200);
      expect((await scrape(other)).get('omgw_requests_total{dialect="gms",command="create",outcome="ok"}')).toBe(1);
      expect((await scrape(gw)).get('omgw_requests_total{dialect="gms",command="create",outcome="ok"}')).toBe(2);
    } finally {
      await other.close();
    }
  });
});

describe('upstream metrics (GMS in → Nexus driver → a second gateway as the Nexus upstream)', () => {
  let back: TestGateway;
  let front: TestGateway;
  let down: TestGateway;
  beforeAll(async () => {
    back = await startGateway();
    front = await startGateway({
      backends: { cloud: { driver: 'nexus', baseUrl: `${back.url}/nexus/v3`, apiKey: 'k' } },
      routes: [{ service: '*', backend: 'cloud' }],
    });
    // Nothing listens on port 9 (discard) of 127.0.0.1 here: every call is refused at once.
    down = await startGateway({
      backends: { gone: { driver: 'nexus', baseUrl: 'http://127.0.0.1:9/nexus/v3', apiKey: 'k', retries: 0, breakerThreshold: 1, breakerResetMs: 60000 } },
      routes: [{ service: '*', backend: 'gone' }],
    });
  });
  afterAll(async () => {
    await Promise.all([front?.close(), down?.close()]);
    await back?.close();
  });

  it('shows each HTTP backend\'s breaker closed (0) before its first call, not only once it has changed', async () => {
    expect((await scrape(front)).get('omgw_breaker_state{backend="cloud"}')).toBe(0);
    expect((await scrape(down)).get('omgw_breaker_state{backend="gone"}')).toBe(0);
  });

  it('times upstream calls by backend and method', async () => {
    expect(JSON.parse((await gmsCreate(front, 'svc', 'u1')).text)).toMatchObject({ statusCode: 0 });
    expect((await call(front, 'GET', `${NEXUS}/svc/interactions/ext_u1`, KEY)).status).toBe(200);

    const m = await scrape(front);
    expect(m.get('omgw_requests_total{dialect="gms",command="create",outcome="ok"}')).toBe(1);
    expect(m.get('omgw_upstream_request_duration_seconds_count{backend="cloud",method="POST"}')).toBe(1);
    expect(m.get('omgw_upstream_request_duration_seconds_count{backend="cloud",method="GET"}')).toBe(1);
    expect([...m.keys()].some((k) => k.startsWith('omgw_upstream_errors_total'))).toBe(false);
  });

  it('counts upstream failures, shows the open breaker and answers /readyz 503', async () => {
    expect((await call(down, 'GET', '/readyz')).status).toBe(200);
    // GMS says "try again" (statusCode 1) for an unreachable upstream.
    expect(JSON.parse((await gmsCreate(down, 'svc', 'd1')).text)).toEqual({ statusCode: 1 });

    const m = await scrape(down);
    expect(m.get('omgw_requests_total{dialect="gms",command="create",outcome="upstream_unavailable"}')).toBe(1);
    expect(m.get('omgw_upstream_errors_total{backend="gone",code="upstream_unavailable"}')).toBe(1);
    expect(m.get('omgw_upstream_request_duration_seconds_count{backend="gone",method="POST"}')).toBe(1);
    expect(m.get('omgw_breaker_state{backend="gone"}')).toBe(2);

    const ready = await call(down, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'not ready', backends: { gone: { ok: false } } });
  });
});
