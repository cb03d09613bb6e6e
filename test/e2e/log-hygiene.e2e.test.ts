import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, type Handler } from '../support/fake-upstream';
import { call } from '../support/http-call';
import { ensureBuilt, freePort, isListening, killAll, omgw, type Run } from '../support/omgw-process';
import { createFields, createXml, FORM_TYPE, JSON_TYPE, VSP_CREATE, XML_TYPE } from '../support/vsp';
import { basic } from '../support/workspace';

/**
 * Nothing sensitive in any log line: real `omgw` processes take hostile runs through every dialect (right and
 * wrong credentials sent in every place a client might put them — headers, query strings, body fields named like
 * secrets —, sensitive user data, its invalid percent-encoding, invalid UTF-8, malformed JSON and XML, oversized
 * user data, rate-limited and locked-out callers, upstreams that echo the gateway's own credentials in their
 * refusals), once with every credential configured and once open, then their captured stdout and stderr are
 * grepped for every secret.
 */

const SECRETS = {
  gmsPassword: 'gms-pw-Q7v9sRk2',
  wrongPassword: 'guess-pw-Z3m8',
  nexusKey: 'nexus-key-H4p6tW1x',
  wrongKey: 'wrong-key-B5n2cJ8q',
  oracleToken: 'oracle-token-K9d3fL7s',
  oraclePassword: 'oracle-pw-T2w8mX4n',
  agentPassword: 'agent-pw-R6y1pV3k',
  vspKey: 'vsp-key-D8s4hN2c',
  wrongVspKey: 'vsp-guess-F1j7kM5b',
  upstreamKey: 'upstream-key-L3q9zC6e',
  upstreamPassword: 'upstream-pw-W5g2xB8t',
  card: '4111111111111111',
  ssn: '078-05-1120',
};

const ORACLE = '/crmRestApi/resources/11.13.18.05/interactions';
const ACCOUNT = '6925ebd4-125d-4338-a736-99f4b5bcb3d7';
const FORM = FORM_TYPE;
const ssnAndCard = { CardNumber: SECRETS.card, SSN: SECRETS.ssn };
const sensitiveForm = `userData%5BCardNumber%5D=${SECRETS.card}&userData%5BSSN%5D=${SECRETS.ssn}`;

/**
 * An upstream that refuses every call and quotes back the credentials it was sent, in each wire's error field (VSP
 * sends its key in the body: quoted from what this upstream knows it to be).
 */
