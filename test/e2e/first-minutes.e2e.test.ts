import { FakeUpstream } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { memoryLogger } from '../support/log-capture';

/**
 * What a new operator meets first: a backend baseUrl that cannot be the API's (refused or warned at start, and
 * /readyz naming an upstream that answers 404 for the API root), and exactly one log line per request, whatever
 * answered it, an upstream's refusal included.
 */

const GMS = '/genesys/2/openmedia';
const NEXUS = '/nexus/v3/openmedia';
/** What each driver requires beside its baseUrl. */
const DRIVER_NEEDS: Record<string, Record<string, string>> = {
  nexus: { apiKey: 'k' },
  vsp: { appAccessKey: 'k', accountId: '6925ebd4-125d-4338-a736-99f4b5bcb3d7', contactId: '3d6ab237-6e5e-4e4a-b76a-4ebe7d89b9e0' },
};

describe('a backend baseUrl that cannot be the API’s', () => {
  it.each([
    ['nexus', 'https://nexus.example', 'has no path'],
    ['nexus', 'https://nexus.example/nexus/v3/openmedia', 'goes past the API'],
    ['gms', 'http://gms.example:8080/', 'has no path'],
    ['gms', 'http://gms.example:8080/genesys/2/openmedia/customer-support', 'goes past the API'],
    ['oracle', 'https://tenant.example', 'has no path'],
    ['oracle', 'https://tenant.example/crmRestApi/resources/11.13.18.05/interactions', 'goes past the API'],
    ['vsp', 'https://vsp.example/', 'has no path'],
    ['vsp', 'https://vsp.example/api/vspinteraction/create', 'goes past the API'],
  ])('%s baseUrl %s is a config error naming it', async (driver, baseUrl, why) => {
    const backend = { driver, baseUrl, ...DRIVER_NEEDS[driver] };
    await expect(startGateway({ backends: { up: backend } })).rejects.toThrow(new RegExp(`backends\\.up\\.baseUrl: ${why}`));
  });

  it('another path (a rewriting proxy, perhaps) starts with a warning naming the backend and the base path', async () => {
    const logger = memoryLogger();
    const gw = await startGateway({ backends: { up: { driver: 'gms', baseUrl: 'http://127.0.0.1:9/legacy-gms' } } }, { logger });
    await gw.close();
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^backends\.up\.baseUrl: path "\/legacy-gms" does not end in \/genesys\/2\/openmedia/),
    );
  });

  it.each([
    ['oracle', 'https://crm.example/proxy/oracle', '/crmRestApi/resources/11.13.18.05'],
    ['vsp', 'https://vsp.example/partner', '/api'],
  ])('a %s baseUrl at another path starts with a warning naming its base path', async (driver, baseUrl, basePath) => {
    const logger = memoryLogger();
    const gw = await startGateway({ backends: { up: { driver, baseUrl, ...DRIVER_NEEDS[driver] } } }, { logger });
    await gw.close();
    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toContainEqual(`backends.up.baseUrl: path "${new URL(baseUrl).pathname}" does not end in ${basePath}; unless a proxy rewrites it, every call misses the API (a ${driver} baseUrl is the upstream's origin plus ${basePath}, e.g. https://${driver}.example${basePath})`);
  });
});

