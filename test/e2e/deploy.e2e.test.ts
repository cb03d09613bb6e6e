import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureBuilt, killAll, omgw, ROOT } from '../support/omgw-process';

/**
 * The deployment (docker-compose.yml, deploy/nginx.conf, the shipped configs) hangs together: no Docker engine is
 * needed to check that every shipped config is valid with exactly the environment compose gives the replicas,
 * that its backend addresses point at compose's own services, and that nginx balances over the replicas.
 */

interface ComposeService {
  environment?: Record<string, string>;
  ports?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };

/** Compose's own `${VAR:-default}` with nothing set in the shell: the defaults the file ships with. */
const composeDefaults = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));

const replicas = Object.entries(compose.services).filter(([, s]) => s.environment?.OMGW_CONFIG?.includes('scale-out.yaml'));
const replicaEnv = composeDefaults(replicas[0]![1].environment!);

const shippedConfigs = ['config/gateway.yaml', ...readdirSync(join(ROOT, 'config/examples')).map((f) => `config/examples/${f}`)];

/** The `${VAR}` (no default) a config reads: in its parsed keys and string values, not in its comments. */
function variablesRead(file: string): { required: string[]; all: string[] } {
  const required = new Set<string>();
  const all = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)) {
        all.add(m[1]!);
        if (m[2] === undefined) required.add(m[1]!);
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        visit(k);
        visit(v);
      }
    }
  };
  visit(parse(readFileSync(join(ROOT, file), 'utf8')));
  return { required: [...required].sort(), all: [...all].sort() };
}

beforeAll(ensureBuilt, 180_000);
afterEach(killAll);

test('compose runs two gateway replicas on the scale-out config by default, Redis, nginx and a sandbox upstream', () => {
  expect(replicas.map(([name]) => name)).toEqual(['gateway-1', 'gateway-2']);
  expect(replicas[1]![1].environment).toEqual(replicas[0]![1].environment);
  expect(Object.keys(compose.services).sort()).toEqual(['gateway-1', 'gateway-2', 'nginx', 'redis', 'sandbox']);
  expect(replicaEnv.OMGW_CONFIG).toBe('config/examples/scale-out.yaml');
  expect(new URL(replicaEnv.UPSTREAM_BASE_URL!).hostname).toBe('sandbox');
  expect(new URL(replicaEnv.REDIS_URL!).hostname).toBe('redis');
});

test('the replicas config can be chosen from the shell, and every other variable too', () => {
  for (const [name, value] of Object.entries(replicas[0]![1].environment!)) {
    if (name === 'PORT' || name === 'REDIS_KEY_PREFIX' || name === 'REDIS_URL') continue;
    expect({ name, value }).toEqual({ name, value: expect.stringMatching(new RegExp(`^\\$\\{${name}:-[^}]+\\}$`)) });
  }
});

test('every backend address compose gives points at one of its own services', () => {
  const addresses = Object.entries(replicaEnv).filter(([name]) => name.endsWith('_URL'));
  expect(addresses.length).toBeGreaterThan(5);
  const services = Object.keys(compose.services);
  for (const [name, value] of addresses) {
    const host = new URL(value).hostname;
    expect({ name, host, known: services.includes(host) }).toEqual({ name, host, known: true });
  }
});

describe.each(shippedConfigs)('%s with the environment compose gives the replicas', (file) => {
  test('every variable it reads with no default is set by compose', () => {
    const { required } = variablesRead(file);
    const missing = required.filter((name) => replicaEnv[name] === undefined);
    expect(missing).toEqual([]);
  });

  test('omgw check-config accepts it', async () => {
    const run = omgw(['check-config', file], { cwd: ROOT, env: replicaEnv });
    const { code } = await run.exited;
    expect({ code, stderr: run.stderr.join('\n') }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout.join('\n')).toContain('backends:');
  }, 30_000);
});

test('the variables the shipped configs read are the ones this test finds (the scan is not blind)', () => {
  expect(variablesRead('config/examples/gms-to-nexus.yaml')).toEqual({ required: ['GMS_BASE_URL', 'NEXUS_API_KEY', 'NEXUS_BASE_URL'], all: ['GMS_BASE_URL', 'NEXUS_API_KEY', 'NEXUS_BASE_URL', 'PORT'] });
  // A variable named only in a comment is not read: ORACLE_TOKEN is the alternative to basicAuth.
  expect(variablesRead('config/examples/gms-to-oracle.yaml').required).not.toContain('ORACLE_TOKEN');
});

test('nginx balances over exactly the replicas compose defines, on their port', () => {
  const conf = readFileSync(join(ROOT, 'deploy/nginx.conf'), 'utf8');
  const servers = [...conf.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
  expect(servers).toEqual(replicas.map(([name, s]) => `${name}:${s.environment!.PORT}`));
});
