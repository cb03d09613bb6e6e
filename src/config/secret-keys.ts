import { isSecretName } from '../observability/redact';

/** What a secret key is shown as in a config problem's path: its place in its map, never the key. */
const maskOf = (place: number): string => `<key #${place}>`;
const MASKED = /^<key #\d+>$/;
export const isMaskedKey = (segment: string): boolean => MASKED.test(segment);

/** A key written as one plain `${VAR}` reference shows a variable's name, not a secret. */
const PLAIN_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/**
 * A config problem's path with every key of a map under a secret's name (`inbound.nexus.apiKeys: { "<key>": … }`)
 * replaced by `<key #n>`, n its place in that map: a key written in the file is the credential itself, and
 * problems go to stderr and the start-up log (DESIGN §6: no secret in any log line or error). `lookup` is the
 * path into `root`; `shown` the same path as it will be printed (keys as written).
 */
export function maskSecretKeys(root: unknown, lookup: readonly PropertyKey[], shown: readonly PropertyKey[]): PropertyKey[] {
  const out = [...shown];
  let node: unknown = root;
  for (let i = 0; i < lookup.length; i++) {
    const segment = lookup[i]!;
    const parent = lookup[i - 1];
    const isMap = typeof node === 'object' && node !== null && !Array.isArray(node);
    if (isMap && typeof parent === 'string' && isSecretName(parent) && typeof segment === 'string' && !PLAIN_REFERENCE.test(String(shown[i]))) {
      out[i] = maskOf(Object.keys(node as object).indexOf(segment) + 1);
    }
    node = isMap || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return out;
}
