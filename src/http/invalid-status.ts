import type { GatewayError } from '../core/errors';

/** The HTTP status of an invalid request, shared by the dialects that answer over HTTP status codes. */
export function invalidRequestStatus(err: GatewayError): 400 | 405 | 413 | 422 {
  switch (err.details.reason) {
    case 'too_large':
      return 413;
    case 'method_not_allowed':
      return 405;
    // IETF draft-ietf-httpapi-idempotency-key-header-07 §2.7: a key reused for a different payload is 422.
    case 'idempotency_key_reused':
      return 422;
    default:
      return 400;
  }
}
