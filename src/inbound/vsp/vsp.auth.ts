import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../../core/errors';

/** Checks a request's AppAccessKey; answers the client's non-secret label for logs and idempotency. */
export type AppAccessKeyCheck = (presented: string) => string;

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * DESIGN §4 vsp: the AppAccessKey in the body is the credential. Keys are compared as SHA-256 digests with
 * timingSafeEqual against every configured key, never stopping at the first match, so the answer time says nothing
 * about how much of a key was right. With no keys configured any non-empty key is accepted (the app warns at start).
 */
export function createAppAccessKeyCheck(appAccessKeys: readonly string[]): AppAccessKeyCheck {
  const known = appAccessKeys.map((key, index) => ({ digest: sha256(key), label: `vsp-key#${index}` }));
  return (presented) => {
    const digest = sha256(presented);
    // Open mode: a digest prefix still tells clients apart without showing the key.
    if (known.length === 0) return `vsp-key:${digest.subarray(0, 4).toString('hex')}`;
    let label: string | undefined;
    for (const k of known) if (timingSafeEqual(k.digest, digest) && label === undefined) label = k.label;
    if (label === undefined) throw new GatewayError('unauthorized', 'Authorization has been denied for this request.');
    return label;
  };
}
