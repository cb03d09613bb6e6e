import { call } from '../support/http-call';
import { startGateway, type TestGateway } from '../support/gateway';
import { memoryLogger } from '../support/log-capture';

/** CORS on the wire (server.cors.origins): the preflight of every dialect route, and the answers' grants. */

const APP = 'http://127.0.0.1:5173';
const GMS = '/genesys/2/openmedia';
const NEXUS = '/nexus/v3/openmedia';

/** Every dialect route, with the method a page would send. */
const ROUTES: [string, string][] = [
  ['POST', `${GMS}/svc`],
  ['POST', `${GMS}/svc/ID1/get`],
  ['POST', `${GMS}/svc/ID1/update`],
  ['POST', `${GMS}/svc/ID1/stop`],
  ['POST', `${NEXUS}/svc/interactions`],
  ['GET', `${NEXUS}/svc/interactions/ID1`],
  ['POST', `${NEXUS}/svc/interactions/ext_e1/update`],
  ['POST', `${NEXUS}/svc/interactions/ID1/stop`],
];

const preflight = (gw: TestGateway, method: string, path: string, origin = APP) =>
  call(gw, path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,x-api-key,gms_user' },
  });

describe('CORS with server.cors.origins', () => {
  let gw: TestGateway;
  const logger = memoryLogger();
  beforeAll(async () => {
    gw = await startGateway({ server: { cors: { origins: [APP] } } }, { logger });
  });
  afterAll(() => gw?.close());

  it.each(ROUTES)('preflight of %s %s → 204 granting the method and the dialects’ headers', async (method, path) => {
    const res = await preflight(gw, method, path);
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': method,
      'access-control-allow-headers': 'x-api-key, idempotency-key, x-b3-traceid, gms_user, content-type, authorization, x-request-id',
      'access-control-expose-headers': 'x-request-id, x-b3-traceid, retry-after',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.text).toBe('');
  });

  it('a preflight from another origin is a 403 without any grant, logged once as forbidden', async () => {
    const res = await preflight(gw, 'POST', `${GMS}/svc`, 'http://127.0.0.1:6666');
    expect(res.status).toBe(403);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const lines = logger.lines.filter((l) => l.fields.requestId === res.headers['x-request-id']);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', message: 'request', fields: expect.objectContaining({ method: 'OPTIONS', status: 403, outcome: 'forbidden' }) })]);
  });

  it('answers to an allowed origin carry the grant and expose the ids, errors included; others get none', async () => {
    const ok = await call(gw, `${NEXUS}/svc/interactions`, { headers: { origin: APP, 'x-api-key': 'k', 'content-type': 'application/json' }, body: '{}' });
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': APP, 'access-control-expose-headers': 'x-request-id, x-b3-traceid, retry-after', vary: 'Origin' });
    const refused = await call(gw, `${GMS}/svc/ID1/update`, { headers: { origin: APP, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(refused.status).toBe(400);
    expect(refused.headers['access-control-allow-origin']).toBe(APP);
    const other = await call(gw, `${GMS}/svc`, { headers: { origin: 'http://127.0.0.1:6666', 'content-type': 'application/x-www-form-urlencoded' }, body: 'userData[k]=v' });
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an OPTIONS that is not a preflight, or of a path no dialect serves, is an ordinary request', async () => {
    expect((await call(gw, `${GMS}/svc`, { method: 'OPTIONS' })).status).toBe(405);
    expect((await preflight(gw, 'POST', '/nowhere')).status).toBe(404);
  });
});

describe('CORS off (the default)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw?.close());

  it('grants nothing: a preflight is a 405 in the dialect’s form and answers carry no CORS header', async () => {
    const res = await preflight(gw, 'POST', `${NEXUS}/svc/interactions`);
    expect(res.status).toBe(405);
    expect(res.json).toEqual({ status: { code: 405, message: expect.any(String) } });
    const created = await call(gw, `${GMS}/svc`, { headers: { origin: APP, 'content-type': 'application/x-www-form-urlencoded' }, body: 'userData[k]=v' });
    expect(Object.keys(created.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('refuses an origin that is not one in the config, naming the path', async () => {
    await expect(startGateway({ server: { cors: { origins: ['https://app.example/path'] } } })).rejects.toThrow('server.cors.origins[0]');
  });
});
