import { startGateway, type TestGateway } from '../support/gateway';
import { call, type Answer } from '../support/http-call';
import { memoryLogger } from '../support/log-capture';

/**
 * Every credential is scoped (DESIGN §6): a client scoped to tenant A cannot read, update or stop tenant B's
 * interaction through any dialect, by id or by externalId; ids of another tenant answer not found.
 */

const GMS = '/genesys/2/openmedia';
const NEXUS = '/nexus/v3/openmedia';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const KEY_A = 'tenant-a-key-4f1c9e';
const KEY_B = 'tenant-b-key-8d2a7b';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ALICE = basic('alice', 'alice-pw-31415');
const BOB = basic('bob', 'bob-pw-27182');

const config = {
  inbound: {
    gms: {
      basicAuth: {
        users: {
          alice: { password: 'alice-pw-31415', services: ['tenant-a', 'tenant-a-*'] },
          bob: { password: 'bob-pw-27182', services: ['tenant-b'] },
        },
      },
    },
    nexus: { apiKeys: { [KEY_A]: { services: ['tenant-a*'] }, [KEY_B]: { services: ['tenant-b'] } } },
  },
};

const gms = (gw: TestGateway, path: string, auth: string | undefined, body = '') =>
  call(gw, `${GMS}${path}`, { headers: { ...FORM, ...(auth && { authorization: auth }) }, body });
const nexus = (gw: TestGateway, method: string, path: string, key: string, body?: string) =>
  call(gw, `${NEXUS}${path}`, { method, headers: { 'content-type': 'application/json', 'x-api-key': key }, ...(body !== undefined && { body }) });

/** GMS's own wording (spec): get says "Specified interaction Id[…]", update and stop "Interaction with specified id[…]". */
const notFound248 = (id: string, path: string) => ({
  status: 200,
  json: { statusCode: 2, errors: [{ code: 248, advice: path.endsWith('/get') ? `Specified interaction Id[${id}] was not found` : `Interaction with specified id[${id}] was not found` }] },
});

describe('a credential scoped to tenant A meets tenant B', () => {
  let gw: TestGateway;
  let idB: string;
  beforeAll(async () => {
    gw = await startGateway(config);
    const created = await nexus(gw, 'POST', '/tenant-b/interactions', KEY_B, '{"externalId":"b-ext","userData":{"Owner":"B"}}');
    expect(created.status).toBe(200);
    idB = created.json.data.id;
  });
  afterAll(() => gw.close());

  const bobSees = async (): Promise<Answer> => gms(gw, `/tenant-b/${idB}/get`, BOB);

  it('GMS: reads, updates and stops by id or externalId answer "not found" (248), in B’s path or in A’s', async () => {
    const attempts: [string, string][] = [
      [`/tenant-b/${idB}/get`, ''],
      [`/tenant-b/${idB}/update`, 'change%5BOwner%5D=A'],
      [`/tenant-b/${idB}/stop`, ''],
      ['/tenant-b/b-ext/get', 'searchByExternalId=true'],
      ['/tenant-b/b-ext/update', 'searchByExternalId=true&change%5BOwner%5D=A'],
      ['/tenant-b/b-ext/stop', 'searchByExternalId=true'],
      [`/tenant-a/${idB}/get`, ''],
      [`/tenant-a/${idB}/update`, 'change%5BOwner%5D=A'],
      [`/tenant-a/${idB}/stop`, ''],
      ['/tenant-a/b-ext/stop', 'searchByExternalId=true'],
    ];
    for (const [path, body] of attempts) {
      const ref = path.includes('b-ext') ? 'b-ext' : idB;
      expect({ path, ...pick(await gms(gw, path, ALICE, body)) }).toEqual({ path, ...notFound248(ref, path) });
    }
    // Indistinguishable from an id nobody has.
    const unknown = await gms(gw, '/tenant-b/00000000000000AA/get', ALICE);
    const known = await gms(gw, `/tenant-b/${idB}/get`, ALICE);
    expect(known.text.replace(idB, 'ID')).toBe(unknown.text.replace('00000000000000AA', 'ID'));
    // A create names only a service: forbidden.
    expect((await gms(gw, '/tenant-b', ALICE, 'externalId=a-in-b')).status).toBe(403);
  });

  it('Nexus: a path naming B is 403, B’s id or externalId under A’s path is 404', async () => {
    expect((await nexus(gw, 'GET', `/tenant-b/interactions/${idB}`, KEY_A)).status).toBe(403);
    expect((await nexus(gw, 'GET', '/tenant-b/interactions/ext_b-ext', KEY_A)).status).toBe(403);
    expect((await nexus(gw, 'POST', `/tenant-b/interactions/${idB}/update`, KEY_A, '{"changedProperties":{"Owner":"A"}}')).status).toBe(403);
    expect((await nexus(gw, 'POST', '/tenant-b/interactions/ext_b-ext/stop', KEY_A, '{}')).status).toBe(403);
    expect((await nexus(gw, 'POST', '/tenant-b/interactions', KEY_A, '{}')).status).toBe(403);
    expect((await nexus(gw, 'GET', `/tenant-a/interactions/${idB}`, KEY_A)).status).toBe(404);
    expect((await nexus(gw, 'GET', '/tenant-a/interactions/ext_b-ext', KEY_A)).status).toBe(404);
    expect((await nexus(gw, 'POST', `/tenant-a/interactions/${idB}/update`, KEY_A, '{"changedProperties":{"Owner":"A"}}')).status).toBe(404);
    expect((await nexus(gw, 'POST', `/tenant-a/interactions/${idB}/stop`, KEY_A, '{}')).status).toBe(404);
  });

  it('anonymous or wrong credentials get nothing, and B’s interaction is untouched', async () => {
    expect((await gms(gw, `/tenant-b/${idB}/get`, undefined)).status).toBe(401);
    expect((await gms(gw, `/tenant-b/${idB}/get`, basic('bob', 'guess'))).status).toBe(401);
    expect((await nexus(gw, 'GET', `/tenant-b/interactions/${idB}`, 'guess')).status).toBe(401);
    const seen = await bobSees();
    expect(seen.json.statusCode).toBe(0);
    expect(seen.json.interactionProperties).toMatchObject({ interactionState: 'Queued' });
    expect(seen.json.interactionProperties.interactionUserData).toEqual(expect.arrayContaining([{ key: 'Owner', type: 'str', value: 'B' }]));
  });

  it('each credential keeps working within its own scope', async () => {
    const own = await gms(gw, '/tenant-a-west', ALICE, 'externalId=a-own');
    expect(own.json).toMatchObject({ statusCode: 0 });
    expect((await nexus(gw, 'GET', '/tenant-a-west/interactions/ext_a-own', KEY_A)).status).toBe(200);
    expect((await gms(gw, `/tenant-b/${idB}/update`, BOB, 'change%5BNote%5D=by-bob')).json).toEqual({ statusCode: 0 });
  });
});

