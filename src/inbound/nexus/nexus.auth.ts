import { digest } from '../../http/basic-auth';
import { GatewayError } from '../../core/errors';
import { createSecretVerifier, type Client } from '../../http/credentials';
import type { NexusInboundConfig } from './nexus.config';

export const API_KEY_HEADER = 'x-api-key';

/**
 * Checks a request's x-api-key for a service: the configured key's client, or in open mode a label that tells
 * clients apart (idempotency is per client) without showing the key.
 */
export type ApiKeyCheck = (presented: string | string[] | undefined, service: string) => Client | string;

/**
 * Spec: x-api-key is required on every call. Missing or unknown → unauthorized, known but not scoped to the
 * service named in the path → forbidden (DESIGN §4 nexus). With no `apiKeys` configured any non-empty key is
 * accepted (DESIGN §6 sandbox).
 */
export function createApiKeyCheck(apiKeys: NexusInboundConfig['apiKeys']): ApiKeyCheck {
  const verify = apiKeys ? createSecretVerifier('nexus', 'key', apiKeys) : undefined;
  return (presented, service) => {
    const key = Array.isArray(presented) ? presented[0] : presented;
    if (key === undefined || key === '') throw new GatewayError('unauthorized', 'Missing x-api-key header');
    if (!verify) return `key:${digest(key).subarray(0, 4).toString('hex')}`;
    const client = verify(key);
    if (!client) throw new GatewayError('unauthorized', 'Invalid API key');
    if (!client.allows(service)) throw new GatewayError('forbidden', `API key is not allowed for service ${service}`);
    return client;
  };
}
