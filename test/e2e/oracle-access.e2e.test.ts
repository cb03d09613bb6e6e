import { closedPort, FakeUpstream, hang } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';

const BASE = '/crmRestApi/resources/11.13.18.05/interactions';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const oracleError = (status: number) => ({ title: expect.any(String), status, detail: expect.any(String) });

const send = (gw: TestGateway, method: string, path: string, authorization?: string, body?: unknown) =>
  call(gw, BASE + path, {
    method,
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('oracle credentials and scopes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      inbound: {
        oracle: {
          service: 'crm',
          basicAuth: { users: { integrator: 'secret-1', other: { password: 'secret-2', services: ['support-*'] } } },
          bearerTokens: ['token-all', { token: 'token-support', services: ['support-*'] }],
        },
      },
    });
  });
  afterAll(() => gw.close());

  it('refuses a missing or wrong credential with 401 and a challenge naming both schemes', async () => {
    for (const authorization of [undefined, basic('integrator', 'wrong'), basic('nobody', 'secret-1'), 'Bearer wrong', 'Bearer ', 'Digest x']) {
      const answer = await send(gw, 'POST', '', authorization, { ChannelTypeCd: 'ORA_SVC_WEB' });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual(oracleError(401));
      expect(answer.headers['www-authenticate']).toBe('Basic realm="crmRestApi", Bearer realm="crmRestApi"');
      expect(answer.text).not.toContain('secret');
    }
  });

  it('takes Basic and Bearer credentials; one scoped elsewhere finds nothing (404, never 403) and changes nothing', async () => {
    const created = await send(gw, 'POST', '', basic('integrator', 'secret-1'), { OriginalSystemReference: 'scoped-1', InteractionData: [{ DataKey: 'k', DataValue: 'v' }] });
    expect(created.status).toBe(201);
    const id = created.json.InteractionId;
    expect((await send(gw, 'GET', `/${id}`, 'Bearer token-all')).status).toBe(200);

    for (const outsider of [basic('other', 'secret-2'), 'Bearer token-support']) {
      for (const [method, path, body] of [
        ['GET', `/${id}`, undefined],
        ['PATCH', `/${id}`, { StatusCd: 'ORA_SVC_CLOSED' }],
        ['GET', `/${id}/child/InteractionData`, undefined],
        ['POST', `/${id}/child/InteractionData`, { DataKey: 'x', DataValue: 'y' }],
        ['DELETE', `/${id}/child/InteractionData/k`, undefined],
        ['GET', `/9999999`, undefined],
      ] as const) {
        const answer = await send(gw, method, path, outsider, body);
        expect([method, path, answer.status]).toEqual([method, path, 404]);
        expect(answer.json).toEqual(oracleError(404));
      }
      expect((await send(gw, 'POST', '', outsider, {})).status).toBe(403);
    }
    expect((await send(gw, 'GET', `/${id}`, 'Bearer token-all')).json).toMatchObject({ StatusCd: 'ORA_SVC_OPEN', InteractionData: [{ DataKey: 'k', DataValue: 'v' }] });
  });
});

describe('oracle answers for unrouted services and unavailable backends', () => {
  const slow = new FakeUpstream(hang);
  let unrouted: TestGateway;
  let down: TestGateway;
  let hanging: TestGateway;
  beforeAll(async () => {
    await slow.start();
    unrouted = await startGateway({ backends: { sim: { driver: 'memory' } }, routes: [{ service: 'support', backend: 'sim' }] });
    const port = await closedPort();
    down = await startGateway({ backends: { cloud: { driver: 'nexus', baseUrl: `http://127.0.0.1:${port}/nexus/v3`, apiKey: 'k', retries: 0 } } });
    hanging = await startGateway({ backends: { cloud: { driver: 'nexus', baseUrl: `${slow.url}/nexus/v3`, apiKey: 'k', retries: 0, timeoutMs: 300 } } });
  });
  afterAll(async () => {
    await Promise.all([unrouted.close(), down.close(), hanging.close()]);
    await slow.close();
  });

  it('a create in a service no route matches is 404', async () => {
    const answer = await send(unrouted, 'POST', '', undefined, { ChannelTypeCd: 'ORA_SVC_WEB' });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual(oracleError(404));
  });

  it('an unreachable backend is 503, a silent one 504', async () => {
    const refused = await send(down, 'POST', '', undefined, { ChannelTypeCd: 'ORA_SVC_WEB' });
    expect(refused.status).toBe(503);
    expect(refused.json).toEqual(oracleError(503));
    const timedOut = await send(hanging, 'POST', '', undefined, { ChannelTypeCd: 'ORA_SVC_WEB' });
    expect(timedOut.status).toBe(504);
    expect(timedOut.json).toEqual(oracleError(504));
  });
});
