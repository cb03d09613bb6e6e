import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../../core/errors';
import { compilePattern, type NameMatcher } from '../../core/pattern';
import type { NexusInboundConfig } from './nexus.config';

export const API_KEY_HEADER = 'x-api-key';

/** Checks a request's x-api-key for a service; answers the client's non-secret label for logs and idempotency. */
export type ApiKeyCheck = (presented: string | string[] | undefined, service: string) => string;

interface KnownKey {
  digest: Buffer;
  label: string;
  allows: NameMatcher[];
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Spec: x-api-key is required on every call. Missing or unknown → unauthorized, known but not scoped to the
 * service → forbidden. Keys are compared as SHA-256 digests with timingSafeEqual against every configured key,
 * never stopping at the first match, so the answer time says nothing about how much of a key was right.
 * With no `apiKeys` configured any non-empty key is accepted (DESIGN §6 sandbox).
 */
export function createApiKeyCheck(apiKeys: NexusInboundConfig['apiKeys']): ApiKeyCheck {
  const known: KnownKey[] | undefined = apiKeys
    ? Object.entries(apiKeys).map(([key, scope], index) => ({
        digest: sha256(key),
        label: `key#${index}`,
        allows: scope.services.map(compilePattern),
      }))
    : undefined;

  return (presented, service) => {
    const key = Array.isArray(presented) ? presented[0] : presented;
    if (key === undefined || key === '') throw new GatewayError('unauthorized', 'Missing x-api-key header');
    const digest = sha256(key);
    // Open mode: a digest prefix still tells clients apart (idempotency is per client) without showing the key.
    if (!known) return `key:${digest.subarray(0, 4).toString('hex')}`;
    let match: KnownKey | undefined;
    for (const k of known) if (timingSafeEqual(k.digest, digest) && !match) match = k;
    if (!match) throw new GatewayError('unauthorized', 'Invalid API key');
    if (!match.allows.some((allows) => allows(service))) {
      throw new GatewayError('forbidden', `API key is not allowed for service ${service}`);
    }
    return match.label;
  };
}
