import { FakeUpstream } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { workspaceAs } from '../support/workspace';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const failed = (statusCode: number) => ({ statusCode, statusMessage: expect.any(String) });
const ID = '01QG0Q2S5S50G000';

/**
 * An operation the routed backend does not do is Workspace 3 ("the operation is forbidden", GWS Return Values), the
 * same whichever driver is behind: refused by the core before any I/O, or answered "not implemented" upstream.
 */
describe('Workspace: an operation the routed backend does not do → statusCode 3, before or without harm to the upstream', () => {
  const upstream = new FakeUpstream({ status: 501, json: { status: { code: 501, message: 'Not implemented' } } });
  const gateways: TestGateway[] = [];
  const agentOn = (gw: TestGateway) => workspaceAs(() => gw.url, 'agent1');

  beforeAll(async () => {
    await upstream.start();
  });
  afterAll(async () => {
    for (const gw of gateways) await gw.close();
    await upstream.close();
  });

  it('a create-only vsp backend: every Workspace request by id is 3, with no upstream call', async () => {
    const gw = await startGateway({
      inbound: { wwe: { service: 'forms' } },
      backends: {
        forms: { driver: 'vsp', baseUrl: `${upstream.url}/api`, appAccessKey: 'k', accountId: '6f1c5e3a-3f6b-4a43-9d0e-0d9c1b2a3c4d', contactId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
      },
      routes: [{ service: '*', backend: 'forms' }],
    });
    gateways.push(gw);
    upstream.answer();
    const agent = agentOn(gw);
    expect((await agent.get(ID)).json).toEqual(failed(3));
    for (const body of [{ operationName: 'Accept' }, { operationName: 'Complete' }, { operationName: 'UpdateUserData', userData: { a: '1' } }]) {
      const res = await agent.operate(ID, body);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(failed(3));
    }
    // Nothing to list either: an empty list, not a failure, as no backend holds anything the agent may see.
    expect((await agent.mine()).json).toEqual({ statusCode: 0, uris: [] });
    expect(upstream.total()).toBe(0);
  });

  it('an upstream answering 501 Not Implemented (nexus driver) is 3 too: asked once, not retried, the breaker untouched', async () => {
    const gw = await startGateway({
      inbound: { wwe: { service: 'nx' } },
      backends: { nx: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', breakerThreshold: 1, retries: 2 } },
      routes: [{ service: '*', backend: 'nx' }],
    });
    gateways.push(gw);
    upstream.answer();
    const agent = agentOn(gw);
    expect((await agent.get(ID)).json).toEqual(failed(3));
    expect(upstream.total()).toBe(1);
    // A breaker that counted the 501 (threshold 1) would now refuse without asking.
    expect((await agent.get(ID)).json).toEqual(failed(3));
    expect(upstream.total()).toBe(2);
    const nexus = await call(gw, `/nexus/v3/openmedia/nx/interactions/${ID}`, { method: 'GET', headers: { 'x-api-key': 'k' } });
    expect(nexus.status).toBe(501);
    const gms = await call(gw, `/genesys/2/openmedia/nx/${ID}/get`, { method: 'POST', headers: FORM, body: '' });
    expect(gms.json).toMatchObject({ statusCode: 2, errors: [{ code: 251 }] });
  });
});
