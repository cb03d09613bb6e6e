import { startGateway, type TestGateway } from '../support/gateway';

const GMS = '/genesys/2/openmedia/svc';
const NEXUS = '/nexus/v3/openmedia/svc/interactions';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_KEY = { 'content-type': 'application/json', 'x-api-key': 'k' };

describe('the embedded contact center bounds its live interactions', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ backends: { sim: { driver: 'memory', maxLive: 2 } } });
  });
  afterAll(() => gw.close());

  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const res = await fetch(gw.url + path, { method: 'POST', headers, body });
    return { status: res.status, json: (await res.json()) as any, retryAfter: res.headers.get('retry-after') };
  };

  it('answers "try again" in each dialect once full, and accepts creates again after a stop', async () => {
    const first = await post(GMS, 'externalId=m1', FORM);
    expect(first).toMatchObject({ status: 200, json: { statusCode: 0 } });
    expect((await post(NEXUS, '{"externalId":"m2"}', JSON_KEY)).status).toBe(200);

    expect(await post(GMS, 'externalId=m3', FORM)).toMatchObject({ status: 200, json: { statusCode: 1 } });
    expect(await post(NEXUS, '{"externalId":"m3"}', JSON_KEY)).toMatchObject({ status: 429, json: { status: { code: 429 } } });

    // Reads and stops still work while full; a stop frees a place.
    expect(await post(`${GMS}/m1/get`, 'searchByExternalId=true', FORM)).toMatchObject({ json: { statusCode: 0 } });
    expect(await post(`${GMS}/${first.json.interactionId}/stop`, '', FORM)).toMatchObject({ json: { statusCode: 0 } });
    expect(await post(GMS, 'externalId=m3', FORM)).toMatchObject({ status: 200, json: { statusCode: 0 } });
  });
});
