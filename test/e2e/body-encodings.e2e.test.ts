import { gzipSync } from 'node:zlib';
import { startGateway, type TestGateway } from '../support/gateway';
import { call, type Answer } from '../support/http-call';
import { createFields, VSP_CREATE } from '../support/vsp';

/**
 * A body the gateway would have to transform before reading it is refused with 415 in each dialect's own form,
 * and nothing is applied: a Content-Encoding (nothing is inflated: a decompression bomb would pass any body
 * limit), or a charset it does not read (a UTF-16 body is not read as UTF-8). GMS forms keep ISO-8859-1.
 */

const VSP_KEY = 'vsp-encodings-key';
const GMS = '/genesys/2/openmedia';
const NEXUS = '/nexus/v3/openmedia/svc/interactions';
const ORACLE = '/crmRestApi/resources/11.13.18.05/interactions';
const FORM = 'application/x-www-form-urlencoded';
const AGENT = { authorization: `Basic ${Buffer.from('agent:pw').toString('base64')}` };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ inbound: { vsp: { appAccessKeys: [VSP_KEY] } } });
});
afterAll(() => gw.close());

/** A create in each dialect, with the externalId it names and the service it lands in. */
const creates = (externalId: string) => ({
  gms: { path: `${GMS}/svc`, type: FORM, body: `externalId=${externalId}&userData%5BNote%5D=x`, service: 'svc' },
  nexus: { path: NEXUS, type: 'application/json', body: JSON.stringify({ externalId, userData: { Note: 'x' } }), service: 'svc' },
  oracle: { path: ORACLE, type: 'application/json', body: JSON.stringify({ OriginalSystemReference: externalId, Description: 'x' }), service: 'crm' },
  vsp: { path: VSP_CREATE, type: 'application/json', body: JSON.stringify(createFields(VSP_KEY, externalId)), service: 'vsp' },
});
type Dialect = keyof ReturnType<typeof creates>;
const DIALECTS: Dialect[] = ['gms', 'nexus', 'oracle', 'vsp'];

