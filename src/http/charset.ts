import { GatewayError } from '../core/errors';
import type { FormCharset } from './form';

/**
 * The `charset` parameter of a form's Content-Type (RFC 7231 §3.1.1.1). Browsers send UTF-8 and say so or not at
 * all; legacy Java clients (URLEncoder with "ISO-8859-1") declare ISO-8859-1, whose bytes and %XX escapes are then
 * read as Latin-1 (Buffer's true ISO-8859-1, not the windows-1252 that WHATWG substitutes for the label). Any other
 * charset would be read wrong, so it is refused naming it.
 */
const CHARSETS: Record<string, FormCharset> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  'iso-8859-1': 'latin1',
  iso8859_1: 'latin1',
  'iso_8859-1': 'latin1',
  'iso8859-1': 'latin1',
  latin1: 'latin1',
  l1: 'latin1',
};

const CHARSET_PARAM = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

export function formCharsetOf(contentType: string | undefined): FormCharset {
  const m = contentType === undefined ? null : CHARSET_PARAM.exec(contentType);
  if (!m) return 'utf-8';
  const declared = (m[1] ?? m[2] ?? '').trim();
  const charset = CHARSETS[declared.toLowerCase()];
  if (charset === undefined || !Object.hasOwn(CHARSETS, declared.toLowerCase())) {
    throw unreadableCharset(declared, 'UTF-8 or ISO-8859-1');
  }
  return charset;
}

/** RFC 8259 §8.1: JSON is UTF-8 (US-ASCII is a subset). A body declared in another charset is refused, not misread. */
export function assertJsonCharset(contentType: string | undefined): void {
  const m = contentType === undefined ? null : CHARSET_PARAM.exec(contentType);
  if (!m) return;
  const declared = (m[1] ?? m[2] ?? '').trim();
  if (CHARSETS[declared.toLowerCase()] !== 'utf-8' || !Object.hasOwn(CHARSETS, declared.toLowerCase())) throw unreadableCharset(declared, 'UTF-8');
}

/** A charset the gateway cannot read: 415 in the dialect's form (RFC 9110 §15.5.16). */
const unreadableCharset = (declared: string, readable: string): GatewayError =>
  new GatewayError('invalid_request', `Unsupported charset "${declared.slice(0, 40)}": send ${readable}`, {
    field: 'Content-Type',
    reason: 'unsupported_media_type',
  });
