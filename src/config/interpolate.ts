/**
 * `${VAR}` and `${VAR:-default}` in parsed string values and keys (never in the raw text, so a value can not
 * inject YAML structure). `$${` writes a literal `${`. Problems are reported with where they were found:
 * an unset variable with no default, and a `${…}` that is not a reference (a typo such as `${VAR-x}` or
 * `${VAR:x}` would otherwise pass silently into a URL or a password).
 */
export interface InterpolationProblem {
  path: (string | number)[];
  message: string;
}

export type Env = Record<string, string | undefined>;

// Alternatives, first match wins: an escaped `$${`, a well-formed reference, then any other `${`.
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g;

export function interpolate(value: unknown, env: Env, problems: InterpolationProblem[], path: (string | number)[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, env, problems, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, problems, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const renamed = new Map<string, string>();
    for (const [key, v] of Object.entries(value)) {
      // Paths keep the key as written: an interpolated key may be a secret (inbound.nexus.apiKeys).
      const keyPath = [...path, key];
      const newKey = interpolateString(key, env, problems, keyPath);
      if (Object.hasOwn(out, newKey)) problems.push({ path: keyPath, message: 'names the same key as another one once interpolated' });
      if (newKey !== key) renamed.set(newKey, key);
      // defineProperty: a key named `__proto__` stays an own (and so unknown, reported) key, never a prototype.
      Object.defineProperty(out, newKey, { value: interpolate(v, env, problems, keyPath), enumerable: true, writable: true, configurable: true });
    }
    if (renamed.size > 0) writtenKeys.set(out, renamed);
    return out;
  }
  return value;
}

/** Interpolated object → (interpolated key → key as written), for objects whose keys held references. */
const writtenKeys = new WeakMap<object, Map<string, string>>();

/**
 * Maps a path into an interpolated value back to the keys as written in the file, so a problem found after
 * interpolation (by the schema) names `apiKeys.${NEXUS_KEY}`, never the key's value.
 */
export function writtenPath(root: unknown, path: readonly PropertyKey[]): PropertyKey[] {
  const out: PropertyKey[] = [];
  let node: unknown = root;
  for (const segment of path) {
    const written = node !== null && typeof node === 'object' && typeof segment === 'string' ? writtenKeys.get(node)?.get(segment) : undefined;
    out.push(written ?? segment);
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return out;
}

function interpolateString(text: string, env: Env, problems: InterpolationProblem[], path: (string | number)[]): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (match: string, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    if (name === undefined) {
      // The text itself is not echoed: it may be a literal secret.
      problems.push({ path, message: 'holds a "${" that is not a ${VAR} or ${VAR:-default} reference (write "$${" for a literal "${")' });
      return match;
    }
    const v = env[name];
    // Empty counts as unset, as in the shell's `:-`: an empty secret or URL is never what was meant.
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) {
      if (fallback.includes('${')) problems.push({ path, message: `default of \${${name}} holds a nested reference, which is not supported` });
      return fallback;
    }
    problems.push({ path, message: `environment variable ${name} is not set${v === '' ? ' (it is empty)' : ''} and has no default` });
    return '';
  });
}
