import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { gatewayConfigSchema, type GatewayConfig } from './schema';
import { interpolate, type InterpolationProblem } from './interpolate';

export const DEFAULT_CONFIG_PATH = 'config/gateway.yaml';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: GatewayConfig;
  /** The file read, or "(built-in defaults)". */
  source: string;
}

/** Which file to read: --config, then OMGW_CONFIG, then ./config/gateway.yaml if it exists, else none. */
export function resolveConfigPath(explicit: string | undefined, env: Record<string, string | undefined>, cwd = process.cwd()): string | undefined {
  if (explicit) return resolve(cwd, explicit);
  if (env.OMGW_CONFIG) return resolve(cwd, env.OMGW_CONFIG);
  const fallback = resolve(cwd, DEFAULT_CONFIG_PATH);
  return existsSync(fallback) ? fallback : undefined;
}

/** Parses YAML (a superset of JSON, so .json files read the same) with duplicate keys as errors. */
export function parseConfigText(text: string, source: string): unknown {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(source, doc.errors.map((e) => e.message.split('\n')[0] ?? e.message));
  return doc.toJS() ?? {};
}

/** Validates a parsed config object after interpolation; every problem is listed with its path. */
export function buildConfig(raw: unknown, env: Record<string, string | undefined>, source = '(inline)'): GatewayConfig {
  const problems: InterpolationProblem[] = [];
  const interpolated = interpolate(raw ?? {}, env, problems);
  const parsed = gatewayConfigSchema.safeParse(interpolated);
  const messages = problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) messages.push(`${formatPath(issue.path)}: ${issue.message}`);
  }
  if (messages.length > 0 || !parsed.success) throw new ConfigError(source, messages);
  const config = parsed.data;
  if (env.PORT !== undefined && env.PORT !== '') {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(source, [`PORT: "${env.PORT}" is not a port number`]);
    config.server.port = port;
  }
  return config;
}

export function loadConfig(explicitPath: string | undefined, env: Record<string, string | undefined> = process.env): LoadedConfig {
  const path = resolveConfigPath(explicitPath, env);
  if (!path) return { config: buildConfig({}, env, '(built-in defaults)'), source: '(built-in defaults)' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  return { config: buildConfig(parseConfigText(text, path), env, path), source: path };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}
