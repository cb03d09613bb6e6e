import { ConfigError } from '../../../src/config/loader';
import { buildConfig } from '../../../src/gateway-config';

/** The problems buildConfig reports for a config object, or [] when it is valid. */
function problemsOf(raw: unknown, env: Record<string, string | undefined> = {}): string[] {
  try {
    buildConfig(raw, env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('config schema (DESIGN §6)', () => {
  describe('defaults', () => {
    it.each([[{}], [null], [undefined]])('%p: every dialect enabled, every service on the memory backend', (raw) => {
      const config = buildConfig(raw, {});
      expect(config.server).toEqual({
        port: 8080,
        host: '0.0.0.0',
        bodyLimit: 1024 * 1024,
        maxFields: 1000,
        requestTimeoutMs: 30000,
        shutdownTimeoutMs: 10000,
        headersTimeoutMs: 10000,
        keepAliveTimeoutMs: 65000,
        maxConnections: 10000,
        authFailureLimit: { rate: 1, burst: 30 },
        workers: 1,
        cors: { origins: [] },
      });
      for (const dialect of ['gms', 'nexus', 'wwe', 'oracle', 'vsp'] as const) expect(config.inbound[dialect].enabled).toBe(true);
      expect(config.inbound.oracle.service).toBe('crm');
      expect(config.inbound.vsp.service).toBe('vsp');
      expect(config.backends).toEqual({ sim: { driver: 'memory' } });
      expect(config.routes).toEqual([{ service: '*', backend: 'sim' }]);
      expect(config.store).toEqual({ kind: 'memory', maxEntries: 200_000, maxBytes: 64 * 1024 * 1024 });
      expect(config.logging).toEqual({ level: 'info', sensitiveKeys: [] });
    });

    it('a dialect missing under inbound is enabled with its defaults', () => {
      const config = buildConfig({ inbound: { gms: { enabled: false } } }, {});
      expect(config.inbound.gms.enabled).toBe(false);
      expect(config.inbound.nexus.enabled).toBe(true);
      expect(config.inbound.oracle).toMatchObject({ enabled: true, service: 'crm' });
    });

    it('without routes every service goes to the first backend', () => {
      const config = buildConfig({ backends: { first: { driver: 'memory' }, second: { driver: 'memory' } } }, {});
      expect(config.routes).toEqual([{ service: '*', backend: 'first' }]);
    });

    it('keeps routes in order when given', () => {
      const routes = [
        { service: 'customer-*', backend: 'b' },
        { service: '*', backend: 'a' },
      ];
      expect(buildConfig({ backends: { a: { driver: 'memory' }, b: { driver: 'memory' } }, routes }, {}).routes).toEqual(routes);
    });
  });

  describe('coercion of interpolated strings', () => {
    it('reads numbers, booleans and sizes from strings', () => {
      const config = buildConfig(
        {
          server: { port: '${PORT_A:-8080}', maxFields: '12', bodyLimit: '2kb', requestTimeoutMs: ' 500 ', shutdownTimeoutMs: '0' },
          inbound: { oracle: { enabled: '${ORACLE_ON:-false}' }, vsp: { enabled: 'TRUE' } },
          services: { s: { allowOverwrite: 'true' } },
        },
        {},
      );
      expect(config.server).toMatchObject({ port: 8080, maxFields: 12, bodyLimit: 2048, requestTimeoutMs: 500, shutdownTimeoutMs: 0 });
      expect(config.inbound.oracle.enabled).toBe(false);
      expect(config.inbound.vsp.enabled).toBe(true);
      expect(config.services.s!.allowOverwrite).toBe(true);
    });

    it.each([['gms'], ['nexus'], ['wwe'], ['oracle'], ['vsp']] as const)('inbound.%s.enabled reads "false" from a variable', (dialect) => {
      const config = buildConfig({ inbound: { [dialect]: { enabled: '${DIALECT_ON:-false}' } } }, {});
      expect(config.inbound[dialect].enabled).toBe(false);
    });

    it('uses the variable when it is set: port: ${PORT_A:-8080}', () => {
      expect(buildConfig({ server: { port: '${PORT_A:-8080}' } }, { PORT_A: '7000' }).server.port).toBe(7000);
    });

    it.each([
      ['1mb', 1024 * 1024],
      ['512kb', 512 * 1024],
      ['100b', 100],
      ['100', 100],
      [4096, 4096],
      ['1.5KB', 1536],
    ])('bodyLimit %p is %d bytes', (bodyLimit, bytes) => {
      expect(buildConfig({ server: { bodyLimit } }, {}).server.bodyLimit).toBe(bytes);
    });

    it.each([
      [{ server: { port: 'abc' } }, 'server.port: expected an integer'],
      [{ server: { port: '80.5' } }, 'server.port: expected an integer'],
      [{ server: { port: 70000 } }, 'server.port: expected an integer ≤ 65535'],
      [{ server: { port: -1 } }, 'server.port: expected an integer ≥ 0'],
      [{ server: { maxFields: 0 } }, 'server.maxFields: expected an integer ≥ 1'],
      [{ server: { bodyLimit: '1zz' } }, 'server.bodyLimit: expected a size such as 1mb, 512kb or a number of bytes'],
      [{ server: { bodyLimit: '0' } }, 'server.bodyLimit: expected a size of at least 1 byte'],
      [{ services: { s: { allowOverwrite: 'yes' } } }, 'services.s.allowOverwrite: expected true or false'],
      [{ server: { host: '' } }, 'server.host: must not be empty'],
      [{ logging: { level: 'verbose' } }, 'logging.level: Invalid option: expected one of "error"|"warn"|"info"|"debug"'],
    ])('%j → %s', (raw, problem) => {
      expect(problemsOf(raw)).toEqual([problem]);
    });
  });

  describe('unknown keys are errors, each named', () => {
    it.each([
      [{ server: { prot: 8080 } }, ['server: unknown key "prot"']],
      [{ sever: {} }, ['(root): unknown key "sever"']],
      [{ server: { prot: 1, hots: 'x' } }, ['server: unknown key "prot"', 'server: unknown key "hots"']],
      [{ inbound: { gsm: {} } }, ['inbound: unknown key "gsm"']],
      [{ inbound: { oracle: { servce: 'crm' } } }, ['inbound.oracle: unknown key "servce"']],
      [{ backends: { sim: { driver: 'memory', retension: {} } } }, ['backends.sim: unknown key "retension"']],
      [{ services: { s: { mediatype: 'chat' } } }, ['services.s: unknown key "mediatype"']],
      [{ routes: [{ service: '*', backend: 'sim', mirror: 'x' }] }, ['routes[0]: unknown key "mirror"']],
      [{ store: { kind: 'memory', path: 'x' } }, ['store: unknown key "path"']],
      [{ logging: { sensitivekeys: [] } }, ['logging: unknown key "sensitivekeys"']],
    ])('%j', (raw, problems) => {
      expect(problemsOf(raw)).toEqual(problems);
    });
  });

  describe('references between sections', () => {
    it('a route naming an unknown backend is an error at routes[i].backend', () => {
      const problems = problemsOf({
        backends: { sim: { driver: 'memory' } },
        routes: [
          { service: 'a', backend: 'sim' },
          { service: '*', backend: 'nope' },
        ],
      });
      expect(problems).toEqual(['routes[1].backend: unknown backend "nope" (backends: sim)']);
    });

    it('a route naming the default backend is an error when backends are given without it', () => {
      expect(problemsOf({ backends: { a: { driver: 'memory' } }, routes: [{ service: '*', backend: 'sim' }] })).toEqual([
        'routes[0].backend: unknown backend "sim" (backends: a)',
      ]);
    });

    it('at least one backend is required', () => {
      expect(problemsOf({ backends: {} })).toEqual(['backends: at least one backend is required']);
    });

    it('a route without a backend is reported as required', () => {
      expect(problemsOf({ routes: [{ service: '*' }] })).toEqual(['routes[0].backend: required']);
    });
  });

  describe('server.workers', () => {
    const nexus = { driver: 'nexus', baseUrl: 'http://127.0.0.1:1/nexus/v3', apiKey: 'k' };
    const sqlite = { kind: 'sqlite', path: '/tmp/omgw-state.db' };

    it.each([
      [2, 2],
      ['3', 3],
      ['auto', 'auto'],
      [' auto ', 'auto'],
    ])('%p is read as %p', (raw, expected) => {
      expect(buildConfig({ server: { workers: raw }, backends: { cloud: nexus }, store: sqlite }, {}).server.workers).toBe(expected);
    });

    it.each([[0], [-1], [1.5], ['many'], [true]])('%p is refused', (raw) => {
      expect(problemsOf({ server: { workers: raw }, backends: { cloud: nexus }, store: sqlite })).toEqual(['server.workers: expected auto or an integer from 1 to 256']);
    });

    it('more than one worker with the embedded memory contact center is refused, naming the backend', () => {
      const problems = problemsOf({ server: { workers: 2 }, backends: { cloud: nexus, sim: { driver: 'memory' } }, store: sqlite });
      expect(problems).toEqual([
        'server.workers: workers: 2 runs several processes, but backend "sim" uses the embedded memory contact center, whose interactions live in one process; use workers: 1 with it',
      ]);
      expect(problemsOf({ server: { workers: 'auto' }, store: sqlite })).toHaveLength(1);
      expect(problemsOf({ server: { workers: 1 } })).toEqual([]);
    });

    it('more than one worker with store: memory is refused: idempotency records must be shared', () => {
      expect(problemsOf({ server: { workers: 2 }, backends: { cloud: nexus } })).toEqual([
        'server.workers: workers: 2 runs several processes, but store: memory keeps idempotency records and the id index in each process, so a retry reaching another worker would run twice; use store: sqlite or redis, which the workers share',
      ]);
      expect(problemsOf({ server: { workers: 2 }, backends: { cloud: nexus }, store: { kind: 'redis', url: 'redis://127.0.0.1:1' } })).toEqual([]);
    });
  });

  describe('discriminated sections', () => {
    it.each([
      [{ store: { kind: 'mongo' } }, ['store.kind: must be one of "memory", "sqlite", "redis"']],
      [{ store: {} }, ['store.kind: required']],
      [{ store: { kind: 'sqlite' } }, ['store.path: required']],
      [{ backends: { x: { driver: 'nope' } } }, [expect.stringMatching(/^backends\.x\.driver: must be one of "memory"/)]],
    ])('%j', (raw, problems) => {
      expect(problemsOf(raw)).toEqual(problems);
    });
  });

  it('lists every problem at once, each by its path', () => {
    const problems = problemsOf(
      {
        server: { port: 'eighty', prot: 1 },
        inbound: { gms: { enabled: true }, foo: {} },
        backends: { sim: { driver: 'memory' } },
        services: { s: { allowOverwrite: 'maybe' } },
        routes: [
          { service: '*', backend: 'sim' },
          { service: '*', backend: 'ghost' },
        ],
        store: { kind: 'redis' },
        logging: { level: '${LOG_LEVEL}' },
      },
      {},
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'server.port: expected an integer',
        'server: unknown key "prot"',
        'inbound: unknown key "foo"',
        'services.s.allowOverwrite: expected true or false',
        'routes[1].backend: unknown backend "ghost" (backends: sim)',
        'store.url: required',
        'logging.level: environment variable LOG_LEVEL is not set and has no default',
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('an unset variable is reported once, not again as the empty value it became', () => {
    expect(problemsOf({ server: { port: '${P}' } })).toEqual(['server.port: environment variable P is not set and has no default']);
  });

  it('never shows the value of an interpolated key in a problem (api keys are keys)', () => {
    const problems = problemsOf({ inbound: { nexus: { apiKeys: { '${NEXUS_KEY}': { services: 'not-a-list', extra: 1 } } } } }, { NEXUS_KEY: 's3cr3t-key' });
    expect(problems).toEqual([
      expect.stringMatching(/^inbound\.nexus\.apiKeys\.\$\{NEXUS_KEY\}\.services: /),
      'inbound.nexus.apiKeys.${NEXUS_KEY}: unknown key "extra"',
    ]);
    expect(problems.join('\n')).not.toContain('s3cr3t');
  });

  it('quotes keys that do not read plainly in a path', () => {
    expect(problemsOf({ services: { 'a.b': { x: 1 } } })).toEqual(['services["a.b"]: unknown key "x"']);
    expect(problemsOf({ backends: { '': { driver: 'memory' } } })).toEqual([expect.stringMatching(/^backends\[""\]: invalid name/)]);
  });

  describe('PORT', () => {
    it('overrides server.port', () => {
      expect(buildConfig({ server: { port: 7000 } }, { PORT: '9100' }).server.port).toBe(9100);
      expect(buildConfig({}, { PORT: '0' }).server.port).toBe(0);
    });

    it('is ignored when empty', () => {
      expect(buildConfig({ server: { port: 7000 } }, { PORT: '' }).server.port).toBe(7000);
    });

    it.each([['abc'], ['70000'], ['-1'], ['80.5']])('%p is a problem listed with the others', (port) => {
      expect(problemsOf({ server: { prot: 1 } }, { PORT: port })).toEqual(['server: unknown key "prot"', expect.stringMatching(/^PORT: ".*" is not a port number/)]);
    });
  });

  it('accepts the example of DESIGN §6 once its variables are set', () => {
    const config = buildConfig(
      {
        server: { port: 8080, host: '0.0.0.0', bodyLimit: '1mb' },
        inbound: {
          gms: { enabled: true, basicAuth: { users: { legacy: '${GMS_PASSWORD}' } } },
          nexus: { enabled: true, apiKeys: { '${NEXUS_KEY}': { services: ['*'] } } },
          wwe: { enabled: true, users: { agent1: '${AGENT1_PASSWORD}' } },
          oracle: { enabled: true, service: 'crm' },
          vsp: { enabled: true, service: 'vsp', appAccessKeys: ['${VSP_KEY}'] },
        },
        backends: {
          sim: { driver: 'memory' },
          cloud: { driver: 'nexus', baseUrl: 'https://nexus.example/nexus/v3', apiKey: '${NEXUS_API_KEY}', timeoutMs: 10000 },
        },
        services: { 'customer-support': { interactionType: 'Inbound', interactionSubtype: 'InboundNew', mediaType: 'workitem', allowOverwrite: false } },
        routes: [
          { service: 'customer-*', backend: 'cloud' },
          { service: '*', backend: 'sim' },
        ],
        store: { kind: 'memory' },
      },
      { GMS_PASSWORD: 'p1', NEXUS_KEY: 'k1', AGENT1_PASSWORD: 'p2', VSP_KEY: 'v1', NEXUS_API_KEY: 'k2' },
    );
    expect(config.inbound.nexus.apiKeys).toEqual({ k1: { services: ['*'] } });
    expect(config.backends.cloud).toMatchObject({ driver: 'nexus', apiKey: 'k2', timeoutMs: 10000 });
  });
});
