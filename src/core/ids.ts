import { invalid } from './errors';

// C0, DEL and C1: none belongs in an id, and C1's NEL (U+0085) is a line break to some log readers.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARS_ALL = new RegExp(CONTROL_CHARS.source, 'g');
/** A UTF-16 surrogate without its partner: not Unicode, and no URL can carry it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The id rules every dialect shares (DESIGN §4): an id, externalId or service name that is empty, `.`, `..`, or
 * holds `/`, `\` or control characters cannot be one path segment, so it could never be named in a URL.
 */
export function isAddressable(value: string): boolean {
  return !(
    value === '' ||
    value === '.' ||
    value === '..' ||
    value.includes('/') ||
    value.includes('\\') ||
    CONTROL_CHARS.test(value) ||
    LONE_SURROGATE.test(value)
  );
}

/** The value as an error message may quote it: control characters shown as `?`, at most 64 characters. */
export const quotable = (value: string): string => value.replace(CONTROL_CHARS_ALL, '?').slice(0, 64);

/** invalid_request naming `name` when `value` breaks the id rules. */
export function assertAddressable(value: string, name: string): void {
  if (!isAddressable(value)) throw invalid(`Invalid ${name} "${quotable(value)}": it could not be named in a path`, name);
}
