import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { winstonLines } from '../support/log-capture';

/** One rule for bad bytes in every dialect, and error messages that name keys, never values. */

const GMS = '/genesys/2/openmedia/svc';
const NEXUS = '/nexus/v3/openmedia/svc/interactions';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_KEY = { 'content-type': 'application/json', 'x-api-key': 'k' };

/** `{"externalId":"bad-utf8","userData":{"Note":"<0xC3 0x28>"}}`: 0xC3 opens a two-byte sequence that 0x28 does not continue. */
const invalidUtf8Json = (externalId: string) =>
  Buffer.concat([Buffer.from(`{"externalId":"${externalId}","userData":{"Note":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);

describe('invalid UTF-8 in a JSON body', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('is a 400 in Nexus, as it is in GMS, and nothing is stored', async () => {
    const nexus = await call(gw, NEXUS, { headers: JSON_KEY, body: invalidUtf8Json('bad-utf8') });
    expect(nexus).toMatchObject({ status: 400, json: { status: { code: 400, message: 'JSON body is not valid UTF-8' } } });
    expect((await call(gw, `${NEXUS}/ext_bad-utf8`, { headers: JSON_KEY })).status).toBe(404);

    const gmsBody = Buffer.concat([Buffer.from('externalId=bad-form&userData%5BNote%5D='), Buffer.from([0xc3, 0x28])]);
    expect(await call(gw, GMS, { headers: FORM, body: gmsBody })).toMatchObject({ status: 400, json: { statusCode: 2, errors: [{ code: 200 }] } });
  });

  it('is a 400 on a Nexus update, which leaves the user data as it was', async () => {
    const { json } = await call(gw, NEXUS, { headers: JSON_KEY, body: '{"externalId":"utf8-upd","userData":{"Note":"fine"}}' });
    const body = Buffer.concat([Buffer.from('{"changedProperties":{"Note":"'), Buffer.from([0xff]), Buffer.from('"}}')]);
    expect((await call(gw, `${NEXUS}/${json.data.id}/update`, { headers: JSON_KEY, body })).status).toBe(400);
    expect((await call(gw, `${NEXUS}/${json.data.id}`, { headers: JSON_KEY })).json.data.userData).toEqual({ Note: 'fine' });
  });

  it('keeps well-formed multi-byte characters', async () => {
    const { json } = await call(gw, NEXUS, { headers: JSON_KEY, body: Buffer.from('{"userData":{"Note":"ä€😀"}}') });
    expect((await call(gw, `${NEXUS}/${json.data.id}`, { headers: JSON_KEY })).json.data.userData).toEqual({ Note: 'ä€😀' });
  });
});

describe('error messages name keys, never values', () => {
  const CARD = '4111111111111111';

  it('an invalid percent-encoding in a sensitive value is reported by its key, in the answer and in the log', async () => {
    const { logger, lines } = winstonLines(['CardNumber']);
    const gw = await startGateway({ logging: { sensitiveKeys: ['CardNumber'] } }, { logger });
    try {
      const value = await call(gw, GMS, { headers: FORM, body: `userData%5BCardNumber%5D=${CARD}%ZZ` });
      expect(value).toMatchObject({ status: 400, json: { statusCode: 2, errors: [{ code: 200, advice: 'Invalid percent-encoding in form value of "userData[CardNumber]"' }] } });
      const query = await call(gw, `${GMS}/x/get?userData%5BCardNumber%5D=${CARD}%E0%A4`, { headers: FORM, body: '' });
      expect(query.json.errors[0].advice).toBe('Invalid percent-encoding in form value of "userData[CardNumber]"');
      const key = await call(gw, GMS, { headers: FORM, body: `userData%5BCard%ZZ%5D=${CARD}` });
      expect(key.json.errors[0].advice).toBe('Invalid percent-encoding in form key "userData[Card%ZZ]"');
      for (const answer of [value, query, key]) expect(answer.text).not.toContain(CARD);
    } finally {
      await gw.close();
    }
    expect(lines.filter((l) => l.includes('"message":"request"'))).toHaveLength(3);
    expect(lines.join('\n')).not.toContain(CARD);
  });
});