const echoingRefusal: Handler = (req, res) => {
  const credentials = `${String(req.headers['x-api-key'] ?? '')} ${Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()}`;
  const url = req.url ?? '';
  const [status, body] = url.startsWith('/genesys')
    ? [200, { statusCode: 2, errors: [{ code: 200, advice: `Bad credentials: ${credentials}` }] }]
    : url.startsWith('/crmRestApi')
      ? [400, { title: 'Bad Request', status: 400, detail: `Bad credentials: ${credentials}` }]
      : url.startsWith('/api/v2')
        ? [200, { statusCode: 10, statusMessage: `Bad credentials: ${credentials}` }]
        : url.startsWith('/api/')
          ? [400, { Message: `Bad AppAccessKey ${SECRETS.upstreamKey}` }]
          : [401, { status: { code: 401, message: `Invalid API key ${credentials}` } }];
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('log lines of hostile runs', () => {
  let dir: string;
  const upstream = new FakeUpstream(echoingRefusal);
  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'omgw-logs-'));
    await upstream.start();
  });
  afterAll(async () => {
    killAll();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts omgw on `config`, runs `traffic` against it, stops it: its whole output, and its request lines. */
  async function hostileRun(name: string, config: Record<string, unknown>, traffic: (gw: { url: string }) => Promise<void>): Promise<{ output: string; requests: number }> {
    const port = await freePort();
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ ...config, server: { port, host: '127.0.0.1', ...(config.server as object) } }));
    const run: Run = omgw(['start', '--config', file], { cwd: dir });
    await run.logLine(isListening, 15_000);
    await traffic({ url: `http://127.0.0.1:${port}` });
    run.child.kill('SIGTERM');
    await run.exited;
    return { output: [...run.stdout, ...run.stderr].join('\n'), requests: run.stdout.filter((l) => l.includes('"message":"request"')).length };
  }

  const expectNoSecret = (output: string) => {
    expect(Object.entries(SECRETS).filter(([, value]) => output.includes(value)).map(([name]) => name)).toEqual([]);
  };

  it('with every credential configured, hold no password, key, token or sensitive user-data value', async () => {
    const statuses: number[] = [];
    const { output, requests } = await hostileRun(
      'configured',
      {
        server: { rateLimit: { rate: 0.1, burst: 60 }, authFailureLimit: { rate: 0.001, burst: 12 } },
        inbound: {
          gms: { basicAuth: { users: { legacy: { password: SECRETS.gmsPassword, services: ['svc', 'remote-*'] } } } },
          nexus: { apiKeys: { [SECRETS.nexusKey]: { services: ['svc', 'remote-*'] } } },
          oracle: { service: 'svc', bearerTokens: [SECRETS.oracleToken], basicAuth: { users: { crm: SECRETS.oraclePassword } } },
          wwe: { users: { agent1: SECRETS.agentPassword } },
          vsp: { service: 'svc', appAccessKeys: [SECRETS.vspKey] },
        },
        backends: {
          sim: { driver: 'memory' },
          nexusUp: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: SECRETS.upstreamKey, retries: 0 },
          gmsUp: { driver: 'gms', baseUrl: `${upstream.url}/genesys/2/openmedia`, basicAuth: { username: 'gw', password: SECRETS.upstreamPassword }, retries: 0 },
          oracleUp: { driver: 'oracle', baseUrl: `${upstream.url}/crmRestApi/resources/11.13.18.05`, basicAuth: { username: 'gw', password: SECRETS.upstreamPassword }, retries: 0 },
          wweUp: { driver: 'wwe', baseUrl: `${upstream.url}/api/v2`, basicAuth: { username: 'gw', password: SECRETS.upstreamPassword }, retries: 0 },
          vspUp: { driver: 'vsp', baseUrl: `${upstream.url}/api`, appAccessKey: SECRETS.upstreamKey, accountId: ACCOUNT, contactId: ACCOUNT, retries: 0 },
        },
        routes: [
          { service: 'remote-nexus', backend: 'nexusUp' },
          { service: 'remote-gms', backend: 'gmsUp' },
          { service: 'remote-oracle', backend: 'oracleUp' },
          { service: 'remote-wwe', backend: 'wweUp' },
          { service: 'remote-vsp', backend: 'vspUp' },
          { service: '*', backend: 'sim' },
        ],
        logging: { level: 'debug', sensitiveKeys: ['CardNumber', 'SSN'] },
      },
      async (gw) => {
        const send = async (path: string, options: Parameters<typeof call>[2]) => void statuses.push((await call(gw, path, options)).status);
        const gmsAuth = (password = SECRETS.gmsPassword) => ({ ...FORM, authorization: basic('legacy', password) });
        const gms = (body: string | Buffer, password?: string, path = '/genesys/2/openmedia/svc') => send(path, { headers: gmsAuth(password), body });
        const nexusHeaders = (key = SECRETS.nexusKey) => ({ 'content-type': 'application/json', 'x-api-key': key });
        const nexus = (body: string | Buffer, key?: string, path = '/nexus/v3/openmedia/svc/interactions') => send(path, { headers: nexusHeaders(key), body });
        const agent = (password = SECRETS.agentPassword) => ({ 'content-type': 'application/json', authorization: basic('agent1', password) });
        const oracle = (body: string, authorization = `Bearer ${SECRETS.oracleToken}`) => send(ORACLE, { headers: { 'content-type': 'application/json', authorization }, body });
        const vsp = (body: string, type: Record<string, string>) => send(VSP_CREATE, { headers: type, body });

        // GMS: sensitive user data, invalid percent-encoding, invalid UTF-8, secrets in the query and in form fields.
        await gms(`externalId=g1&${sensitiveForm}`);
        await gms(`userData%5BCardNumber%5D=${SECRETS.card}%ZZ`);
        await gms(Buffer.concat([Buffer.from(`userData%5BSSN%5D=${SECRETS.ssn}`), Buffer.from([0xc3, 0x28])]));
        await gms(`password=${SECRETS.wrongPassword}&token=${SECRETS.oracleToken}`, undefined, `/genesys/2/openmedia/svc?password=${SECRETS.gmsPassword}`);
        // Nexus: sensitive user data, oversized and invalid bodies, secrets in the query, in body fields and in a trace id.
        await nexus(JSON.stringify({ externalId: 'n1', userData: ssnAndCard }));
        await nexus(JSON.stringify({ userData: { CardNumber: SECRETS.card, Blob: 'x'.repeat(70_000) } }));
        await nexus(Buffer.concat([Buffer.from(`{"userData":{"SSN":"${SECRETS.ssn}`), Buffer.from([0xff]), Buffer.from('"}}')]));
        await nexus(`{"userData":{"CardNumber":"${SECRETS.card}"`);
        await nexus(JSON.stringify({ apiKey: SECRETS.nexusKey, userData: { CardNumber: [SECRETS.card] } }), undefined, `/nexus/v3/openmedia/svc/interactions?x-api-key=${SECRETS.nexusKey}`);
        await send('/nexus/v3/openmedia/svc/interactions', { headers: { ...nexusHeaders(), 'x-b3-traceid': SECRETS.nexusKey }, body: '{}' });
        // Workspace: user data, malformed JSON, an unknown operation, secrets in the query.
        await send('/api/v2/interactions?fields=*', { headers: agent() });
        await send('/api/v2/me/interactions/X1', { headers: agent(), body: JSON.stringify({ operationName: 'UpdateUserData', userData: ssnAndCard }) });
        await send('/api/v2/me/interactions/X1', { headers: agent(), body: `{"operationName":"UpdateUserData","userData":{"SSN":"${SECRETS.ssn}"` });
        await send(`/api/v2/me/interactions?password=${SECRETS.agentPassword}`, { headers: agent() });
        // Oracle, by bearer and by Basic: sensitive rows, a row of the wrong type, malformed JSON.
        await oracle(JSON.stringify({ InteractionData: [{ DataKey: 'CardNumber', DataValue: SECRETS.card }] }));
        await oracle(JSON.stringify({ InteractionData: [{ DataKey: 'SSN', DataValue: [SECRETS.ssn] }] }), basic('crm', SECRETS.oraclePassword));
        await oracle(`{"InteractionData":[{"DataKey":"CardNumber","DataValue":"${SECRETS.card}"`);
        // VSP in JSON, XML and a form: the key in the body, a wrong key, malformed XML, a DOCTYPE.
        await vsp(JSON.stringify(createFields(SECRETS.vspKey, 'v1')), JSON_TYPE);
        await vsp(createXml(createFields(SECRETS.vspKey, 'v2') as Record<string, string>), XML_TYPE);
        await vsp(`<CreateVspInteraction><AppAccessKey>${SECRETS.vspKey}</AppAccessKey><InteractionIdentity>`, XML_TYPE);
        await vsp(`<!DOCTYPE a [<!ENTITY e "${SECRETS.ssn}">]><CreateVspInteraction><AppAccessKey>${SECRETS.vspKey}</AppAccessKey></CreateVspInteraction>`, XML_TYPE);
        await vsp(new URLSearchParams(createFields(SECRETS.vspKey, 'v3') as Record<string, string>).toString(), FORM);
        await vsp(JSON.stringify(createFields(SECRETS.wrongVspKey, 'v4')), JSON_TYPE);
        // Upstreams that quote the gateway's own credentials back in their refusals.
        await nexus('{"externalId":"up1"}', undefined, '/nexus/v3/openmedia/remote-nexus/interactions');
        await gms('externalId=up2', undefined, '/genesys/2/openmedia/remote-gms');
        await gms('externalId=up3', undefined, '/genesys/2/openmedia/remote-oracle');
        await gms('', undefined, '/genesys/2/openmedia/remote-wwe/up4/get');
        await nexus('{"externalId":"up5"}', undefined, '/nexus/v3/openmedia/remote-vsp/interactions');
        // Wrong credentials in every dialect until the address is locked out.
        await nexus('{}', SECRETS.wrongKey);
        await gms('a=b', SECRETS.wrongPassword);
        await send('/api/v2/interactions', { headers: agent(SECRETS.wrongPassword) });
        await oracle('{}', `Bearer ${SECRETS.wrongKey}`);
        await oracle('{}', basic('crm', SECRETS.wrongPassword));
        for (let i = 0; i < 8; i++) await nexus('{}', SECRETS.wrongKey);
      },
    );
    expect(statuses).toEqual([
      ...[200, 400, 400, 200],
      ...[200, 413, 400, 400, 400, 200],
      ...[200, 200, 200, 200],
      ...[201, 400, 400],
      ...[200, 200, 400, 400, 200, 401],
      ...[502, 200, 200, 400, 502],
      ...[401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 429, 429],
    ]);
    expect(requests).toBe(statuses.length);
    expectNoSecret(output);
    // The upstreams' words reached the request lines, each backend's once, blanked where they quote a credential.
    const quoted = output.split('\n').filter((l) => l.includes('"message":"request"') && /"upstreamMessage":"[^"]*(Bad|Invalid)/.test(l));
    expect(quoted.map((l) => (JSON.parse(l) as { backend: string }).backend).sort()).toEqual(['gmsUp', 'nexusUp', 'oracleUp', 'vspUp', 'wweUp']);
  });

  it('with every dialect open, hold none of the credentials callers present anyway', async () => {
    const statuses: number[] = [];
    const { output, requests } = await hostileRun('open', { logging: { level: 'debug', sensitiveKeys: ['CardNumber', 'SSN'] } }, async (gw) => {
      const send = async (path: string, options: Parameters<typeof call>[2]) => void statuses.push((await call(gw, path, options)).status);
      await send('/genesys/2/openmedia/svc', { headers: { ...FORM, authorization: basic('legacy', SECRETS.gmsPassword) }, body: sensitiveForm });
      await send('/nexus/v3/openmedia/svc/interactions', { headers: { 'content-type': 'application/json', 'x-api-key': SECRETS.nexusKey }, body: JSON.stringify({ userData: ssnAndCard }) });
      await send('/api/v2/interactions', { headers: { authorization: basic('agent1', SECRETS.agentPassword) } });
      await send(ORACLE, { headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.oracleToken}` }, body: JSON.stringify({ InteractionData: [{ DataKey: 'SSN', DataValue: SECRETS.ssn }] }) });
      await send(VSP_CREATE, { headers: JSON_TYPE, body: JSON.stringify(createFields(SECRETS.vspKey, 'o1')) });
      await send(VSP_CREATE, { headers: XML_TYPE, body: createXml({ AppAccessKey: SECRETS.wrongVspKey, InteractionIdentity: 'o2', InteractionName: 'x' }) });
    });
    expect(statuses).toEqual([200, 200, 200, 201, 200, 400]);
    expect(requests).toBe(statuses.length);
    expectNoSecret(output);
  });
});
