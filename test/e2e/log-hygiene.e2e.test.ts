import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../support/http-call';
import { ensureBuilt, freePort, isListening, killAll, omgw } from '../support/omgw-process';

/**
 * Nothing sensitive in any log line: a real `omgw` process takes a hostile run through every served dialect
 * (right and wrong credentials, sensitive user data, its invalid percent-encoding, invalid UTF-8, oversized user
 * data, rate-limited and locked-out callers), then its captured stdout and stderr are grepped for every secret.
 */

const SECRETS = {
  gmsPassword: 'gms-pw-Q7v9sRk2',
  wrongPassword: 'guess-pw-Z3m8',
  nexusKey: 'nexus-key-H4p6tW1x',
  wrongKey: 'wrong-key-B5n2cJ8q',
  oracleToken: 'oracle-token-K9d3fL7s',
  card: '4111111111111111',
  ssn: '078-05-1120',
};

describe('log lines of a hostile run', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'omgw-logs-'));
  });
  afterAll(() => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hold no password, key, token or sensitive user-data value', async () => {
    const port = await freePort();
    const config = join(dir, 'gateway.json');
    writeFileSync(
      config,
      JSON.stringify({
        server: { port, host: '127.0.0.1', rateLimit: { rate: 0.1, burst: 20 }, authFailureLimit: { rate: 0.1, burst: 3 } },
        inbound: {
          gms: { basicAuth: { users: { legacy: { password: SECRETS.gmsPassword, services: ['svc'] } } } },
          nexus: { apiKeys: { [SECRETS.nexusKey]: { services: ['svc'] } } },
          oracle: { service: 'svc', bearerTokens: [SECRETS.oracleToken] },
        },
        logging: { level: 'debug', sensitiveKeys: ['CardNumber', 'SSN'] },
      }),
    );
    const run = omgw(['start', '--config', config], { cwd: dir });
    await run.logLine(isListening, 15_000);
    const gw = { url: `http://127.0.0.1:${port}` };
    const basic = (password: string) => `Basic ${Buffer.from(`legacy:${password}`).toString('base64')}`;
    const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
    const gms = (body: string | Buffer, password = SECRETS.gmsPassword) => call(gw, '/genesys/2/openmedia/svc', { headers: { ...FORM, authorization: basic(password) }, body });
    const nexus = (body: string | Buffer, key = SECRETS.nexusKey) =>
      call(gw, '/nexus/v3/openmedia/svc/interactions', { headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
    const sensitive = `userData%5BCardNumber%5D=${SECRETS.card}&userData%5BSSN%5D=${SECRETS.ssn}`;

    const statuses = [
      (await gms(`externalId=g1&${sensitive}`)).status,
      (await gms(`userData%5BCardNumber%5D=${SECRETS.card}%ZZ`)).status,
      (await gms(Buffer.concat([Buffer.from(`userData%5BSSN%5D=${SECRETS.ssn}`), Buffer.from([0xc3, 0x28])]))).status,
      (await nexus(JSON.stringify({ externalId: 'n1', userData: { CardNumber: SECRETS.card, SSN: SECRETS.ssn } }))).status,
      (await nexus(JSON.stringify({ userData: { CardNumber: SECRETS.card, Blob: 'x'.repeat(70_000) } }))).status,
      (await nexus(Buffer.concat([Buffer.from(`{"userData":{"SSN":"${SECRETS.ssn}`), Buffer.from([0xff]), Buffer.from('"}}')]))).status,
      (await call(gw, '/crmRestApi/resources/11.13.18.05/interactions', {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.oracleToken}` },
        body: JSON.stringify({ InteractionData: [{ DataKey: 'CardNumber', DataValue: SECRETS.card }] }),
      })).status,
    ];
    expect(statuses).toEqual([200, 400, 400, 200, 413, 400, 201]);
    // Wrong credentials until the address is locked out, and a rate-limited client.
    for (let i = 0; i < 5; i++) await nexus('{}', SECRETS.wrongKey);
    expect((await gms('a=b', SECRETS.wrongPassword)).status).toBe(200);
    run.child.kill('SIGTERM');
    await run.exited;

    const everything = [...run.stdout, ...run.stderr].join('\n');
    expect(run.stdout.filter((l) => l.includes('"message":"request"')).length).toBeGreaterThanOrEqual(13);
    for (const [name, value] of Object.entries(SECRETS)) expect({ name, found: everything.includes(value) }).toEqual({ name, found: false });
  });
});
