import { ConfigError } from '../../../src/config/loader';
import { buildConfig } from '../../../src/gateway-config';

function problemsOf(raw: unknown): string[] {
  try {
    buildConfig(raw, {});
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('inbound.wwe config', () => {
  it('a user is a password, or a password with the services it may see (default every one)', () => {
    const config = buildConfig({ inbound: { wwe: { users: { a1: 'p1', a2: { password: 'p2', services: ['sales-*'] }, a3: { password: 'p3' } } } } }, {});
    expect(config.inbound.wwe.users).toEqual({ a1: { password: 'p1', services: ['*'] }, a2: { password: 'p2', services: ['sales-*'] }, a3: { password: 'p3', services: ['*'] } });
    expect(config.inbound.wwe.service).toBe('*');
  });

  it('refuses an empty scope, unknown keys, and a pattern as fallback service', () => {
    expect(problemsOf({ inbound: { wwe: { users: { a: { password: 'p', services: [] } } } } })).toHaveLength(1);
    expect(problemsOf({ inbound: { wwe: { users: { a: { password: 'p', role: 'x' } } } } })).toHaveLength(1);
    expect(problemsOf({ inbound: { wwe: { service: 'desk-*' } } })).toEqual([expect.stringContaining('inbound.wwe.service')]);
    expect(problemsOf({ inbound: { wwe: { service: 'desk' } } })).toEqual([]);
  });
});

describe('backends with driver: wwe', () => {
  const desk = (baseUrl: string) => ({ backends: { desk: { driver: 'wwe', baseUrl, basicAuth: { username: 'a', password: 'p' } } } });

  it('a baseUrl is the origin plus /api/v2 (DESIGN §5); no path, or a path past it, is refused', () => {
    expect(problemsOf(desk('https://wwe.example/api/v2'))).toEqual([]);
    expect(problemsOf(desk('https://wwe.example'))).toEqual([expect.stringContaining('backends.desk.baseUrl')]);
    expect(problemsOf(desk('https://wwe.example/api/v2/me/interactions'))).toEqual([expect.stringContaining('backends.desk.baseUrl')]);
  });

  it('needs the agent it acts as', () => {
    expect(problemsOf({ backends: { desk: { driver: 'wwe', baseUrl: 'https://wwe.example/api/v2' } } })).toEqual([expect.stringContaining('backends.desk.basicAuth')]);
  });
});
