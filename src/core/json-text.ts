/** What JSON.stringify would escape in a string: control characters, quote, backslash, and surrogates (lone ones are escaped). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * JSON.stringify of a string, without its cost for the plain text most keys, digests and ids are: the hot path
 * writes a few such texts per request (fingerprints, idempotency records).
 */
export function jsonString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}
