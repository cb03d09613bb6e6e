import { isUtf8 } from 'node:buffer';
import { invalid } from '../core/errors';
import { hasKeyOrder } from '../core/key-order';
import { tooLarge } from './body';
import { NEEDS_EXACT_READ, parseExactJson, stringifyOrdered } from './json-exact';

/** JSON text as the client wrote it: exact integers past 2^53 and the key order kept (see json-exact.ts). */
export function readJsonText(text: string): unknown {
  return NEEDS_EXACT_READ.test(text) ? parseExactJson(text) : JSON.parse(text);
}

/**
 * JSON text of a value whose objects may carry a key order (user data with integer-like keys): the ordered writer
 * when `value` or one of its direct children says so, else the native one.
 */
export function writeJsonText(value: unknown): string {
  if (typeof value === 'object' && value !== null && needsOrder(value)) return stringifyOrdered(value);
  return JSON.stringify(value);
}

const isOrdered = (v: unknown): boolean => typeof v === 'object' && v !== null && hasKeyOrder(v);
const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/**
 * Two levels below the top cover every body the gateway writes (`{status, data: {userData}}`, `{userData}`,
 * `{changedProperties, …}`): user data marks itself when order matters anywhere below it (core/user-data).
 */
function needsOrder(value: object): boolean {
  if (hasKeyOrder(value)) return true;
  // for…in, not Object.values: no arrays per answer (every body the gateway writes passes here).
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (!isObject(child)) continue;
    if (hasKeyOrder(child)) return true;
    for (const grandKey in child) if (isOrdered((child as Record<string, unknown>)[grandKey])) return true;
  }
  return false;
}

/**
 * Parses a JSON body; malformed JSON is invalid_request, more than `maxFields` keys in all is 413. RFC 8259 §8.1:
 * JSON text is UTF-8, so bytes that are not are refused (400, as GMS forms are) rather than stored as U+FFFD.
 */
export function parseJson(body: Buffer | string, maxFields: number): unknown {
  if (typeof body !== 'string' && !isUtf8(body)) throw invalid('JSON body is not valid UTF-8');
  let value: unknown;
  try {
    value = readJsonText(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw invalid('Malformed JSON body');
  }
  if (countKeys(value, maxFields) > maxFields) throw tooLarge(`More than ${maxFields} JSON fields`);
  return value;
}

/**
 * Counts object keys and array items at every depth, stopping once past the limit. Walks with its own stack, not
 * by recursion: JSON.parse accepts nesting far deeper than the call stack (`[[[[…]]]]` in a 1 MB body).
 */
function countKeys(value: unknown, limit: number): number {
  let n = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && n <= limit) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    const children = Array.isArray(next) ? next : Object.values(next as object);
    n += children.length;
    for (const child of children) if (typeof child === 'object' && child !== null) pending.push(child);
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
  if (contentType === undefined) return '';
  // indexOf and slice rather than split: no array per request (every form and JSON body is typed by this).
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}
