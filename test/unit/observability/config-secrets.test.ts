import { buildConfig } from '../../../src/gateway-config';
import { configSecrets } from '../../../src/observability/config-secrets';
import { createRedactor, REDACTED } from '../../../src/observability/redact';

describe('configSecrets', () => {
  const config = buildConfig(
    {
      inbound: {
        gms: { basicAuth: { users: { legacy: 'gms-pw-1', partner: { password: 'gms-pw-2', services: ['partner-*'], rateLimit: { rate: 1, burst: 2 } } } } },
        nexus: { apiKeys: { 'nexus-key-1': { services: ['svc'] } } },
        wwe: { users: { agent1: 'agent-pw-1' } },
        oracle: { basicAuth: { users: { crm: 'oracle-pw-1' } }, bearerTokens: ['token-1', { token: 'token-2', services: ['crm'] }] },
        vsp: { appAccessKeys: ['vsp-key-1', { key: 'vsp-key-2', services: ['vsp'] }] },
      },
      backends: {
        sim: { driver: 'memory' },
        up: { driver: 'nexus', baseUrl: 'http://127.0.0.1:1/nexus/v3', apiKey: 'upstream-key-1' },
        legacy: { driver: 'gms', baseUrl: 'http://127.0.0.1:1/genesys/2/openmedia', basicAuth: { username: 'gw', password: 'upstream-pw-1' } },
      },
      store: { kind: 'redis', url: 'redis://:redis%40pw@127.0.0.1:6379/0' },
    },
    {},
  );

  it('finds every credential of every dialect and backend, and a password inside a URL', () => {
    expect(new Set(configSecrets(config))).toEqual(
      new Set(['gms-pw-1', 'gms-pw-2', 'nexus-key-1', 'agent-pw-1', 'oracle-pw-1', 'token-1', 'token-2', 'vsp-key-1', 'vsp-key-2', 'upstream-key-1', 'upstream-pw-1', 'redis@pw', 'redis%40pw']),
    );
  });

  it('leaves out scopes, user names and field names, which log lines must keep', () => {
    const secrets = configSecrets(config);
    for (const plain of ['partner-*', 'svc', 'crm', 'vsp', 'legacy', 'gw', 'token', 'key', 'services', 'password']) expect(secrets).not.toContain(plain);
  });

  it('are blanked inside any text of a log record, however they got there', () => {
    const redact = createRedactor([], configSecrets(config));
    expect(redact({ upstreamMessage: 'Invalid API key upstream-key-1 (user gw:upstream-pw-1)', cause: new Error('nexus-key-1 refused') })).toEqual({
      upstreamMessage: `Invalid API key ${REDACTED} (user gw:${REDACTED})`,
      cause: { name: 'Error', message: `${REDACTED} refused` },
    });
  });
});
