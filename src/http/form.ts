import qs from 'qs';
import { GatewayError, invalid } from '../core/errors';
import { assertSafeKey, MAX_USER_DATA_DEPTH } from '../core/user-data';
import { tooLarge } from './body';

export type FormValue = string | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/**
 * Strict decoding: qs's own decoder keeps `%ZZ` as it is, which would silently store a corrupted value;
 * here invalid percent-encoding is an error. Keys are checked against prototype names as they are decoded.
 */
/** The key qs decoded last: it decodes each pair's key just before its value, synchronously, so this names the value's field. */
let lastKey = '';

function strictDecoder(str: string, _default: unknown, _charset: string, type: 'key' | 'value'): string {
  let decoded = str;
  // Most keys and many values are plain: skip the regex and the decode for them (this runs per field).
  if (str.includes('%') || str.includes('+')) {
    try {
      decoded = decodeURIComponent(str.replace(/\+/g, ' '));
    } catch {
      // The message names the field, never its value: a value may be a card number or a password.
      const field = type === 'key' ? str : lastKey;
      throw invalid(`Invalid percent-encoding in form ${type === 'key' ? 'key' : 'value of'} "${field.slice(0, 64)}"`, field);
    }
  }
  if (type === 'key') {
    if (mayNamePrototype(decoded)) for (const part of decoded.split(/[[\]]+/)) if (part) assertSafeKey(part);
    lastKey = decoded;
  }
  return decoded;
}


const mayNamePrototype = (key: string): boolean => key.includes('__proto__') || key.includes('constructor') || key.includes('prototype');

/**
 * Parses an application/x-www-form-urlencoded body: `a[b][c]=v` nests (depth ≤ 5), a repeated key keeps its
 * last value, more than `maxFields` parameters is 413, and every object has a null prototype.
 */
export function parseForm(body: string, maxFields: number): FormObject {
  if (body === '') return Object.create(null) as FormObject;
  try {
    return qs.parse(body, {
      decoder: strictDecoder as qs.IParseOptions['decoder'],
      depth: MAX_USER_DATA_DEPTH,
      strictDepth: true,
      parameterLimit: maxFields,
      throwOnLimitExceeded: true,
      parseArrays: false,
      allowDots: false,
      plainObjects: true,
      allowPrototypes: true,
      duplicates: 'last',
    }) as FormObject;
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    if (err instanceof RangeError && /parameter limit/i.test(err.message)) {
      throw tooLarge(`More than ${maxFields} form fields`);
    }
    if (err instanceof RangeError && /depth/i.test(err.message)) {
      throw invalid(`Form keys nest deeper than ${MAX_USER_DATA_DEPTH}`);
    }
    throw invalid('Malformed form body');
  }
}

/** Serialises a flat list of form pairs as a browser would (spaces as '+'). */
export function encodeForm(pairs: [string, string][]): string {
  return new URLSearchParams(pairs).toString();
}
