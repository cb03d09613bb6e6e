/**
 * `${VAR}` and `${VAR:-default}` in parsed string values and keys (never in the raw text, so a value can not
 * inject YAML structure). An unset variable with no default is reported with where it was used.
 */
export interface InterpolationProblem {
  path: (string | number)[];
  message: string;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolate(
  value: unknown,
  env: Record<string, string | undefined>,
  problems: InterpolationProblem[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') return interpolateString(value, env, problems, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, problems, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const newKey = interpolateString(key, env, problems, [...path, key]);
      out[newKey] = interpolate(v, env, problems, [...path, newKey]);
    }
    return out;
  }
  return value;
}

function interpolateString(text: string, env: Record<string, string | undefined>, problems: InterpolationProblem[], path: (string | number)[]): string {
  return text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    problems.push({ path, message: `environment variable ${name} is not set and has no default` });
    return '';
  });
}
