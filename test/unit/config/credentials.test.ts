import { ConfigError } from '../../../src/config/loader';
import { buildConfig } from '../../../src/gateway-config';

function problemsOf(raw: unknown): string[] {
  try {
    buildConfig(raw, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('scoped credentials in the config (DESIGN §6)', () => {
  it('a Basic user is a password, or { password, services, rateLimit }; the short form reaches every service', () => {
    const config = buildConfig(
      {
        inbound: {
          gms: { basicAuth: { users: { legacy: 'pw', scoped: { password: 'pw2', services: ['a-*'], rateLimit: { rate: '0.5', burst: 3 } } } } },
          wwe: { users: { agent1: { password: 'x', services: ['b'] } } },
          oracle: { basicAuth: { users: { crm: 'y' } } },
          nexus: { apiKeys: { k: { services: ['a'], rateLimit: { rate: 10, burst: 20 } } } },
        },
      },
      {},
    );
    expect(config.inbound.gms.basicAuth?.users).toEqual({
      legacy: { password: 'pw', services: ['*'] },
      scoped: { password: 'pw2', services: ['a-*'], rateLimit: { rate: 0.5, burst: 3 } },
    });
    expect(config.inbound.wwe.users).toEqual({ agent1: { password: 'x', services: ['b'] } });
    expect(config.inbound.oracle.basicAuth?.users).toEqual({ crm: { password: 'y', services: ['*'] } });
    expect(config.inbound.nexus.apiKeys).toEqual({ k: { services: ['a'], rateLimit: { rate: 10, burst: 20 } } });
  });

  it('refuses unknown keys, an empty scope and a rate limit without a rate, naming the path and never the secret', () => {
    const problems = problemsOf({
      inbound: {
        gms: { basicAuth: { users: { u: { password: 'hunter2-secret', service: ['a'] } } } },
        nexus: { apiKeys: { 'k-literal-key': { services: [] } } },
      },
      server: { rateLimit: { burst: 2 } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'inbound.gms.basicAuth.users.u: unknown key "service"',
        expect.stringMatching(/^inbound\.nexus\.apiKeys\.<key #1>\.services: /),
        expect.stringMatching(/^server\.rateLimit\.rate: /),
      ]),
    );
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems.join('\n')).not.toContain('k-literal-key');
  });
});
