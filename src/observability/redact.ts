/** Names whose values are secrets wherever they appear in a log record (compared case-insensitively). */
const SECRET_NAMES = ['authorization', 'x-api-key', 'apikey', 'api_key', 'apikeys', 'password', 'appaccesskey', 'appaccesskeys', 'token', 'bearertokens', 'secret', 'cookie'];

export const REDACTED = '[REDACTED]';

/**
 * Returns a copy of `value` with secrets replaced: object properties named like a secret, and user-data entries
 * (`{key, value}`) or plain properties whose key is one of the configured sensitive user-data keys.
 */
export function createRedactor(sensitiveUserDataKeys: readonly string[] = []): (value: unknown) => unknown {
  const secret = new Set([...SECRET_NAMES, ...sensitiveUserDataKeys.map((k) => k.toLowerCase())]);
  const walk = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object' || depth > 8) return value;
    if (value instanceof Error) return value;
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const entryKey = typeof src.key === 'string' && 'value' in src ? src.key.toLowerCase() : undefined;
    for (const k of Object.keys(src)) {
      if (secret.has(k.toLowerCase())) out[k] = REDACTED;
      else if (k === 'value' && entryKey !== undefined && secret.has(entryKey)) out[k] = REDACTED;
      else out[k] = walk(src[k], depth + 1);
    }
    return out;
  };
  return (value) => walk(value, 0);
}
