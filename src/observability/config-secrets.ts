import { isSecretName } from './redact';

/** Under a secret's name, these hold what it may do, not the secret: service patterns and its rate limit. */
const SCOPE_FIELDS = new Set(['services', 'rateLimit']);

/**
 * Every secret value a config holds — inbound credentials (Nexus API keys, Basic passwords, bearer tokens,
 * AppAccessKeys), the credentials backends send upstream, a password inside a URL (a Redis url) — so the logger can
 * blank them wherever they turn up (an upstream quoting back the key it was sent, DESIGN §8). Found by name, as
 * the log redaction finds secret fields: under a name like a secret, every text is one, and so is every key of a
 * map (`apiKeys: { "<key>": { services } }`), but not the scope beside it.
 */
export function configSecrets(config: unknown): string[] {
  const found: string[] = [];
  /** `keysAreSecrets`: the value of a secret's name that is a map, keyed by the secrets themselves. */
  const walk = (value: unknown, underSecret: boolean, keysAreSecrets = false): void => {
    if (typeof value === 'string') {
      if (underSecret) found.push(value);
      else found.push(...urlPassword(value));
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, underSecret);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (keysAreSecrets) found.push(key);
        if (underSecret && SCOPE_FIELDS.has(key)) continue;
        const secretName = isSecretName(key);
        walk(child, underSecret || secretName, secretName && typeof child === 'object' && child !== null && !Array.isArray(child));
      }
    }
  };
  walk(config, false);
  return found.filter((s) => s !== '');
}

function urlPassword(text: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*:[^/]*@/i.test(text)) return [];
  try {
    const encoded = new URL(text).password;
    const password = decodeURIComponent(encoded);
    return password === '' ? [] : [password, encoded];
  } catch {
    return [];
  }
}
