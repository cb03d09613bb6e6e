import { isUtf8 } from 'node:buffer';
import { invalid } from '../core/errors';
import { tooLarge } from './body';

/**
 * Parses a JSON body; malformed JSON is invalid_request, more than `maxFields` keys in all is 413. RFC 8259 §8.1:
 * JSON text is UTF-8, so bytes that are not are refused (400, as GMS forms are) rather than stored as U+FFFD.
 */
export function parseJson(body: Buffer | string, maxFields: number): unknown {
  if (typeof body !== 'string' && !isUtf8(body)) throw invalid('JSON body is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw invalid('Malformed JSON body');
  }
  if (countKeys(value, maxFields) > maxFields) throw tooLarge(`More than ${maxFields} JSON fields`);
  return value;
}

/** Counts object keys and array items at every depth, stopping early once past the limit. */
function countKeys(value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  const children = Array.isArray(value) ? value : Object.values(value as object);
  n += children.length;
  for (const child of children) {
    if (n > limit) return n;
    n += countKeys(child, limit - n);
  }
  return n;
}

/** True when the content type is JSON (application/json, text/json, or a +json suffix). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mime = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return mime === 'application/json' || mime === 'text/json' || mime.endsWith('+json');
}

export function mimeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}
