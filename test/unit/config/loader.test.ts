import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUILT_IN_DEFAULTS, ConfigError, parseConfigText } from '../../../src/config/loader';
import { loadConfig } from '../../../src/gateway-config';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omgw-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

function loadError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: which file', () => {
  it('reads --config, relative to the working directory', () => {
    write('conf/my.yaml', 'server:\n  port: 9001\n');
    const { config, source } = loadConfig('conf/my.yaml', {}, dir);
    expect(source).toBe(join(dir, 'conf/my.yaml'));
    expect(config.server.port).toBe(9001);
  });

  it('reads OMGW_CONFIG when there is no --config', () => {
    write('env.yaml', 'server: { port: 9002 }\n');
    expect(loadConfig(undefined, { OMGW_CONFIG: 'env.yaml' }, dir).config.server.port).toBe(9002);
  });

  it('--config wins over OMGW_CONFIG', () => {
    write('a.yaml', 'server: { port: 9003 }\n');
    write('b.yaml', 'server: { port: 9004 }\n');
    expect(loadConfig('a.yaml', { OMGW_CONFIG: join(dir, 'b.yaml') }, dir).config.server.port).toBe(9003);
  });

  it('falls back to ./config/gateway.yaml in the working directory', () => {
    write('config/gateway.yaml', 'server: { port: 9005 }\n');
    const { config, source } = loadConfig(undefined, {}, dir);
    expect(source).toBe(join(dir, 'config/gateway.yaml'));
    expect(config.server.port).toBe(9005);
  });

  it('with no file at all uses the built-in defaults', () => {
    const { config, source } = loadConfig(undefined, {}, dir);
    expect(source).toBe(BUILT_IN_DEFAULTS);
    expect(config.backends).toEqual({ sim: { driver: 'memory' } });
    expect(config.routes).toEqual([{ service: '*', backend: 'sim' }]);
    expect(config.server.port).toBe(8080);
  });

  it('built-in defaults still honour PORT', () => {
    expect(loadConfig(undefined, { PORT: '9006' }, dir).config.server.port).toBe(9006);
  });

  it('a missing --config file is an error naming the file, never a silent fallback to defaults', () => {
    write('config/gateway.yaml', 'server: { port: 9007 }\n');
    const err = loadError(() => loadConfig('nope.yaml', {}, dir));
    expect(err.message).toContain('cannot read config file');
    expect(err.problems).toEqual([`${join(dir, 'nope.yaml')} (from --config): no such file`]);
  });

  it('a missing OMGW_CONFIG file is an error saying where the name came from', () => {
    const err = loadError(() => loadConfig(undefined, { OMGW_CONFIG: 'missing.json' }, dir));
    expect(err.problems).toEqual([`${join(dir, 'missing.json')} (from OMGW_CONFIG): no such file`]);
  });

  it('a directory is an error', () => {
    mkdirSync(join(dir, 'adir'));
    expect(loadError(() => loadConfig('adir', {}, dir)).problems).toEqual([`${join(dir, 'adir')} (from --config): it is a directory`]);
  });

  it("reads the repository's own config/gateway.yaml as valid", () => {
    const { config } = loadConfig(undefined, {}, resolve(__dirname, '../../..'));
    expect(config.server.port).toBe(8080);
    expect(config.inbound.gms.enabled).toBe(true);
    expect(config.routes).toEqual([{ service: '*', backend: 'sim' }]);
  });
});

