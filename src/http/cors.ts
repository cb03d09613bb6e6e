import type { IncomingHttpHeaders } from 'node:http';

/**
 * CORS for single-page apps calling the dialects with fetch (Fetch standard, "CORS protocol"). Off unless
 * `server.cors.origins` lists origins; `*` allows any. Credentials mode is not needed: every dialect sends its
 * credential in a header (x-api-key, Authorization), never in a cookie, so no Allow-Credentials is sent.
 */

/** The request headers the dialects read: Nexus x-api-key, Idempotency-Key, X-B3-TraceId; GMS gms_user; Basic auth. */
const ALLOWED_HEADERS = 'x-api-key, idempotency-key, x-b3-traceid, gms_user, content-type, authorization, x-request-id';
/** Answer headers a page may read: the request id, the trace id, and when to retry. */
const EXPOSED_HEADERS = 'x-request-id, x-b3-traceid, retry-after';
/** Browsers cap this (Chromium at 2 h); ten minutes keeps a config change visible soon. */
const MAX_AGE_SECONDS = '600';

export interface CorsPolicy {
  /** True when `origin` may read the answers. */
  allows(origin: string): boolean;
  /** Headers for an answer to an allowed origin. */
  answerHeaders(origin: string): Record<string, string>;
  /** Headers for a preflight of `method` from an allowed origin. */
  preflightHeaders(origin: string, method: string): Record<string, string>;
}

/** The policy for the configured origins, or undefined when none is configured (CORS off, no cost per request). */
export function createCorsPolicy(origins: readonly string[]): CorsPolicy | undefined {
  if (origins.length === 0) return undefined;
  const any = origins.includes('*');
  // Origins compare as the browser serialises them: scheme and host lower case, no trailing slash.
  const allowed = new Set(origins.map((o) => o.toLowerCase().replace(/\/+$/, '')));
  const answerHeaders = (origin: string): Record<string, string> => ({
    'access-control-allow-origin': origin,
    'access-control-expose-headers': EXPOSED_HEADERS,
    vary: 'Origin',
  });
  return {
    allows: (origin) => any || allowed.has(origin.toLowerCase()),
    answerHeaders,
    preflightHeaders: (origin, method) => ({
      ...answerHeaders(origin),
      'access-control-allow-methods': method,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': MAX_AGE_SECONDS,
    }),
  };
}

/** A CORS preflight: OPTIONS from a page, naming the method it wants to send (Fetch standard, "CORS-preflight request"). */
export interface Preflight {
  origin: string;
  method: string;
}

export function preflightOf(method: string, headers: IncomingHttpHeaders): Preflight | undefined {
  if (method !== 'OPTIONS') return undefined;
  const origin = headers.origin;
  const requested = headers['access-control-request-method'];
  return typeof origin === 'string' && typeof requested === 'string' ? { origin, method: requested.toUpperCase() } : undefined;
}

/** The answer to a preflight of a dialect route: 204 with the grants for an allowed origin, else a bare 403. */
export function answerPreflight(cors: CorsPolicy, preflight: Preflight, requestId: string): { status: number; headers: Record<string, string> } {
  if (!cors.allows(preflight.origin)) return { status: 403, headers: { 'x-request-id': requestId } };
  return { status: 204, headers: { 'x-request-id': requestId, ...cors.preflightHeaders(preflight.origin, preflight.method) } };
}
