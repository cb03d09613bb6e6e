import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureBuilt, killAll, omgw, ROOT } from '../support/omgw-process';

/**
 * The scale-out deployment (docker-compose.yml, deploy/nginx.conf, config/examples/scale-out.yaml) hangs together:
 * no Docker engine is needed to check that the replicas' config is valid with exactly the environment compose
 * gives them, and that nginx balances over the replicas compose defines.
 */

interface ComposeService {
  environment?: Record<string, string>;
  ports?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const replicas = Object.entries(compose.services).filter(([, s]) => s.environment?.OMGW_CONFIG?.endsWith('/scale-out.yaml'));

/** Compose's own `${VAR:-default}` with nothing set in the shell: the defaults the file ships with. */
const composeDefaults = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));

beforeAll(ensureBuilt, 180_000);
afterEach(killAll);

test('compose runs two gateway replicas on the scale-out config, Redis, nginx and a sandbox upstream', () => {
  expect(replicas.map(([name]) => name)).toEqual(['gateway-1', 'gateway-2']);
  expect(Object.keys(compose.services).sort()).toEqual(['gateway-1', 'gateway-2', 'nginx', 'redis', 'sandbox']);
  const upstream = new URL(replicas[0]![1].environment!.UPSTREAM_BASE_URL!);
  expect(upstream.hostname).toBe('sandbox');
  expect(new URL(composeDefaults(replicas[0]![1].environment!).REDIS_URL!).hostname).toBe('redis');
});

test('every variable the replicas config needs is set by compose, and the config is valid with them', async () => {
  const file = join(ROOT, 'config/examples/scale-out.yaml');
  const needed = [...readFileSync(file, 'utf8').matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]!);
  expect(needed.length).toBeGreaterThan(0);
  for (const [, service] of replicas) {
    const env = composeDefaults(service.environment!);
    for (const name of needed) expect({ name, set: env[name] !== undefined }).toEqual({ name, set: true });
    const run = omgw(['check-config', file], { cwd: ROOT, env });
    const { code } = await run.exited;
    expect({ code, stderr: run.stderr.join('\n') }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout.join('\n')).toContain('backends: upstream');
  }
});

test('nginx balances over exactly the replicas compose defines, on their port', () => {
  const conf = readFileSync(join(ROOT, 'deploy/nginx.conf'), 'utf8');
  const servers = [...conf.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
  expect(servers).toEqual(replicas.map(([name, s]) => `${name}:${s.environment!.PORT}`));
});