describe('config/examples', () => {
  const examples = join(__dirname, '../../../config/examples');
  const files = readdirSync(examples).filter((f) => /\.(ya?ml|json)$/.test(f));

  it.each(files)('%s is valid once the variables it names are set', (file) => {
    const path = join(examples, file);
    const names = [...readFileSync(path, 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
    const url = (n: string) => (/^REDIS.*URL$/.test(n) ? 'redis://127.0.0.1:1/0' : 'http://127.0.0.1:1/base');
    const env = Object.fromEntries(names.map((n) => [n, /URL$/.test(n) ? url(n) : `value-of-${n}`]));
    expect(() => loadConfig(path, env, dir)).not.toThrow();
  });

  it.each(files)('%s names each variable it needs when they are unset', (file) => {
    const path = join(examples, file);
    const err = loadError(() => loadConfig(path, {}, dir));
    for (const p of err.problems) expect(p).toMatch(/environment variable [A-Z_]+ is not set/);
  });
});

describe('loadConfig: formats', () => {
  it('reads YAML with interpolation in values and keys', () => {
    write(
      'gw.yaml',
      [
        'server:',
        '  port: ${PORT_A:-8080}',
        'inbound:',
        '  nexus:',
        '    apiKeys:',
        '      "${NEXUS_KEY}": { services: ["customer-*"] }',
        'backends:',
        '  sim: { driver: memory }',
        '',
      ].join('\n'),
    );
    const { config } = loadConfig('gw.yaml', { NEXUS_KEY: 'k1' }, dir);
    expect(config.server.port).toBe(8080);
    expect(config.inbound.nexus.apiKeys).toEqual({ k1: { services: ['customer-*'] } });
  });

  it('reads JSON, tab-indented as editors write it', () => {
    write('gw.json', '{\n\t"server": {\n\t\t"port": "${PORT_A:-8081}",\n\t\t"bodyLimit": "64kb"\n\t},\n\t"routes": [{ "service": "*", "backend": "sim" }]\n}\n');
    const { config } = loadConfig('gw.json', {}, dir);
    expect(config.server).toMatchObject({ port: 8081, bodyLimit: 64 * 1024 });
  });

  it('an empty file means every default', () => {
    write('empty.yaml', '# nothing configured\n');
    expect(loadConfig('empty.yaml', {}, dir).config.backends).toEqual({ sim: { driver: 'memory' } });
  });

  it('an invalid file lists every problem by path, with the file name', () => {
    write('bad.yaml', 'server:\n  port: nope\n  prot: 1\nroutes:\n  - { service: "*", backend: sim }\n  - { service: "x", backend: ghost }\n');
    const err = loadError(() => loadConfig('bad.yaml', {}, dir));
    expect(err.message).toContain(`invalid config ${join(dir, 'bad.yaml')}`);
    expect(err.problems).toEqual(['server.port: expected an integer', 'server: unknown key "prot"', 'routes[1].backend: unknown backend "ghost" (backends: sim)']);
  });

  it('a missing variable is an error naming it', () => {
    write('vars.yaml', 'backends:\n  sim: { driver: memory }\ninbound:\n  gms:\n    basicAuth: { users: { legacy: "${GMS_PASSWORD}" } }\n');
    expect(loadError(() => loadConfig('vars.yaml', {}, dir)).problems).toEqual([
      'inbound.gms.basicAuth.users.legacy: environment variable GMS_PASSWORD is not set and has no default',
    ]);
  });

  it('PORT overrides the file', () => {
    write('p.yaml', 'server: { port: 9009 }\n');
    expect(loadConfig('p.yaml', { PORT: '9010' }, dir).config.server.port).toBe(9010);
  });
});

describe('parseConfigText', () => {
  it('reports YAML syntax errors with line and column', () => {
    const err = loadError(() => parseConfigText('server:\n  port: [1\nfoo: : bar\n', 'f.yaml'));
    expect(err.message).toContain('cannot parse config f.yaml');
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) expect(p).toMatch(/line \d+, column \d+/);
  });

  it('reports duplicate keys', () => {
    expect(loadError(() => parseConfigText('server:\n  port: 1\n  port: 2\n', 'f.yaml')).problems).toEqual([expect.stringMatching(/^Map keys must be unique at line 3, column 3/)]);
  });

  it('says to quote a reference inside a flow mapping', () => {
    const err = loadError(() => parseConfigText('server: { port: ${PORT_A:-8080} }\n', 'f.yaml'));
    expect(err.problems[0]).toContain('write a reference in quotes');
  });

  it('reports invalid JSON', () => {
    expect(loadError(() => parseConfigText('{"server": {"port": 1}', 'f.json')).problems.length).toBeGreaterThan(0);
  });

  it('a document that is not a mapping is reported at the root', () => {
    write('list.yaml', '- server\n');
    expect(loadError(() => loadConfig('list.yaml', {}, dir)).problems).toEqual(['(root): the file must hold a mapping of sections (server:, inbound:, backends:, …)']);
  });
});
