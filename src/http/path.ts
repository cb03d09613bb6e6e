import { invalid } from '../core/errors';

// C0, DEL and C1: none belongs in an id, and C1's NEL (U+0085) is a line break to some log readers.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARS_ALL = new RegExp(CONTROL_CHARS.source, 'g');

/**
 * Decodes one path segment and applies the id rules shared by every dialect: empty, `.`, `..`, or holding
 * `/`, `\`, control characters or invalid percent-encoding → invalid_request. This keeps any client value from
 * changing an upstream path once a driver re-encodes it.
 */
export function decodeIdSegment(raw: string, name: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw invalid(`Invalid percent-encoding in ${name}`, name);
  }
  if (value === '' || value === '.' || value === '..' || value.includes('/') || value.includes('\\') || CONTROL_CHARS.test(value)) {
    throw invalid(`Invalid ${name} "${value.replace(CONTROL_CHARS_ALL, '?').slice(0, 64)}"`, name);
  }
  return value;
}

/**
 * One client value as one upstream path segment. Empty, `.` and `..` are refused rather than encoded: WHATWG URL
 * parsing treats `%2e%2e` as `..` too, so no encoding keeps them from moving the upstream path. A lone surrogate
 * (which encodeURIComponent cannot encode) is refused as well.
 */
export function encodeSegment(value: string, name = 'path segment'): string {
  if (value === '' || value === '.' || value === '..') throw invalid(`Invalid ${name} "${value}"`, name);
  try {
    return encodeURIComponent(value);
  } catch {
    throw invalid(`Invalid ${name}: not well-formed Unicode`, name);
  }
}
