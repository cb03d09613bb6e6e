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

/** True for a name whose value is a secret (`x-api-key`, `password`, `bearerTokens`, `appAccessKeys`, …). */
export const isSecretName = (name: string): boolean => SECRET_FRAGMENTS.some((f) => normalise(name).includes(f));

/**
 * Replaces every occurrence of a known secret value (the gateway's own credentials, see config-secrets.ts) in a
 * text: an upstream that quotes back the key or password it was sent must not put it in a log line. Secrets
 * shorter than MIN_SECRET_LENGTH are not searched for: they would blank out ordinary words, not hide anything.
 */
export const MIN_SECRET_LENGTH = 4;
function valueScrubber(secrets: readonly string[]): (text: string) => string {
  const searched = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  if (searched.length === 0) return (text) => text;
  const pattern = new RegExp(searched.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  // Nearly every text holds no secret: looking for each one (String.includes, a few ns per secret on the short
  // texts of a log line) is cheaper than the replace for any usual number of configured secrets, and the replace
  // then runs only on a text that holds one. Every field of every log line comes through here.
  const holdsOne = (text: string): boolean => {
    for (const secret of searched) if (text.includes(secret)) return true;
    return false;
  };
  return (text) => (holdsOne(text) ? text.replace(pattern, REDACTED) : text);
}

/**
 * Returns a copy of `value` with secrets replaced: properties named like a secret, and user-data entries
 * (`{key, value}`) or plain properties whose key is one of the configured sensitive user-data keys (exact
 * name, case-insensitive).
 */
export function createRedactor(sensitiveUserDataKeys: readonly string[] = [], secrets: readonly string[] = []): (value: unknown) => unknown {
  const { walk } = redaction(sensitiveUserDataKeys, secrets);
  return (value) => walk(value, 0);
}

/** The same rules for one named top-level field of a log record, without copying the record. */
export function createFieldRedactor(sensitiveUserDataKeys: readonly string[] = [], secrets: readonly string[] = []): (name: string, value: unknown) => unknown {
  const { walk, isSecret } = redaction(sensitiveUserDataKeys, secrets);
  return (name, value) => (isSecret(name) ? REDACTED : walk(value, 1));
}

/** Verdicts are cached: a log line asks about the same few field names again and again. */
const MAX_CACHED_NAMES = 4096;

function redaction(sensitiveUserDataKeys: readonly string[], secrets: readonly string[]) {
  const scrub = valueScrubber(secrets);
  const sensitive = new Set(sensitiveUserDataKeys.map((k) => k.toLowerCase()));
  const verdicts = new Map<string, boolean>();
  const isSecret = (name: string): boolean => {
    let verdict = verdicts.get(name);
    if (verdict === undefined) {
      verdict = sensitive.has(name.toLowerCase()) || isSecretName(name);
      if (verdicts.size >= MAX_CACHED_NAMES) verdicts.clear();
      verdicts.set(name, verdict);
    }
    return verdict;
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return TRUNCATED;
    if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
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
