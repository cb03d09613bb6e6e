import { createHash } from 'node:crypto';
import type { Command } from './command';

/**
 * A digest of what a command asks for (kind, service, ref, externalId, fields), not of who asked or when (its
 * context): two sends of one request have the same fingerprint, two different requests under one idempotency key
 * do not (IETF draft-ietf-httpapi-idempotency-key-header-07 §2.4, "request payload fingerprint").
 */
export function fingerprintOf(command: Command): string {
  const { context: _context, ...asked } = command;
  return digest(stableJson(asked));
}

/** A fixed-length name for a state-store key: bounded whatever the client sent, and no raw client value in it. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** JSON with object keys sorted (a client may send one body's keys in another order); arrays keep their order. */
export function stableJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
