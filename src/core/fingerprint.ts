import { hash } from 'node:crypto';
import type { Command } from './command';

/**
 * A digest of what a command asks for (kind, service, ref, externalId, fields), not of who asked or when (its
 * context): two sends of one request have the same fingerprint, two different requests under one idempotency key
 * do not (IETF draft-ietf-httpapi-idempotency-key-header-07 §2.4, "request payload fingerprint").
 */
export function fingerprintOf(command: Command): string {
  return digest(stableJson(command, 'context'));
}

/**
 * A fixed-length name for a state-store key: bounded whatever the client sent, and no raw client value in it.
 * The one-shot `hash` costs a fraction of a createHash object on the short texts digested per request.
 */
export function digest(text: string): string {
  return hash('sha256', text, 'base64url');
}

/**
 * JSON with object keys sorted (a client may send one body's keys in another order); arrays keep their order.
 * `skip` leaves out one key of the top-level object. Built with plain loops: this runs on every idempotent write.
 */
export function stableJson(value: unknown, skip?: string): string {
  if (typeof value === 'string') return quote(value);
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + stableJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
  let out = '{';
  for (const key of keys) {
    const field = record[key];
    if (field === undefined || key === skip) continue;
    if (out.length > 1) out += ',';
    out += `${quote(key)}:${stableJson(field)}`;
  }
  return `${out}}`;
}

/** An object's keys in order; most (a user-data entry: key, type, value) come in order already and need no sort. */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return keys.sort();
  return keys;
}

/** What JSON.stringify would escape: control characters, quote, backslash, and surrogates (lone ones are escaped). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** JSON.stringify of a string, without its cost for the plain text most keys and values are (half the time). */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}