describe('/readyz and an upstream answering 404 for the API root', () => {
  let back: TestGateway;
  const fronts: TestGateway[] = [];
  const front = async (backend: Record<string, unknown>) => {
    const gw = await startGateway({ backends: { up: backend } });
    fronts.push(gw);
    return gw;
  };
  beforeAll(async () => {
    back = await startGateway();
  });
  afterAll(async () => {
    await Promise.all(fronts.map((g) => g.close()));
    await back?.close();
  });

  const readyz = async (gw: TestGateway) => {
    const res = await call(gw, '/readyz');
    return { status: res.status, up: res.json.backends.up };
  };

  it('a right baseUrl (the gateway’s own dialect as upstream) is ready, for both drivers', async () => {
    expect(await readyz(await front({ driver: 'nexus', baseUrl: `${back.url}/nexus/v3`, apiKey: 'k' }))).toEqual({ status: 200, up: { ok: true } });
    expect(await readyz(await front({ driver: 'gms', baseUrl: `${back.url}${GMS}` }))).toEqual({ status: 200, up: { ok: true } });
  });

  it('a baseUrl under a path the upstream does not serve is not ready, and says why', async () => {
    const expected = { status: 503, up: { ok: false, detail: expect.stringContaining('upstream answers 404 for the API root') } };
    expect(await readyz(await front({ driver: 'nexus', baseUrl: `${back.url}/v2/nexus/v3`, apiKey: 'k' }))).toEqual(expected);
    expect(await readyz(await front({ driver: 'gms', baseUrl: `${back.url}/gms${GMS}` }))).toEqual(expected);
  });

  it('an upstream that is down is judged by the breaker, as before: ready until calls fail', async () => {
    expect(await readyz(await front({ driver: 'gms', baseUrl: `http://127.0.0.1:9${GMS}` }))).toEqual({ status: 200, up: { ok: true } });
  });
});

describe('one log line per request', () => {
  const logger = memoryLogger();
  const upstream = new FakeUpstream({ status: 400, json: { status: { code: 400, message: 'field userData.x is not allowed here' } } });
  let gw: TestGateway;
  beforeAll(async () => {
    await upstream.start();
    gw = await startGateway(
      {
        backends: { sim: { driver: 'memory' }, cloud: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', retries: 0 } },
        routes: [{ service: 'remote', backend: 'cloud' }, { service: '*', backend: 'sim' }],
      },
      { logger },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await upstream.close();
  });

  const linesOf = async (requestId: string) => {
    // The line of an operations answer is written when the response closes, just after the client has it.
    for (let i = 0; i < 50 && !logger.lines.some((l) => l.fields.requestId === requestId); i++) await new Promise((r) => setTimeout(r, 20));
    return logger.lines.filter((l) => l.fields.requestId === requestId || JSON.stringify(l.fields).includes(requestId));
  };

  it.each([
    ['an unknown path (404)', '/no/such/thing', 404, 'warn'],
    ['/healthz', '/healthz', 200, 'info'],
    ['/readyz', '/readyz', 200, 'info'],
    ['/metrics', '/metrics', 200, 'info'],
  ])('%s', async (_what, path, status, level) => {
    const id = `ops${path.replace(/\//g, '-')}`;
    const res = await call(gw, path, { headers: { 'x-request-id': id } });
    expect(res.status).toBe(status);
    expect(await linesOf(id)).toEqual([
      { level, message: 'request', fields: expect.objectContaining({ method: 'GET', path, status, dialect: 'ops', outcome: status === 404 ? 'not_found' : 'ok' }) },
    ]);
  });

  it('a dialect request, served and refused alike', async () => {
    await call(gw, `${GMS}/svc`, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'dialect-ok' }, body: 'userData[k]=v' });
    await call(gw, `${GMS}/svc/X/update`, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'dialect-bad' }, body: '' });
    expect(await linesOf('dialect-ok')).toHaveLength(1);
    expect(await linesOf('dialect-bad')).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ status: 400 }) })]);
  });

  it('an upstream rejection: one line, with the upstream’s status and words, none from the driver', async () => {
    const res = await call(gw, `${NEXUS}/remote/interactions`, { headers: { 'x-api-key': 'k', 'content-type': 'application/json', 'x-request-id': 'rejected-1' }, body: '{}' });
    expect(res.status).toBe(502);
    expect(res.text).not.toContain('not allowed here');
    expect(await linesOf('rejected-1')).toEqual([
      {
        level: 'error',
        message: 'request',
        fields: expect.objectContaining({ outcome: 'upstream_rejected', backend: 'cloud', upstreamStatus: 400, upstreamMessage: 'field userData.x is not allowed here' }),
      },
    ]);
  });
});
