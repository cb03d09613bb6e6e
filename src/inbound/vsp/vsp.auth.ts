import { createHash } from 'node:crypto';
import { GatewayError } from '../../core/errors';
import { compilePattern } from '../../core/pattern';
import { constantTimeEqual } from '../../http/basic-auth';
import type { VspInboundConfig } from './vsp.config';

/** Checks a request's AppAccessKey for a service; answers the client's non-secret label for logs and idempotency. */
export type AppAccessKeyCheck = (presented: string, service: string) => string;

/**
 * DESIGN §4 vsp: the AppAccessKey in the body is the credential. Every configured key is compared on every call, in
 * constant time, so the answer time says nothing about how much of a key was right. A key may be scoped to service
 * patterns (`{ key, services }`): a known key out of its scope is 403. With no keys configured any non-empty key is
 * accepted (the app warns at start).
 */
export function createAppAccessKeyCheck(appAccessKeys: VspInboundConfig['appAccessKeys']): AppAccessKeyCheck {
  const known = appAccessKeys.map((entry, index) => {
    const { key, services } = typeof entry === 'string' ? { key: entry, services: ['*'] } : entry;
    const matchers = services.map(compilePattern);
    return { key, label: `vsp-key#${index}`, mayUse: (service: string) => matchers.some((matches) => matches(service)) };
  });
  return (presented, service) => {
    // Open mode: a digest prefix still tells clients apart without showing the key.
    if (known.length === 0) return `vsp-key:${createHash('sha256').update(presented, 'utf8').digest('hex').slice(0, 8)}`;
    let match: (typeof known)[number] | undefined;
    for (const k of known) if (constantTimeEqual(k.key, presented) && !match) match = k;
    if (!match) throw new GatewayError('unauthorized', 'Authorization has been denied for this request.');
    if (!match.mayUse(service)) throw new GatewayError('forbidden', `This AppAccessKey is not allowed for service ${service}.`);
    return match.label;
  };
}
