import { GatewayError } from '../../core/errors';
import { digest } from '../../http/basic-auth';
import { createSecretVerifier, type Client } from '../../http/credentials';
import type { VspInboundConfig } from './vsp.config';

/** Checks a request's AppAccessKey for a service: the configured key's client, or in open mode a label for logs and idempotency. */
export type AppAccessKeyCheck = (presented: string, service: string) => Client | string;

/**
 * DESIGN §4 vsp: the AppAccessKey in the body is the credential, a scoped one like every other (DESIGN §6): it goes
 * through the shared verifier (every configured key compared on every call, in constant time) and its client
 * carries its service scope and rate limit. A known key out of its scope is 403. With no keys configured any
 * non-empty key is accepted (the app warns at start); a digest prefix still tells clients apart without showing it.
 */
export function createAppAccessKeyCheck(appAccessKeys: VspInboundConfig['appAccessKeys']): AppAccessKeyCheck {
  const verify =
    appAccessKeys.length === 0 ? undefined : createSecretVerifier('vsp', 'vsp-key', Object.fromEntries(appAccessKeys.map(({ key, ...scope }) => [key, scope])));
  return (presented, service) => {
    if (!verify) return `vsp-key:${digest(presented).subarray(0, 4).toString('hex')}`;
    const client = verify(presented);
    if (!client) throw new GatewayError('unauthorized', 'Authorization has been denied for this request.');
    if (!client.allows(service)) throw new GatewayError('forbidden', `This AppAccessKey is not allowed for service ${service}.`);
    return client;
  };
}
