import type { ErrorCode, GatewayError } from '../core/errors';

/** The HTTP status of an invalid request, shared by the dialects that answer over HTTP status codes. */
export function invalidRequestStatus(err: GatewayError): 400 | 405 | 408 | 413 | 415 | 422 {
  switch (err.details.reason) {
    case 'too_large':
      return 413;
    case 'timeout':
      return 408;
    case 'method_not_allowed':
      return 405;
    case 'unsupported_media_type':
      return 415;
    // IETF draft-ietf-httpapi-idempotency-key-header-07 §2.7: a key reused for a different payload is 422.
    case 'idempotency_key_reused':
      return 422;
    default:
      return 400;
  }
}

/** The HTTP status of each error code, for the dialects that answer with HTTP statuses (Nexus, VSP). */
const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  unsupported: 501,
  rate_limited: 429,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  upstream_rejected: 502,
  internal: 500,
};

export const httpStatusOf = (err: GatewayError): number => (err.code === 'invalid_request' ? invalidRequestStatus(err) : HTTP_STATUS[err.code]);

/**
 * `Retry-After` for a 503, a 429 or a retry of a request still in progress (IETF idempotency draft §2.7) whose
 * error knows when to try again; undefined otherwise.
 */
export function retryAfterHeaders(err: GatewayError, status: number): Record<string, string> | undefined {
  const retryAfter = err.details.retryAfterSeconds;
  const mayWait = status === 503 || status === 429 || err.details.reason === 'in_progress';
  if (!mayWait || retryAfter === undefined || !Number.isFinite(retryAfter) || retryAfter < 0) return undefined;
  return { 'retry-after': String(Math.ceil(retryAfter)) };
}