const pick = (a: Answer) => ({ status: a.status, json: a.json });

describe('start-up warnings about open dialects', () => {
  const warnings = async (conf: unknown): Promise<string[]> => {
    const logger = memoryLogger();
    const gw = await startGateway(conf, { logger });
    await gw.close();
    return logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
  };

  it('names, in one line each, an open dialect served beside one that requires credentials', async () => {
    expect(await warnings({ inbound: { nexus: { apiKeys: { k: { services: ['a'] } } }, oracle: { enabled: false }, vsp: { enabled: false } } })).toEqual([
      'inbound.gms is open (no basicAuth: any caller is accepted), while inbound.nexus requires credentials: it reaches the same services',
      'inbound.wwe is open (no users: any user name is accepted), while inbound.nexus requires credentials: it reaches the same services',
    ]);
    expect(await warnings({ inbound: { gms: { basicAuth: { users: { u: 'p' } } }, oracle: { bearerTokens: ['t'] }, vsp: { appAccessKeys: ['v'] }, wwe: { users: { agent: 'p' } } } })).toEqual([
      'inbound.nexus is open (no apiKeys: any non-empty x-api-key is accepted), while inbound.gms, inbound.wwe, inbound.oracle, inbound.vsp require credentials: it reaches the same services',
    ]);
  });

  it('says nothing of a disabled dialect, nor when every served dialect requires credentials', async () => {
    expect(await warnings({ inbound: { gms: { enabled: false }, oracle: { enabled: false }, vsp: { enabled: false }, wwe: { enabled: false }, nexus: { apiKeys: { k: {} } } } })).toEqual([]);
    expect(await warnings({ ...config, inbound: { ...config.inbound, oracle: { basicAuth: { users: { crm: 'p' } } }, vsp: { appAccessKeys: ['v'] }, wwe: { users: { agent: 'p' } } } })).toEqual([]);
  });

  it('in the open sandbox, warns only of the dialects that accept any key or always require one upstream', async () => {
    expect(await warnings({})).toEqual([
      'inbound.nexus is open (no apiKeys: any non-empty x-api-key is accepted)',
      'inbound.oracle is open (no basicAuth or bearerTokens: any caller is accepted)',
      'inbound.vsp is open (no appAccessKeys: any non-empty AppAccessKey is accepted)',
    ]);
  });
});
