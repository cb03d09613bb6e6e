import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { createFields, JSON_TYPE, VSP_CREATE } from '../support/vsp';
import { basic } from '../support/workspace';

/**
 * Links the gateway builds from the Host header (Workspace uris, Oracle links, VSP InteractionUrl) carry a plain
 * host[:port] or nothing of it: a Host with a port no URL can hold, empty labels, a path, userinfo or markup is
 * never echoed into a URL a client will follow. Workspace and Oracle answer relative links; VSP refuses (400).
 */

const ORACLE = '/crmRestApi/resources/11.13.18.05/interactions';
const HOSTILE = ['evil.example:99999', 'evil..example', '-', '.', 'evil.example/x', 'a@evil.example', '"><script>x</script>', `${'a'.repeat(64)}.example`];

describe('links built from the Host header', () => {
  let gw: TestGateway;
  let n = 0;
  beforeAll(async () => {
    gw = await startGateway({ inbound: { vsp: { service: 'svc' }, oracle: { service: 'svc' } } });
  });
  afterAll(() => gw.close());

  const links = async (host: string) => {
    const agent = { authorization: basic('agent1', 'pw'), host };
    const item = (await call(gw, ORACLE, { headers: { 'content-type': 'application/json', host }, body: '{}' })).json;
    const vsp = await call(gw, VSP_CREATE, { headers: { ...JSON_TYPE, host }, body: JSON.stringify(createFields('any-key', `host-${++n}`)) });
    const uris: string[] = (await call(gw, '/api/v2/interactions', { headers: agent })).json.uris;
    return { workspace: uris[0], oracle: item.links[0].href as string, vsp: { status: vsp.status, url: vsp.json.InteractionUrl as string | undefined } };
  };

  it('are absolute on a plain host[:port], lower-cased', async () => {
    const { workspace, oracle, vsp } = await links('Gateway.Example:8443');
    expect(workspace).toMatch(/^http:\/\/gateway\.example:8443\/api\/v2\/interactions\/\w+$/);
    expect(oracle).toMatch(/^http:\/\/gateway\.example:8443\/crmRestApi\/resources\/11\.13\.18\.05\/interactions\/\d+$/);
    expect(vsp).toEqual({ status: 200, url: expect.stringMatching(/^http:\/\/gateway\.example:8443\/api\/v2\/interactions\/\w+$/) });
  });

  it.each(HOSTILE)('hold nothing of Host %j: relative in Workspace and Oracle, refused by VSP', async (host) => {
    const { workspace, oracle, vsp } = await links(host);
    expect(workspace).toMatch(/^\/api\/v2\/interactions\/\w+$/);
    expect(oracle).toMatch(/^\/crmRestApi\/resources\/11\.13\.18\.05\/interactions\/\d+$/);
    expect(vsp).toEqual({ status: 400, url: undefined });
  });
});
