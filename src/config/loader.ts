import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { interpolate, writtenPath, type Env, type InterpolationProblem } from './interpolate';
import { isMaskedKey, maskSecretKeys } from './secret-keys';

export const DEFAULT_CONFIG_PATH = 'config/gateway.yaml';
export const BUILT_IN_DEFAULTS = '(built-in defaults)';

/** A config that cannot be used; `problems` lists every one found, each starting with its path. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
    headline = `invalid config ${source}`,
  ) {
    super(`${headline}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig<Config> {
  config: Config;
  /** The file read, or BUILT_IN_DEFAULTS. */
  source: string;
}

export interface ConfigLocation {
  path: string;
  /** Where the path came from, for messages: "--config", "OMGW_CONFIG" or the default location. */
  origin: string;
}

/**
 * Which file to read (DESIGN §6): --config, then OMGW_CONFIG, then ./config/gateway.yaml if it exists, else none
 * (built-in defaults). Relative paths are relative to the working directory.
 */
export function resolveConfigPath(explicit: string | undefined, env: Env, cwd = process.cwd()): ConfigLocation | undefined {
  if (explicit) return { path: resolve(cwd, explicit), origin: '--config' };
  if (env.OMGW_CONFIG) return { path: resolve(cwd, env.OMGW_CONFIG), origin: 'OMGW_CONFIG' };
  const fallback = resolve(cwd, DEFAULT_CONFIG_PATH);
  return existsSync(fallback) ? { path: fallback, origin: DEFAULT_CONFIG_PATH } : undefined;
}

/**
 * Parses YAML, which reads JSON files too (JSON is YAML 1.2 flow syntax), with duplicate keys as errors. Every
 * syntax error is listed with its line and column.
 */
export function parseConfigText(text: string, source: string): unknown {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const lines = text.split('\n');
    const problems = doc.errors.map((e) => {
      const message = (e.message.split('\n')[0] ?? e.message).replace(/:\s*$/, '');
      const at = e.linePos?.[0];
      const where = at && !message.includes(`line ${at.line}`) ? `line ${at.line}, column ${at.col}: ` : '';
      // `{ port: ${PORT} }` is the usual slip: in a flow mapping `{` and `}` are syntax, so a reference needs quotes.
      const line = at ? (lines[at.line - 1] ?? '') : '';
      const hint = /\{[^'"]*\$\{/.test(line) ? ' (inside { … } write a reference in quotes: "${VAR}")' : '';
      return `${where}${message}${hint}`;
    });
    throw new ConfigError(source, [...new Set(problems)], `cannot parse config ${source}`);
  }
  return doc.toJS() ?? {};
}

/** What a config schema must give for the loader to apply PORT. */
interface WithPort {
  server: { port: number };
}

export interface ConfigLoader<Config> {
  /**
   * Interpolates `${…}`, validates, then applies `PORT`. Every problem — interpolation, schema, PORT — is listed
   * at once with its path, so one run of `omgw check-config` shows everything to fix.
   */
  buildConfig(raw: unknown, env: Env, source?: string): Config;
  /** Reads and validates the config `start` would use; throws ConfigError listing every problem. */
  loadConfig(explicitPath: string | undefined, env?: Env, cwd?: string): LoadedConfig<Config>;
}

/** The loader of a config file whose schema is `schema` (the gateway's is composed from the registries). */
export function configLoader<Config extends WithPort>(schema: z.ZodType<Config>): ConfigLoader<Config> {
  const buildConfig = (raw: unknown, env: Env, source = '(inline)'): Config => {
    const interpolationProblems: InterpolationProblem[] = [];
    const interpolated = interpolate(raw ?? {}, env, interpolationProblems);
    const parsed = schema.safeParse(interpolated, { reportInput: true });
    const problems = interpolationProblems.map((p) => `${formatPath(maskSecretKeys(raw, p.path, p.path))}: ${p.message}`);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = writtenPath(interpolated, issue.path);
        // A value whose reference could not be resolved is reported once, not again for what it became.
        if (interpolationProblems.some((p) => startsWith(path, p.path))) continue;
        problems.push(...describeIssue(issue, maskSecretKeys(interpolated, issue.path, path), interpolated));
      }
    }
    const port = portOverride(env.PORT);
    if (typeof port === 'string') problems.push(port);
    if (problems.length > 0 || !parsed.success) throw new ConfigError(source, [...new Set(problems)]);
    const config = parsed.data;
    if (typeof port === 'number') config.server.port = port;
    return config;
  };

  const loadConfig = (explicitPath: string | undefined, env: Env = process.env, cwd = process.cwd()): LoadedConfig<Config> => {
    const location = resolveConfigPath(explicitPath, env, cwd);
    if (!location) return { config: buildConfig({}, env, BUILT_IN_DEFAULTS), source: BUILT_IN_DEFAULTS };
    const { path, origin } = location;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(err));
      throw new ConfigError(path, [`${path} (from ${origin}): ${why}`], 'cannot read config file');
    }
    return { config: buildConfig(parseConfigText(text, path), env, path), source: path };
  };

  return { buildConfig, loadConfig };
}

/** PORT (DESIGN §6) beats server.port; absent or empty leaves the file's value. A string is a problem. */
function portOverride(value: string | undefined): number | string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const port = /^\d{1,5}$/.test(value.trim()) ? Number(value) : NaN;
  return port <= 65535 ? port : `PORT: "${value.slice(0, 32)}" is not a port number (0-65535)`;
}

/**
 * One line per problem. zod reports unknown keys once for their object with the names only in its own
 * message; here each key gets a line of its own naming it, and a missing field reads "required".
 */
function describeIssue(issue: z.core.$ZodIssue, path: PropertyKey[], interpolated: unknown): string[] {
  const at = formatPath(path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${at}: unknown key ${JSON.stringify(String(writtenPath(interpolated, [...issue.path, key]).at(-1) ?? key))}`);
    case 'invalid_type':
      if (path.length === 0) return ['(root): the file must hold a mapping of sections (server:, inbound:, backends:, …)'];
      return [`${at}: ${issue.input === undefined ? 'required' : issue.message}`];
    case 'too_small':
      return [`${at}: ${issue.origin === 'string' && issue.minimum === 1 ? 'must not be empty' : issue.message}`];
    case 'invalid_key':
      return [`${at}: invalid name${issue.issues.length > 0 ? `: ${issue.issues.map((i) => i.message).join('; ')}` : ''}`];
    case 'invalid_union': {
      // A discriminated union whose discriminator matched no option: zod's note says which values it knows.
      const { note, options, discriminator } = issue as { note?: unknown; options?: unknown; discriminator?: unknown };
      if (note === 'No matching discriminator' && Array.isArray(options)) {
        const given = typeof discriminator === 'string' && isObject(issue.input) ? issue.input[discriminator] : undefined;
        return [`${at}: ${given === undefined ? 'required' : `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}`}`];
      }
      return [`${at}: ${issue.message}`];
    }
    default:
      return [`${at}: ${issue.message}`];
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const startsWith = (path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean => prefix.every((segment, i) => path[i] === segment);

/** `server.port`, `routes[1].backend`, `backends["a.b"]`: dotted where a key reads plainly, quoted where not. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += /^[^\s.[\]"]+$/.test(key) || isMaskedKey(key) ? `${out === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