const post = (dialect: Dialect, externalId: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> => {
  const c = creates(externalId)[dialect];
  return call(gw, c.path, { headers: { 'content-type': c.type, 'x-api-key': 'k', ...headers }, body: body ?? c.body });
};

/** Whether an interaction with this externalId exists, read through GMS. */
async function exists(dialect: Dialect, externalId: string): Promise<boolean> {
  const service = creates(externalId)[dialect].service;
  const got = await call(gw, `${GMS}/${service}/${externalId}/get`, { headers: { 'content-type': FORM }, body: 'searchByExternalId=true' });
  expect([0, 2]).toContain(got.json.statusCode);
  return got.json.statusCode === 0;
}

/** The 415 each dialect answers, in its own error form; GMS answers it as its bad content type (DESIGN §4: 400, code 200). */
function expect415(dialect: Dialect, answer: Answer, words: RegExp): void {
  switch (dialect) {
    case 'gms':
      expect(answer).toMatchObject({ status: 400, json: { statusCode: 2, errors: [{ code: 200, advice: expect.stringMatching(words) }] } });
      break;
    case 'nexus':
      expect(answer).toMatchObject({ status: 415, json: { status: { code: 415, message: expect.stringMatching(words) } } });
      break;
    case 'oracle':
      expect(answer).toMatchObject({ status: 415, json: { status: 415, detail: expect.stringMatching(words) } });
      break;
    case 'vsp':
      expect(answer).toMatchObject({ status: 415, json: { Message: expect.stringMatching(words) } });
      break;
  }
}

describe('Content-Encoding', () => {
  it.each(DIALECTS)('%s: a gzip body is 415 and nothing is created; identity is read as usual', async (dialect) => {
    const externalId = `gz-${dialect}`;
    const gzipped = gzipSync(Buffer.from(creates(externalId)[dialect].body));
    expect415(dialect, await post(dialect, externalId, { 'content-encoding': 'gzip' }, gzipped), /Content-Encoding/);
    expect415(dialect, await post(dialect, externalId, { 'content-encoding': 'br' }), /Content-Encoding/);
    expect(await exists(dialect, externalId)).toBe(false);

    const plain = await post(dialect, externalId, { 'content-encoding': 'Identity' });
    expect(plain.status).toBeLessThan(300);
    expect(await exists(dialect, externalId)).toBe(true);
  });

  it('wwe: an operation with a gzip body is 415 (statusCode 10) and not applied', async () => {
    const created = await call(gw, `${GMS}/svc`, { headers: { 'content-type': FORM }, body: 'externalId=gz-wwe' });
    const id = created.json.interactionId as string;
    const accept = gzipSync(Buffer.from('{"operationName":"Accept"}'));
    const refused = await call(gw, `/api/v2/me/interactions/${id}`, { headers: { ...AGENT, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: accept });
    expect(refused).toMatchObject({ status: 415, json: { statusCode: 10, statusMessage: expect.stringMatching(/Content-Encoding/) } });
    // A request without a body has nothing encoded: its Content-Encoding is no reason to refuse it.
    const mine = await call(gw, '/api/v2/me/interactions?fields=*', { headers: { ...AGENT, 'content-encoding': 'gzip' } });
    expect(mine.status).toBe(200);
    expect(mine.json.interactions.map((i: { id: string }) => i.id)).not.toContain(id);
  });
});

describe('charset', () => {
  it.each(['nexus', 'oracle', 'vsp'] as Dialect[])('%s: a JSON body declared UTF-16 is 415 and nothing is created; UTF-8 is read', async (dialect) => {
    const externalId = `u16-${dialect}`;
    const utf16 = Buffer.from(creates(externalId)[dialect].body, 'utf16le');
    expect415(dialect, await post(dialect, externalId, { 'content-type': 'application/json; charset=utf-16' }, utf16), /charset|media type/i);
    expect(await exists(dialect, externalId)).toBe(false);
    expect((await post(dialect, externalId, { 'content-type': 'application/json; charset="UTF-8"' })).status).toBeLessThan(300);
    expect(await exists(dialect, externalId)).toBe(true);
  });

  it('gms: a form declared UTF-16 is refused (400) and nothing is created; ISO-8859-1 is still read as Latin-1', async () => {
    expect415('gms', await post('gms', 'u16-gms', { 'content-type': `${FORM}; charset=utf-16` }), /charset/);
    expect(await exists('gms', 'u16-gms')).toBe(false);
    const latin1 = await post('gms', 'l1-gms', { 'content-type': `${FORM}; charset=ISO-8859-1` }, 'externalId=l1-gms&userData%5BNote%5D=caf%E9');
    expect(latin1.json.statusCode).toBe(0);
    const got = await call(gw, `${GMS}/svc/l1-gms/get`, { headers: { 'content-type': FORM }, body: 'searchByExternalId=true' });
    expect(got.json.interactionProperties.interactionUserData).toContainEqual({ key: 'Note', type: 'str', value: 'café' });
  });

  it('wwe: an operation declared UTF-16 is 415 (statusCode 10) and not applied', async () => {
    const created = await call(gw, `${GMS}/svc`, { headers: { 'content-type': FORM }, body: 'externalId=u16-wwe' });
    const id = created.json.interactionId as string;
    const body = Buffer.from('{"operationName":"Accept"}', 'utf16le');
    const refused = await call(gw, `/api/v2/me/interactions/${id}`, { headers: { ...AGENT, 'content-type': 'application/json; charset=utf-16' }, body });
    expect(refused).toMatchObject({ status: 415, json: { statusCode: 10, statusMessage: expect.stringMatching(/charset/) } });
    const mine = await call(gw, '/api/v2/me/interactions?fields=*', { headers: AGENT });
    expect(mine.json.interactions.map((i: { id: string }) => i.id)).not.toContain(id);
    const accepted = await call(gw, `/api/v2/me/interactions/${id}`, { headers: { ...AGENT, 'content-type': 'application/json; charset=utf-8' }, body: '{"operationName":"Accept"}' });
    expect(accepted.json.statusCode).toBe(0);
  });
});
