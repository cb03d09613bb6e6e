import { invalid } from '../core/errors';
import { isAddressable, quotable } from '../core/ids';

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
  if (!isAddressable(value)) throw invalid(`Invalid ${name} "${quotable(value)}"`, name);
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
