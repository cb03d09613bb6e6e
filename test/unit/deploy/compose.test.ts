import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { buildConfig } from '../../../src/gateway-config';

/**
 * docker-compose.yml sets every variable the config of each of its services reads, so `docker compose up` never
 * falls back to a default that points somewhere unexpected (the container itself, say); and no shipped config
 * guesses a backend address.
 */
const ROOT = resolve(__dirname, '../../..');
const configs = [join(ROOT, 'config/gateway.yaml'), ...readdirSync(join(ROOT, 'config/examples')).map((f) => join(ROOT, 'config/examples', f))];
const compose = YAML.parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, string> }> };

/** `${VAR}` without a default in a config's text, comments excluded. */
const required = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => [...line.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!));

const gatewayServices = Object.entries(compose.services).filter(([, s]) => s.environment?.OMGW_CONFIG !== undefined);

describe('docker-compose.yml and the shipped configs', () => {
  it.each(gatewayServices.map(([name, s]) => [name, s.environment!]))('service %s sets every variable its config needs', (_name, environment) => {
    // Compose's `${OMGW_CONFIG:-…}` with nothing set in the shell; a relative path is inside the image's /app.
    const path = join(ROOT, environment.OMGW_CONFIG!.replace(/^\$\{OMGW_CONFIG:-([^}]*)\}$/, '$1').replace(/^\/app\//, ''));
    expect(existsSync(path)).toBe(true);
    for (const name of required(readFileSync(path, 'utf8'))) expect(Object.keys(environment)).toContain(name);
  });

  it.each(configs.map((c) => [c.slice(ROOT.length + 1), c]))('%s: no backend address defaults to a guess', (_name, path) => {
    for (const line of readFileSync(path, 'utf8').split('\n')) if (/baseUrl:/.test(line)) expect(line).not.toMatch(/:-http/);
  });

  it.each(configs.map((c) => [c.slice(ROOT.length + 1), c]))('%s: valid once its variables are given values', (_name, path) => {
    const env = Object.fromEntries(required(readFileSync(path, 'utf8')).map((name) => [name, /URL$/.test(name) ? 'unset' : `value-of-${name}`]));
    const urls: Record<string, string> = {
      NEXUS_BASE_URL: 'https://nexus.example/nexus/v3',
      UPSTREAM_BASE_URL: 'https://nexus.example/nexus/v3',
      GMS_BASE_URL: 'http://gms.example:8080/genesys/2/openmedia',
      ORACLE_BASE_URL: 'https://tenant.example/crmRestApi/resources/11.13.18.05',
      WWE_BASE_URL: 'https://wwe.example/api/v2',
      VSP_BASE_URL: 'https://vsp.example/api',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
    };
    for (const name of Object.keys(env)) if (urls[name] !== undefined) env[name] = urls[name]!;
    expect(() => buildConfig(YAML.parse(readFileSync(path, 'utf8')), env, path)).not.toThrow();
  });
});
