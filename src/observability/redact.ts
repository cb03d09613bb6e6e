/**
 * Fragments of names whose values are secrets wherever they appear in a log record. Names are compared
 * lower-cased with `-` and `_` removed, and a fragment anywhere in the name counts, so `x-api-key`,
 * `NEXUS_API_KEY`, `gmsPassword`, `Proxy-Authorization` and `Set-Cookie` are all caught.
 */
const SECRET_FRAGMENTS = ['authorization', 'apikey', 'password', 'passwd', 'secret', 'token', 'cookie', 'appaccesskey', 'credential'];

export const REDACTED = '[REDACTED]';
/** What replaces a value nested deeper than the walk goes: never the value itself, which was not inspected. */
export const TRUNCATED = '[TRUNCATED]';
const MAX_DEPTH = 8;

const normalise = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

/**
 * Returns a copy of `value` with secrets replaced: properties named like a secret, and user-data entries
 * (`{key, value}`) or plain properties whose key is one of the configured sensitive user-data keys (exact
 * name, case-insensitive).
 */
export function createRedactor(sensitiveUserDataKeys: readonly string[] = []): (value: unknown) => unknown {
  const { walk } = redaction(sensitiveUserDataKeys);
  return (value) => walk(value, 0);
}

/** The same rules for one named top-level field of a log record, without copying the record. */
export function createFieldRedactor(sensitiveUserDataKeys: readonly string[] = []): (name: string, value: unknown) => unknown {
  const { walk, isSecret } = redaction(sensitiveUserDataKeys);
  return (name, value) => (isSecret(name) ? REDACTED : walk(value, 1));
}

/** Verdicts are cached: a log line asks about the same few field names again and again. */
const MAX_CACHED_NAMES = 4096;

function redaction(sensitiveUserDataKeys: readonly string[]) {
  const sensitive = new Set(sensitiveUserDataKeys.map((k) => k.toLowerCase()));
  const verdicts = new Map<string, boolean>();
  const isSecret = (name: string): boolean => {
    let verdict = verdicts.get(name);
    if (verdict === undefined) {
      const n = normalise(name);
      verdict = sensitive.has(name.toLowerCase()) || SECRET_FRAGMENTS.some((f) => n.includes(f));
      if (verdicts.size >= MAX_CACHED_NAMES) verdicts.clear();
      verdicts.set(name, verdict);
    }
    return verdict;
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return TRUNCATED;
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    if (value instanceof Date) return value;
    const src = value as Record<string, unknown>;
    // No prototype: a `__proto__` property of a logged body stays a plain field.
    const out = Object.create(null) as Record<string, unknown>;
    const entryKey = typeof src.key === 'string' && 'value' in src ? src.key : undefined;
    for (const k of Object.keys(src)) {
      if (isSecret(k)) out[k] = REDACTED;
      else if (k === 'value' && entryKey !== undefined && isSecret(entryKey)) out[k] = REDACTED;
      else out[k] = walk(src[k], depth + 1);
    }
    return out;
  };
  return { walk, isSecret };
}
