import type { Handler } from '../support/fake-upstream';
import { FakeUpstream } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { basic, workspaceAs } from '../support/workspace';

/**
 * An upstream whose interaction ids are global, as an Interaction Server's are: by id it answers whatever service
 * the path names. The gateway keeps each id in the service it was created in (the id index), so a credential
 * scoped to service A cannot reach service B's interaction by naming B's id under A's path, in any dialect, and
 * nothing reaches the upstream for it (DESIGN §6: every credential is scoped).
 */

const KEY_A = 'key-a-7c1e2f';
const KEY_B = 'key-b-9d3a4b';
const GMS = '/genesys/2/openmedia';
const NEXUS = '/nexus/v3/openmedia';

/** Nexus v3 over one map of every service's interactions; `ext_` lookups stay within the path's service. */
function globalIdNexus(): Handler {
  const byId = new Map<string, { service: string; data: Record<string, unknown> }>();
  let n = 0;
  return (_req, res, seen) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const m = /^\/nexus\/v3\/openmedia\/([^/]+)\/interactions(?:\/([^/?]+))?(?:\/(update|stop))?$/.exec(seen.path);
    if (!m) return send(404, { status: { code: 404 } });
    const [, service, id, op] = m as unknown as [string, string, string | undefined, string | undefined];
    const body = seen.body === '' ? {} : (JSON.parse(seen.body) as Record<string, any>);
    if (id === undefined) {
      const created = `GLOBAL${String(++n).padStart(10, '0')}`;
      byId.set(created, { service, data: { id: created, externalId: body.externalId, userData: body.userData ?? {}, state: 'queued', receivedAt: new Date().toISOString() } });
      return send(200, { status: { code: 0 }, data: { id: created, externalId: body.externalId } });
    }
    const found = byId.get(decodeURIComponent(id));
    if (!found) return send(404, { status: { code: 404, message: 'not found' } });
    if (op === 'stop') found.data.state = 'stopped';
    if (op === 'update') Object.assign(found.data.userData as object, body.changedProperties, body.addedProperties);
    return send(200, op ? { status: { code: 0 } } : { status: { code: 0 }, data: found.data });
  };
}

describe('an upstream with global ids, behind scoped credentials', () => {
  const upstream = new FakeUpstream();
  let gw: TestGateway;
  let idB: string;
  const nexus = (method: string, path: string, key: string, body?: string) =>
    call(gw, `${NEXUS}${path}`, { method, headers: { 'content-type': 'application/json', 'x-api-key': key }, ...(body !== undefined && { body }) });
  const gms = (path: string, body = '') =>
    call(gw, `${GMS}${path}`, { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('alice', 'alice-pw-5') }, body });

  beforeAll(async () => {
    await upstream.start();
    upstream.respond(globalIdNexus());
    gw = await startGateway({
      inbound: {
        gms: { basicAuth: { users: { alice: { password: 'alice-pw-5', services: ['remote-a'] } } } },
        nexus: { apiKeys: { [KEY_A]: { services: ['remote-a'] }, [KEY_B]: { services: ['remote-b'] } } },
        wwe: { users: { agentA: { password: 'agent-pw-6', services: ['remote-a'] } } },
      },
      backends: { remote: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'upstream-key' } },
      routes: [{ service: '*', backend: 'remote' }],
    });
    const created = await nexus('POST', '/remote-b/interactions', KEY_B, '{"externalId":"b-1","userData":{"Owner":"B"}}');
    expect(created.status).toBe(200);
    idB = created.json.data.id;
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('B’s id under A’s path is not found in GMS and Nexus, as an unknown id is, and is never sent upstream', async () => {
    upstream.recorded.length = 0;
    const unknown = await nexus('GET', '/remote-a/interactions/GLOBAL9999999999', KEY_A);
    const known = await nexus('GET', `/remote-a/interactions/${idB}`, KEY_A);
    expect(known.status).toBe(404);
    expect(known.text.replace(idB, 'ID')).toBe(unknown.text.replace('GLOBAL9999999999', 'ID'));
    expect((await nexus('POST', `/remote-a/interactions/${idB}/update`, KEY_A, '{"changedProperties":{"Owner":"A"}}')).status).toBe(404);
    expect((await nexus('POST', `/remote-a/interactions/${idB}/stop`, KEY_A, '{}')).status).toBe(404);
    for (const op of ['get', 'update', 'stop']) {
      const answer = await gms(`/remote-a/${idB}/${op}`, op === 'update' ? 'change%5BOwner%5D=A' : '');
      expect({ op, json: answer.json }).toEqual({ op, json: { statusCode: 2, errors: [expect.objectContaining({ code: 248 })] } });
    }
    // Only the unknown id went upstream: B's was refused before any I/O.
    expect(upstream.recorded.map((r) => r.path)).toEqual(['/nexus/v3/openmedia/remote-a/interactions/GLOBAL9999999999']);
  });

  it('the attempts leave B’s interaction B’s: untouched, and still hidden from A’s Workspace agent', async () => {
    const agentA = workspaceAs(() => gw.url, 'agentA', 'agent-pw-6');
    expect((await agentA.get(idB)).json).toMatchObject({ statusCode: 6 });
    expect((await agentA.operate(idB, { operationName: 'UpdateUserData', userData: { Owner: 'A' } })).json).toMatchObject({ statusCode: 6 });
    const seenByB = await nexus('GET', `/remote-b/interactions/${idB}`, KEY_B);
    expect(seenByB.json.data).toMatchObject({ state: 'queued', userData: { Owner: 'B' } });
  });
});

describe('an id listed through a backend with no services of its own', () => {
  const ID = '01QG0Q2S5S50G000';
  const interaction = { id: ID, mediaType: 'workitem', type: 'Inbound', subtype: 'InboundNew', state: 'queued', receivedAt: '2026-11-25T12:00:00.000Z', userData: {} };
  const upstream = new FakeUpstream();
  let gw: TestGateway;
  beforeAll(async () => {
    await upstream.start();
    upstream.respond((_req, res, seen) => {
      const body = seen.path.startsWith(`/api/v2/interactions/${ID}`) ? { statusCode: 0, interaction } : { statusCode: 0, interactions: [interaction] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    gw = await startGateway({
      backends: { desk: { driver: 'wwe', baseUrl: `${upstream.url}/api/v2`, basicAuth: { username: 'gateway-agent', password: 'pw' } } },
      routes: [{ service: '*', backend: 'desk' }],
    });
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('stays reachable by id under its service: listed under a pattern, its service was not known', async () => {
    const listed = await workspaceAs(() => gw.url, 'agent1').all('?fields=*');
    expect(listed.json.interactions.map((i: { id: string }) => i.id)).toEqual([ID]);
    const got = await call(gw, `${GMS}/desk/${ID}/get`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(got.json).toMatchObject({ statusCode: 0, interactionProperties: { interactionId: ID } });
  });
});
