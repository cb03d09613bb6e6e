import { interpolate, writtenPath, type InterpolationProblem } from '../../../src/config/interpolate';

function run(value: unknown, env: Record<string, string | undefined>) {
  const problems: InterpolationProblem[] = [];
  const out = interpolate(value, env, problems);
  return { out, problems };
}

describe('${VAR} interpolation', () => {
  it('replaces references in string values at every depth, inside longer strings and in arrays', () => {
    const { out, problems } = run(
      { server: { host: '${HOST}' }, backends: { cloud: { baseUrl: 'https://${HOST}:${PORT_B}/nexus/v3' } }, keys: ['${K1}', 'plain'] },
      { HOST: 'nexus.example', PORT_B: '8443', K1: 'one' },
    );
    expect(problems).toEqual([]);
    expect(out).toEqual({ server: { host: 'nexus.example' }, backends: { cloud: { baseUrl: 'https://nexus.example:8443/nexus/v3' } }, keys: ['one', 'plain'] });
  });

  it('replaces references in keys', () => {
    const { out, problems } = run({ apiKeys: { '${NEXUS_KEY}': { services: ['*'] } } }, { NEXUS_KEY: 'k-123' });
    expect(problems).toEqual([]);
    expect(out).toEqual({ apiKeys: { 'k-123': { services: ['*'] } } });
  });

  it('uses the default when the variable is unset or empty, and the variable when set', () => {
    const value = { port: '${PORT_A:-8080}', host: '${HOST:-}', url: '${URL:-http://localhost:1/x?a=b}' };
    expect(run(value, {}).out).toEqual({ port: '8080', host: '', url: 'http://localhost:1/x?a=b' });
    expect(run(value, { PORT_A: '', HOST: undefined }).out).toEqual({ port: '8080', host: '', url: 'http://localhost:1/x?a=b' });
    expect(run(value, { PORT_A: '9000', HOST: 'h', URL: 'u' }).out).toEqual({ port: '9000', host: 'h', url: 'u' });
  });

  it('reports an unset variable with no default, naming it and where it was used', () => {
    const { problems } = run({ inbound: { gms: { basicAuth: { users: { legacy: '${GMS_PASSWORD}' } } } }, list: ['x', '${MISSING_IN_LIST}'] }, {});
    expect(problems).toEqual([
      { path: ['inbound', 'gms', 'basicAuth', 'users', 'legacy'], message: expect.stringContaining('GMS_PASSWORD is not set') },
      { path: ['list', 1], message: expect.stringContaining('MISSING_IN_LIST is not set') },
    ]);
  });

  it('treats a set but empty variable with no default as a problem, saying it is empty', () => {
    const { problems } = run({ apiKey: '${NEXUS_API_KEY}' }, { NEXUS_API_KEY: '' });
    expect(problems).toEqual([{ path: ['apiKey'], message: expect.stringMatching(/NEXUS_API_KEY is not set \(it is empty\)/) }]);
  });

  it('reports an unset variable used in a key, with the key as written', () => {
    const { problems } = run({ apiKeys: { '${NEXUS_KEY}': {} } }, {});
    expect(problems).toEqual([{ path: ['apiKeys', '${NEXUS_KEY}'], message: expect.stringContaining('NEXUS_KEY') }]);
  });

  it('writes a literal ${ for $${, and leaves lone dollars alone', () => {
    const { out, problems } = run({ a: 'pa$${ss}', b: 'cost $5', c: '$HOME', d: '$$' }, { ss: 'never' });
    expect(problems).toEqual([]);
    expect(out).toEqual({ a: 'pa${ss}', b: 'cost $5', c: '$HOME', d: '$$' });
  });

  it.each([['${VAR-default}'], ['${VAR:default}'], ['${1VAR}'], ['${}'], ['prefix ${unterminated'], ['${VAR:?required}']])(
    'reports %s as a malformed reference rather than keeping it silently',
    (text) => {
      const { problems } = run({ value: text }, { VAR: 'x' });
      expect(problems).toEqual([{ path: ['value'], message: expect.stringContaining('not a ${VAR} or ${VAR:-default} reference') }]);
      // The value itself may be a literal secret: it is not echoed.
      expect(problems[0]!.message).not.toContain(text);
    },
  );

  it('reports a nested reference in a default', () => {
    const { problems } = run({ value: '${A:-${B}}' }, { B: 'b' });
    expect(problems).toEqual([{ path: ['value'], message: expect.stringContaining('nested') }]);
  });

  it('leaves numbers, booleans and null as they are', () => {
    expect(run({ a: 1, b: true, c: null, d: [2, false] }, {}).out).toEqual({ a: 1, b: true, c: null, d: [2, false] });
  });

  it('reports two keys that become the same key', () => {
    const { problems } = run({ users: { '${A}': 'x', '${B}': 'y' } }, { A: 'same', B: 'same' });
    expect(problems).toEqual([{ path: ['users', '${B}'], message: expect.stringContaining('same key') }]);
  });

  it('keeps a __proto__ key as a plain own key, never as a prototype', () => {
    const raw = JSON.parse('{"server": {"__proto__": {"polluted": true}}}') as unknown;
    const { out } = run(raw, {});
    const server = (out as { server: Record<string, unknown> }).server;
    expect(Object.keys(server)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(server)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('maps a path through interpolated keys back to the keys as written', () => {
    const { out } = run({ inbound: { nexus: { apiKeys: { '${K}': { services: 'x' } } } } }, { K: 'secret-key' });
    expect(writtenPath(out, ['inbound', 'nexus', 'apiKeys', 'secret-key', 'services'])).toEqual(['inbound', 'nexus', 'apiKeys', '${K}', 'services']);
    expect(writtenPath(out, ['inbound', 'other', 3])).toEqual(['inbound', 'other', 3]);
  });
});
